#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/db.h"

namespace mileage::points {

// How purchases at a partner earn points (issue 13): `points_per_yuan` points per 100 fen
// (floored), times the member tier's multiplier in percent (as EarningRule: unlisted tiers
// 100), times `promo_percent` when the purchase occurred inside [promo_from, promo_to)
// (promo_to 0: no promotion), each step floored. Then capped so that what the member earned at
// the partner in the Beijing day and month of the posting stays within `cap_per_day` and
// `cap_per_month` points (0: no cap); reversals do not give the cap back. Each change is a new
// version; earning journals record the version used. A value type.
struct PartnerEarningRule {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t partner_id = 0;
  int64_t version = 0;
  int64_t points_per_yuan = 1;
  std::map<std::string, int64_t> tier_multiplier_percent;
  int64_t cap_per_day = 0;
  int64_t cap_per_month = 0;
  int64_t promo_from = 0;
  int64_t promo_to = 0;
  int64_t promo_percent = 100;
  int64_t created_at = 0;
};

// The points `amount_fen` spent at `occurred_at` earns under `rule` for a member of `tier`,
// before the caps. Pure.
int64_t PartnerPointsBeforeCaps(const PartnerEarningRule& rule, std::string_view tier,
                                int64_t amount_fen, int64_t occurred_at);

// `points` cut down so that the member's earnings at the partner stay within the caps, given
// what they earned there already in the day and the month (never negative). Pure.
int64_t ApplyPartnerCaps(const PartnerEarningRule& rule, int64_t points, int64_t earned_today,
                         int64_t earned_this_month);

// Partner earning rules on one connection. Not safe for concurrent use.
class PartnerRuleStore {
 public:
  explicit PartnerRuleStore(db::Connection& conn) : conn_(conn) {}

  // Stores a new version of the partner's rule and returns it with id and version.
  // InvalidArgument INVALID_EARNING_RULE for a negative rate or cap, bad tier multipliers, a
  // promotion percent outside 0-1000000 or a window with promo_to <= promo_from; Aborted when
  // a concurrent Put took the version (retry).
  Result<PartnerEarningRule> Put(const PartnerEarningRule& rule, int64_t now);
  // The partner's latest rule, or nullopt when it has none.
  Result<std::optional<PartnerEarningRule>> Current(int64_t partner_id);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::points
