#pragma once

#include <cstdint>
#include <string>

#include "members/types.h"
#include "org/types.h"
#include "points/earning_rules.h"

namespace mileage::payments {

// The membership rules a payment applies: tiers and when earned points expire. From config;
// a value type.
struct PaymentPolicy {
  members::TierPolicy tiers;
  points::ExpiryPolicy expiry;
};

// What a notification did. Every outcome is a success for WeChat (answer 204).
enum class Outcome {
  kApplied,        // recorded and applied now
  kDuplicate,      // seen before (same notification id, transaction_id or refund_id): nothing
  kRefundPending,  // a refund kept until its payment arrives
  kIgnored,        // verified and recorded, but nothing to apply (another event, not SUCCESS)
};

// "applied", "duplicate", "refund_pending", "ignored".
std::string_view OutcomeName(Outcome outcome);

// The merchant a notification came through, as the payment flow needs it.
struct MerchantRef {
  int64_t id = 0;
  std::string mchid;
  std::string appid;
  org::NodePath store;
};

// Unix seconds from `from` (included) to `until` (excluded). A value type.
struct TimeWindow {
  int64_t from = 0;
  int64_t until = 0;
};

// A recorded WeChat Pay transaction. Money in fen, times in Unix seconds. A value type.
struct TransactionRecord {
  int64_t id = 0;
  std::string transaction_id;
  MerchantRef merchant;
  std::string appid;
  std::string out_trade_no;
  std::string payer_openid;
  int64_t amount_fen = 0;
  int64_t payer_total_fen = 0;
  int64_t paid_at = 0;
  int64_t member_id = 0;
  int64_t points_earned = 0;
  int64_t rule_version = 0;
  int64_t refunded_fen = 0;
  int64_t points_reversed = 0;
  std::string state;  // "paid" | "partially_refunded" | "refunded"
  int64_t created_at = 0;
};

// A refund notification as recorded. `applied` is false while it waits for its payment or
// when its status is not success.
struct RefundRecord {
  int64_t id = 0;
  std::string refund_id;
  std::string transaction_id;
  std::string out_refund_no;
  MerchantRef merchant;
  int64_t amount_fen = 0;
  std::string status;  // "success" | "abnormal" | "closed"
  bool applied = false;
  int64_t points_reversed = 0;
  int64_t refunded_at = 0;
  int64_t created_at = 0;
  int64_t applied_at = 0;
};

}  // namespace mileage::payments
