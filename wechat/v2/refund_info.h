#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::wechat::v2 {

// refund_status of a v2 refund notification.
enum class RefundStatus { kSuccess, kChange, kRefundClose };

// The decrypted req_info of a v2 refund notification, with WeChat's field names; money in fen.
// A value type.
struct RefundInfo {
  std::string transaction_id;
  std::string out_trade_no;
  std::string refund_id;
  std::string out_refund_no;
  int64_t total_fee = 0;
  std::optional<int64_t> settlement_total_fee;
  int64_t refund_fee = 0;
  int64_t settlement_refund_fee = 0;
  RefundStatus refund_status = RefundStatus::kSuccess;
  std::string success_time;        // "2020-01-04 18:34:24", China Standard Time; only for SUCCESS
  std::string refund_recv_accout;  // sic: WeChat's spelling
  std::string refund_account;
  std::string refund_request_source;
};

// Decrypts req_info: base64, then AES-256-ECB with PKCS#7 under the key lower-case hex
// MD5(api_key). Returns the XML text. InvalidArgument WECHATPAY_V2_BAD_KEY (empty key),
// WECHATPAY_V2_BAD_BASE64; Unauthenticated WECHATPAY_V2_DECRYPT_FAILED (not whole blocks or bad
// padding: wrong key or tampered data).
Result<std::string> DecryptReqInfo(std::string_view req_info_base64, std::string_view api_key);

// The inverse, for the sandbox and tests. InvalidArgument WECHATPAY_V2_BAD_KEY (empty key).
Result<std::string> EncryptReqInfo(std::string_view xml, std::string_view api_key);

// Parses decrypted req_info XML (root <root>). Required: transaction_id, out_trade_no,
// refund_id, out_refund_no, total_fee, refund_fee, settlement_refund_fee, refund_status.
// The errors of ParseXml; InvalidArgument WECHATPAY_V2_MALFORMED_REFUND_INFO when a required
// field is missing, an amount is not a decimal integer or the status is unknown.
Result<RefundInfo> ParseRefundInfo(std::string_view xml);

// DecryptReqInfo then ParseRefundInfo.
Result<RefundInfo> DecryptRefundInfo(std::string_view req_info_base64, std::string_view api_key);

}  // namespace mileage::wechat::v2
