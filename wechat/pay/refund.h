#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace mileage::wechat::pay {

// refund_status of a refund notification: REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED.
enum class RefundStatus { kSuccess, kClosed, kAbnormal };

std::string_view RefundStatusName(RefundStatus status);
std::optional<RefundStatus> ParseRefundStatus(std::string_view name);

// amount of a refund notification; money in fen.
struct RefundAmount {
  int64_t total = 0;         // the original order
  int64_t refund = 0;        // refunded
  int64_t payer_total = 0;   // the payer paid
  int64_t payer_refund = 0;  // returned to the payer
};

// The decrypted resource of a REFUND.* notification (direct-merchant mode), with WeChat's field
// names. A value type.
struct Refund {
  std::string mchid;
  std::string out_trade_no;
  std::string transaction_id;
  std::string out_refund_no;
  std::string refund_id;
  RefundStatus refund_status = RefundStatus::kSuccess;
  std::optional<TimePoint> success_time;  // only for SUCCESS
  std::string user_received_account;
  RefundAmount amount;
};

// Parses a decrypted refund resource. Required: mchid, out_trade_no, transaction_id,
// out_refund_no, refund_id, refund_status, amount.total, amount.refund. InvalidArgument
// WECHATPAY_MALFORMED_RESOURCE as for ParseTransaction.
Result<Refund> ParseRefund(std::string_view json);

// The JSON WeChat Pay would send for `refund` (the sandbox and tests).
std::string SerializeRefund(const Refund& refund);

}  // namespace mileage::wechat::pay
