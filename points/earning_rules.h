#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/db.h"
#include "points/types.h"

namespace mileage::points {

// How a payment earns points: `points_per_yuan` points per 100 fen (floored), times the
// member tier's multiplier in percent (100 = 1x; tiers not listed earn 100), capped at
// `cap_per_payment` points (0 = no cap). A rule belongs to a brand, or to one store of it
// (overriding the brand's). Each change is a new version; journals record the version used.
struct EarningRule {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t store_id = 0;  // 0 for the brand-wide rule
  int64_t version = 0;
  int64_t points_per_yuan = 1;
  std::map<std::string, int64_t> tier_multiplier_percent;
  int64_t cap_per_payment = 0;
  int64_t created_at = 0;
};

// The points `amount_fen` earns under `rule` for a member of `tier`. Pure.
int64_t PointsFor(const EarningRule& rule, std::string_view tier, int64_t amount_fen);

// floor(a * b / d) for a, b >= 0 and d > 0, saturating at INT64_MAX instead of overflowing.
int64_t MulDivFloor(int64_t a, int64_t b, int64_t d);

// Tier multipliers as the rule tables store them ("gold=150,platinum=200"), shared by the
// payment and the partner earning rules. Validate: InvalidArgument INVALID_EARNING_RULE for a
// tier name that is not 1-32 letters, digits, '_' or '-', a percent outside 0-1000000, or an
// encoding longer than 255 bytes. Decode: Internal for text Encode did not write.
Status ValidateTierMultipliers(const std::map<std::string, int64_t>& multipliers);
std::string EncodeTierMultipliers(const std::map<std::string, int64_t>& multipliers);
Result<std::map<std::string, int64_t>> DecodeTierMultipliers(std::string_view text);

// Earning rules on one connection. Not safe for concurrent use.
class EarningRuleStore {
 public:
  explicit EarningRuleStore(db::Connection& conn) : conn_(conn) {}

  // Stores a new version of the rule of (brand, store) and returns it with id and version.
  // InvalidArgument for a negative rate, multiplier or cap.
  Result<EarningRule> Put(const EarningRule& rule, int64_t now);
  // The current rule for a payment at `store_id` of `brand_id`: the store's, else the brand's,
  // else the built-in default (1 point per yuan, id 0, version 0).
  Result<EarningRule> Current(int64_t brand_id, int64_t store_id);
  // Current() applied to the payment.
  Result<EarnQuote> Quote(int64_t brand_id, int64_t store_id, std::string_view tier,
                          int64_t amount_fen);

 private:
  db::Connection& conn_;
};

// When points earned at a time expire: at the end (23:59:59 Beijing time of the last day) of
// the calendar month `months` after the Beijing month of earning; months = 0 means never (returns
// 0, and lots with expires_at 0 never expire). A value type.
struct ExpiryPolicy {
  int64_t months = 24;
  int64_t ExpiresAt(int64_t earned_at) const;
};

}  // namespace mileage::points
