#include "wechat/pay/signature.h"

#include <optional>
#include <utility>

#include "crypto/base64.h"
#include "crypto/random_string.h"
#include "wechat/internal/timestamp.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {
namespace {

constexpr size_t kMaxHeaderTokenBytes = 64;
// A 4096-bit signature is 684 base64 characters; allow headroom, refuse anything absurd.
constexpr size_t kMaxSignatureBase64 = 1024;

bool IsPrintableToken(std::string_view s) {
  if (s.size() > kMaxHeaderTokenBytes) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace

std::string BuildSignatureMessage(std::string_view timestamp, std::string_view nonce,
                                  std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + nonce.size() + body.size() + 3);
  message.append(timestamp).push_back('\n');
  message.append(nonce).push_back('\n');
  message.append(body).push_back('\n');
  return message;
}

Status VerifyWechatpaySignature(const PlatformKeys& keys, const WechatpayHeaders& headers,
                                std::string_view body, TimePoint now) {
  for (const auto& [name, value] :
       {std::pair{kHeaderSerial, &headers.serial}, std::pair{kHeaderSignature, &headers.signature},
        std::pair{kHeaderTimestamp, &headers.timestamp}, std::pair{kHeaderNonce, &headers.nonce}}) {
    if (value->empty()) {
      return UnauthenticatedError(std::string("missing header ") + name, reason::kMissingHeader);
    }
  }
  if (!IsPrintableToken(headers.serial) || !IsPrintableToken(headers.nonce)) {
    return InvalidArgumentError("Wechatpay-Serial or Wechatpay-Nonce is malformed",
                                reason::kMalformedHeader);
  }
  if (std::string_view(headers.signature).starts_with(kSigntestPrefix)) {
    return UnauthenticatedError("signature test probe rejected", reason::kSigntestProbe);
  }

  MILEAGE_RETURN_IF_ERROR(internal::CheckTimestamp(headers.timestamp, now, kMaxClockSkewSeconds));

  const PlatformKey* key = keys.Find(headers.serial);
  if (key == nullptr) {
    return UnauthenticatedError("no platform key for Wechatpay-Serial " + headers.serial,
                                reason::kUnknownSerial);
  }
  std::optional<std::string> signature;
  if (headers.signature.size() <= kMaxSignatureBase64) {
    signature = crypto::Base64Decode(headers.signature);
  }
  if (!signature) {
    return InvalidArgumentError("Wechatpay-Signature is not base64", reason::kBadBase64);
  }
  if (!key->key.VerifySha256(BuildSignatureMessage(headers.timestamp, headers.nonce, body),
                             *signature)) {
    return UnauthenticatedError("Wechatpay-Signature does not verify", reason::kBadSignature);
  }
  return Status::Ok();
}

Result<WechatpayHeaders> SignWechatpayMessage(const crypto::RsaPrivateKey& key,
                                              std::string_view serial, std::string_view body,
                                              int64_t timestamp, std::string_view nonce) {
  std::string ts = std::to_string(timestamp);
  MILEAGE_ASSIGN_OR_RETURN(std::string signature,
                           key.SignSha256(BuildSignatureMessage(ts, nonce, body)));
  return WechatpayHeaders{std::string(serial), crypto::Base64Encode(signature), std::move(ts),
                          std::string(nonce)};
}

Result<WechatpayHeaders> SignWechatpayMessage(const crypto::RsaPrivateKey& key,
                                              std::string_view serial, std::string_view body,
                                              TimePoint now, RandomSource& random) {
  return SignWechatpayMessage(key, serial, body, UnixSeconds(now),
                              crypto::RandomAlphanumeric(random, 32));
}

}  // namespace mileage::wechat::pay
