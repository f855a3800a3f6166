#pragma once

#include <cstdint>

namespace mileage::points {

// What one refund does to a payment of `amount_fen` that earned `points_earned`, when
// `refunded_before` fen and `reversed_before` points were refunded and reversed already.
// Points are reversed in proportion to the refunded total, rounding down on the cumulative
// total (not per refund), so partial refunds add up to exactly the points earned at a full
// refund and never more. A refund beyond the paid amount is counted up to the amount only.
struct RefundEffect {
  int64_t refunded_after = 0;     // refunded total, at most amount_fen
  int64_t points_to_reverse = 0;  // >= 0
};

// Pure; no overflow for any non-negative int64 inputs.
RefundEffect ComputeRefundEffect(int64_t amount_fen, int64_t points_earned, int64_t refunded_before,
                                 int64_t reversed_before, int64_t refund_fen);

}  // namespace mileage::points
