#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// A member's way to the tier above theirs, as the owner card shows it. `next` is nullopt at the
// top tier (or for a tier the policy does not name), and so are both distances; a distance is
// nullopt too when the next tier has no such criterion (a zero threshold), and 0 once met.
// Meeting either distance qualifies (QualifiedRank's OR).
struct TierProgress {
  std::string current;
  std::optional<std::string> next;
  std::optional<int64_t> spend_fen_to_next;
  std::optional<int64_t> visits_to_next;
};

// The progress of a member in `current_tier` with `spend_fen` and `visits` over the rolling
// 12 months towards the tier after theirs.
TierProgress ProgressToNextTier(const TierPolicy& policy, std::string_view current_tier,
                                int64_t spend_fen, int64_t visits);

// "spend 523000 fen, 13 visits in 12 months": the tail of a tier change reason.
std::string ActivitySummary(int64_t spend_fen, int64_t visits);

// The rolling qualification window: the Beijing month of `now` and the 11 before it, as YYYYMM
// bounds (both inclusive).
inline constexpr int64_t kRollingMonths = 12;
struct MonthRange {
  int64_t first = 0;
  int64_t last = 0;
};
MonthRange RollingWindow(int64_t now);

}  // namespace mileage::members
