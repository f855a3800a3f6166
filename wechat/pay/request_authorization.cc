#include "wechat/pay/request_authorization.h"

#include "crypto/base64.h"
#include "wechat/internal/timestamp.h"
#include "wechat/pay/request_signer.h"
#include "wechat/pay/signature.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {
namespace {

constexpr size_t kMaxAuthorizationBytes = 4096;

Status Bad(std::string message) {
  return InvalidArgumentError("Authorization: " + std::move(message), reason::kBadAuthorization);
}

}  // namespace

Result<RequestAuthorization> ParseAuthorization(std::string_view header) {
  if (header.size() > kMaxAuthorizationBytes) return Bad("too long");
  if (!header.starts_with(kAuthorizationScheme) ||
      header.substr(kAuthorizationScheme.size(), 1) != " ") {
    return Bad("scheme is not WECHATPAY2-SHA256-RSA2048");
  }
  std::string_view rest = header.substr(kAuthorizationScheme.size() + 1);
  RequestAuthorization out;
  std::pair<std::string_view, std::string*> fields[] = {
      {"mchid", &out.mchid},         {"nonce_str", &out.nonce_str}, {"timestamp", &out.timestamp},
      {"serial_no", &out.serial_no}, {"signature", &out.signature},
  };
  bool seen[std::size(fields)] = {};
  while (true) {
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    size_t eq = rest.find("=\"");
    if (eq == std::string_view::npos) return Bad("expected key=\"value\"");
    std::string_view key = rest.substr(0, eq);
    size_t close = rest.find('"', eq + 2);
    if (close == std::string_view::npos) return Bad("unterminated value");
    std::string_view value = rest.substr(eq + 2, close - eq - 2);
    for (char c : value) {
      if (c < 0x21 || c > 0x7E) return Bad("value has a space or control character");
    }
    for (size_t i = 0; i < std::size(fields); ++i) {
      if (fields[i].first != key) continue;
      if (seen[i]) return Bad("repeated parameter");
      seen[i] = true;
      fields[i].second->assign(value);
    }
    rest.remove_prefix(close + 1);
    if (rest.empty()) break;
    if (!rest.starts_with(',')) return Bad("expected ','");
    rest.remove_prefix(1);
  }
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (!seen[i] || fields[i].second->empty()) {
      return Bad("missing " + std::string(fields[i].first));
    }
  }
  return out;
}

Status VerifyRequestAuthorization(const crypto::RsaPublicKey& merchant_key,
                                  const RequestAuthorization& authorization,
                                  std::string_view method, std::string_view url,
                                  std::string_view body, TimePoint now) {
  MILEAGE_RETURN_IF_ERROR(
      internal::CheckTimestamp(authorization.timestamp, now, kMaxClockSkewSeconds));
  std::optional<std::string> signature = crypto::Base64Decode(authorization.signature);
  if (!signature) return InvalidArgumentError("signature is not base64", reason::kBadBase64);
  if (!merchant_key.VerifySha256(
          BuildRequestMessage(method, url, authorization.timestamp, authorization.nonce_str, body),
          *signature)) {
    return UnauthenticatedError("request signature does not verify", reason::kBadSignature);
  }
  return Status::Ok();
}

}  // namespace mileage::wechat::pay
