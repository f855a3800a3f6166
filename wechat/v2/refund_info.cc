#include "wechat/v2/refund_info.h"

#include "crypto/aes_block.h"
#include "crypto/base64.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "wechat/reasons.h"
#include "wechat/v2/xml.h"

namespace mileage::wechat::v2 {
namespace {

constexpr size_t kMaxAmountDigits = 18;

Status Malformed(std::string message) {
  return InvalidArgumentError("v2 refund req_info: " + std::move(message),
                              reason::kV2MalformedRefundInfo);
}

std::optional<int64_t> ParseAmount(std::string_view text) {
  if (text.empty() || text.size() > kMaxAmountDigits) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The AES-256 key of req_info: the 32 ASCII characters of lower-case hex MD5(api_key).
std::string ReqInfoKey(std::string_view api_key) { return crypto::HexEncode(crypto::Md5(api_key)); }

}  // namespace

Result<std::string> DecryptReqInfo(std::string_view req_info_base64, std::string_view api_key) {
  if (api_key.empty()) return InvalidArgumentError("v2 API key is empty", reason::kV2BadKey);
  std::optional<std::string> ciphertext = crypto::Base64Decode(req_info_base64);
  if (!ciphertext) return InvalidArgumentError("req_info is not base64", reason::kV2BadBase64);
  std::optional<std::string> plaintext = crypto::Aes256EcbDecrypt(ReqInfoKey(api_key), *ciphertext);
  if (!plaintext) {
    return UnauthenticatedError("req_info does not decrypt", reason::kV2DecryptFailed);
  }
  return std::move(*plaintext);
}

Result<std::string> EncryptReqInfo(std::string_view xml, std::string_view api_key) {
  if (api_key.empty()) return InvalidArgumentError("v2 API key is empty", reason::kV2BadKey);
  std::optional<std::string> ciphertext = crypto::Aes256EcbEncrypt(ReqInfoKey(api_key), xml);
  if (!ciphertext) return InternalError("req_info encryption failed");
  return crypto::Base64Encode(*ciphertext);
}

Result<RefundInfo> ParseRefundInfo(std::string_view xml) {
  MILEAGE_ASSIGN_OR_RETURN(Fields fields, ParseXml(xml, "root"));
  auto get = [&fields](const char* name) -> const std::string* {
    auto it = fields.find(name);
    return it == fields.end() || it->second.empty() ? nullptr : &it->second;
  };
  RefundInfo info;
  std::pair<const char*, std::string*> required[] = {
      {"transaction_id", &info.transaction_id},
      {"out_trade_no", &info.out_trade_no},
      {"refund_id", &info.refund_id},
      {"out_refund_no", &info.out_refund_no},
  };
  for (auto& [name, field] : required) {
    const std::string* v = get(name);
    if (v == nullptr) return Malformed(std::string("missing ") + name);
    *field = *v;
  }
  std::pair<const char*, int64_t*> amounts[] = {
      {"total_fee", &info.total_fee},
      {"refund_fee", &info.refund_fee},
      {"settlement_refund_fee", &info.settlement_refund_fee},
  };
  for (auto& [name, field] : amounts) {
    const std::string* v = get(name);
    if (v == nullptr) return Malformed(std::string("missing ") + name);
    std::optional<int64_t> amount = ParseAmount(*v);
    if (!amount) return Malformed(std::string(name) + " is not an amount in fen");
    *field = *amount;
  }
  if (const std::string* v = get("settlement_total_fee")) {
    info.settlement_total_fee = ParseAmount(*v);
    if (!info.settlement_total_fee) return Malformed("settlement_total_fee is not an amount");
  }
  const std::string* status = get("refund_status");
  if (status == nullptr) return Malformed("missing refund_status");
  if (*status == "SUCCESS") {
    info.refund_status = RefundStatus::kSuccess;
  } else if (*status == "CHANGE") {
    info.refund_status = RefundStatus::kChange;
  } else if (*status == "REFUNDCLOSE") {
    info.refund_status = RefundStatus::kRefundClose;
  } else {
    return Malformed("unknown refund_status");
  }
  if (const std::string* v = get("success_time")) info.success_time = *v;
  if (const std::string* v = get("refund_recv_accout")) info.refund_recv_accout = *v;
  if (const std::string* v = get("refund_account")) info.refund_account = *v;
  if (const std::string* v = get("refund_request_source")) info.refund_request_source = *v;
  return info;
}

Result<RefundInfo> DecryptRefundInfo(std::string_view req_info_base64, std::string_view api_key) {
  MILEAGE_ASSIGN_OR_RETURN(std::string xml, DecryptReqInfo(req_info_base64, api_key));
  return ParseRefundInfo(xml);
}

}  // namespace mileage::wechat::v2
