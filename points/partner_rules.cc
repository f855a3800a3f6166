#include "points/partner_rules.h"

#include <algorithm>
#include <vector>

#include "points/earning_rules.h"

namespace mileage::points {
namespace {

constexpr int64_t kMaxPercent = 1000000;

Status ValidateRule(const PartnerEarningRule& rule) {
  if (rule.brand_id <= 0 || rule.partner_id <= 0) {
    return InvalidArgumentError("a partner earning rule needs a brand and a partner",
                                "INVALID_EARNING_RULE");
  }
  if (rule.points_per_yuan < 0 || rule.cap_per_day < 0 || rule.cap_per_month < 0) {
    return InvalidArgumentError("rates and caps must not be negative", "INVALID_EARNING_RULE");
  }
  if (rule.promo_percent < 0 || rule.promo_percent > kMaxPercent) {
    return InvalidArgumentError("the promotion is 0-1000000 percent", "INVALID_EARNING_RULE");
  }
  if (rule.promo_to != 0 && (rule.promo_from < 0 || rule.promo_to <= rule.promo_from)) {
    return InvalidArgumentError("a promotion window needs promo_from < promo_to",
                                "INVALID_EARNING_RULE");
  }
  return ValidateTierMultipliers(rule.tier_multiplier_percent);
}

}  // namespace

int64_t PartnerPointsBeforeCaps(const PartnerEarningRule& rule, std::string_view tier,
                                int64_t amount_fen, int64_t occurred_at) {
  EarningRule base;
  base.points_per_yuan = rule.points_per_yuan;
  base.tier_multiplier_percent = rule.tier_multiplier_percent;
  const int64_t points = PointsFor(base, tier, amount_fen);
  const bool in_promotion =
      rule.promo_to != 0 && occurred_at >= rule.promo_from && occurred_at < rule.promo_to;
  return in_promotion ? MulDivFloor(points, rule.promo_percent, 100) : points;
}

int64_t ApplyPartnerCaps(const PartnerEarningRule& rule, int64_t points, int64_t earned_today,
                         int64_t earned_this_month) {
  if (rule.cap_per_day > 0) points = std::min(points, rule.cap_per_day - earned_today);
  if (rule.cap_per_month > 0) points = std::min(points, rule.cap_per_month - earned_this_month);
  return std::max<int64_t>(points, 0);
}

Result<PartnerEarningRule> PartnerRuleStore::Put(const PartnerEarningRule& rule, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateRule(rule));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT COALESCE(MAX(version), 0) FROM "
                                       "partner_earning_rules WHERE partner_id = ?",
                                       {db::Value(rule.partner_id)}));
  PartnerEarningRule out = rule;
  out.version = (rows.empty() ? 0 : rows.front().Int(0)) + 1;
  out.created_at = now;
  Result<int64_t> inserted = conn_.Insert(
      "INSERT INTO partner_earning_rules (brand_id, partner_id, version, points_per_yuan, "
      "tier_multipliers, cap_per_day, cap_per_month, promo_from, promo_to, promo_percent, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(out.brand_id), db::Value(out.partner_id), db::Value(out.version),
       db::Value(out.points_per_yuan),
       db::Value(EncodeTierMultipliers(out.tier_multiplier_percent)), db::Value(out.cap_per_day),
       db::Value(out.cap_per_month), db::Value(out.promo_from), db::Value(out.promo_to),
       db::Value(out.promo_percent), db::Value(now)});
  // The unique (partner, version) key makes two concurrent Puts collide; the caller's
  // db::InTransaction retries the loser, which then takes the next version.
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AbortedError("partner earning rule version taken concurrently; retry");
  }
  if (!inserted.ok()) return inserted.status();
  out.id = *inserted;
  return out;
}

Result<std::optional<PartnerEarningRule>> PartnerRuleStore::Current(int64_t partner_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, brand_id, partner_id, version, points_per_yuan, tier_multipliers, "
                  "cap_per_day, cap_per_month, promo_from, promo_to, promo_percent, created_at "
                  "FROM partner_earning_rules WHERE partner_id = ? ORDER BY version DESC LIMIT 1",
                  {db::Value(partner_id)}));
  if (rows.empty()) return std::optional<PartnerEarningRule>();
  const db::Row& row = rows.front();
  PartnerEarningRule rule;
  rule.id = row.Int(0);
  rule.brand_id = row.Int(1);
  rule.partner_id = row.Int(2);
  rule.version = row.Int(3);
  rule.points_per_yuan = row.Int(4);
  MILEAGE_ASSIGN_OR_RETURN(rule.tier_multiplier_percent, DecodeTierMultipliers(row.Text(5)));
  rule.cap_per_day = row.Int(6);
  rule.cap_per_month = row.Int(7);
  rule.promo_from = row.Int(8);
  rule.promo_to = row.Int(9);
  rule.promo_percent = row.Int(10);
  rule.created_at = row.Int(11);
  return std::optional<PartnerEarningRule>(rule);
}

}  // namespace mileage::points
