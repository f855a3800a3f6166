#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/civil_time.h"
#include "common/status.h"

namespace mileage::growth {

// A brand's RFM thresholds (table rfm_thresholds): four ascending bounds per figure.
// Recency: a last visit at most recency_days[0] days ago scores 5, at most [1] 4, at most [2]
// 3, at most [3] 2, older or never 1. Frequency (paid visits in 12 months) and monetary (spend
// in fen, net of refunds, in 12 months): at least [0] scores 2, at least [1] 3, at least [2] 4,
// at least [3] 5, less than [0] 1.
struct RfmThresholds {
  std::array<int64_t, 4> recency_days = {30, 90, 180, 365};
  std::array<int64_t, 4> visits = {2, 4, 8, 12};
  std::array<int64_t, 4> spend_fen = {100000, 300000, 800000, 2000000};

  bool operator==(const RfmThresholds&) const = default;
};

// InvalidArgument INVALID_THRESHOLDS unless each figure's bounds are strictly ascending, the
// first recency bound is at least 0 and the first visits and spend bounds at least 1, and
// every bound at most 10^12.
Status ValidateThresholds(const RfmThresholds& t);

// The scores 1..5 of one member's figures. `recency_days` is nullopt for a member who never
// visited.
int RecencyScore(const RfmThresholds& t, std::optional<int64_t> recency_days);
int FrequencyScore(const RfmThresholds& t, int64_t visits);
int MonetaryScore(const RfmThresholds& t, int64_t spend_fen);

// Whole days from `last_visit_at` to `now` (0 for a visit after `now`); nullopt without a
// visit.
std::optional<int64_t> RecencyDays(std::optional<int64_t> last_visit_at, int64_t now);

// The vehicle_age tag of a vehicle bought on `purchase_date` ("YYYY-MM-DD"), by whole years to
// `today`: "0_1" (under a year), "1_3", "3_5", "5_8", "8_plus"; "unknown" without a date (or
// with a date that does not parse).
std::string VehicleAgeBucket(const std::optional<std::string>& purchase_date,
                             const civil::Date& today);

// The tag keys the tags job writes (table member_tags) and their values.
inline constexpr std::string_view kTagTier = "tier";
inline constexpr std::string_view kTagVehicleAge = "vehicle_age";
inline constexpr std::string_view kTagPartnerCategory = "partner_category";
inline constexpr std::string_view kTagCouponRedeemer = "coupon_redeemer";

}  // namespace mileage::growth
