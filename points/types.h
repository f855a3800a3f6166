#pragma once

#include <cstdint>
#include <string>

namespace mileage::points {

// A member's points: `balance` is spendable (never negative); `debt` is what refunds reversed
// beyond the balance (never negative), repaid first by later earnings. Documented policy:
// a refund of a payment whose points were already spent records debt, never a silent floor.
struct Balance {
  int64_t balance = 0;
  int64_t debt = 0;
};

// What a posting did. A posting repeated with the same idempotency key returns the first
// posting's result with `duplicate` set and changes nothing.
struct PostResult {
  int64_t journal_id = 0;
  int64_t points = 0;       // the points the journal moved (positive)
  int64_t debt_change = 0;  // + debt recorded, - debt repaid by this posting
  int64_t lot_id = 0;       // the lot an earning created (0: none, or a duplicate)
  bool duplicate = false;
};

// How many points a payment earns and under which rule version.
struct EarnQuote {
  int64_t points = 0;
  int64_t rule_id = 0;       // 0 when the built-in default rule applied
  int64_t rule_version = 0;  // recorded on the journal
};

}  // namespace mileage::points
