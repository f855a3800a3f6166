#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "members/types.h"

namespace mileage::members {

// Pure rules of tiers and activity months (no storage), shared by the store and the
// downgrade job. The owner card number rules are in member_store.h.

// InvalidArgument INVALID_TIER_POLICY unless: at least one tier; names of 1..32 characters
// from [a-z0-9_-], no repeats; the first tier has zero thresholds; every later tier has at
// least one positive threshold and none negative; grace_days between 0 and 3650.
Status ValidateTierPolicy(const TierPolicy& policy);

// The index of the highest tier that `spend_fen` and `visits` qualify for. The first tier
// always qualifies; a later one when spend >= its positive min_spend_fen or visits >= its
// positive min_visits (a zero threshold is not a criterion, else every member would meet it).
size_t QualifiedRank(const TierPolicy& policy, int64_t spend_fen, int64_t visits);

// "spend 523000 fen, 13 visits in 12 months": the tail of a tier change reason.
std::string ActivitySummary(int64_t spend_fen, int64_t visits);

// The rolling qualification window: the Beijing month of `now` and the 11 before it, as YYYYMM bounds
// (both inclusive).
inline constexpr int64_t kRollingMonths = 12;
struct MonthRange {
  int64_t first = 0;
  int64_t last = 0;
};
MonthRange RollingWindow(int64_t now);

}  // namespace mileage::members
