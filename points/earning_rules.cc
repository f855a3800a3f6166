#include "points/earning_rules.h"

#include <limits>
#include <string>
#include <vector>

#include "common/civil_time.h"

namespace mileage::points {
namespace {

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
// Beyond 100,000 years of months the calendar arithmetic would overflow; such a policy means
// "practically never" and maps to the largest time.
constexpr int64_t kMaxExpiryMonths = 1200000;
constexpr size_t kMaxTierName = 32;

// 128-bit intermediates: amount (up to 10^12 fen) times a rate can exceed int64.
__extension__ typedef __int128 Int128;

bool ValidTierName(std::string_view tier) {
  if (tier.empty() || tier.size() > kMaxTierName) return false;
  for (char c : tier) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string EncodeTierMultipliers(const std::map<std::string, int64_t>& multipliers) {
  std::string out;
  for (const auto& [tier, percent] : multipliers) {
    if (!out.empty()) out += ',';
    out += tier;
    out += '=';
    out += std::to_string(percent);
  }
  return out;
}

Result<std::map<std::string, int64_t>> DecodeTierMultipliers(std::string_view text) {
  std::map<std::string, int64_t> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || !ValidTierName(item.substr(0, eq))) {
      return InternalError("earning_rules: malformed tier_multipliers");
    }
    const std::string_view digits = item.substr(eq + 1);
    if (digits.empty() || digits.size() > 18) {
      return InternalError("earning_rules: malformed tier_multipliers");
    }
    int64_t value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return InternalError("earning_rules: malformed tier_multipliers");
      value = value * 10 + (c - '0');
    }
    out[std::string(item.substr(0, eq))] = value;
  }
  return out;
}

int64_t MulDivFloor(int64_t a, int64_t b, int64_t d) {
  const Int128 value = static_cast<Int128>(a) * b / d;
  return value > kMaxInt64 ? kMaxInt64 : static_cast<int64_t>(value);
}

Status ValidateTierMultipliers(const std::map<std::string, int64_t>& multipliers) {
  for (const auto& [tier, percent] : multipliers) {
    if (!ValidTierName(tier)) {
      return InvalidArgumentError("tier names are 1-32 letters, digits, '_' or '-'",
                                  "INVALID_EARNING_RULE");
    }
    if (percent < 0 || percent > 1000000) {
      return InvalidArgumentError("tier multipliers are 0-1000000 percent", "INVALID_EARNING_RULE");
    }
  }
  if (EncodeTierMultipliers(multipliers).size() > 255) {
    return InvalidArgumentError("too many tier multipliers", "INVALID_EARNING_RULE");
  }
  return Status::Ok();
}

namespace {

Result<EarningRule> RuleFromRow(const db::Row& row) {
  EarningRule rule;
  rule.id = row.Int(0);
  rule.brand_id = row.Int(1);
  rule.store_id = row.Int(2);
  rule.version = row.Int(3);
  rule.points_per_yuan = row.Int(4);
  MILEAGE_ASSIGN_OR_RETURN(rule.tier_multiplier_percent, DecodeTierMultipliers(row.Text(5)));
  rule.cap_per_payment = row.Int(6);
  rule.created_at = row.Int(7);
  return rule;
}

}  // namespace

int64_t PointsFor(const EarningRule& rule, std::string_view tier, int64_t amount_fen) {
  if (amount_fen <= 0 || rule.points_per_yuan <= 0) return 0;
  int64_t multiplier = 100;
  if (auto it = rule.tier_multiplier_percent.find(std::string(tier));
      it != rule.tier_multiplier_percent.end()) {
    multiplier = it->second;
  }
  if (multiplier <= 0) return 0;
  const int64_t base = MulDivFloor(amount_fen, rule.points_per_yuan, 100);
  int64_t points = MulDivFloor(base, multiplier, 100);
  if (rule.cap_per_payment > 0 && points > rule.cap_per_payment) points = rule.cap_per_payment;
  return points;
}

int64_t ExpiryPolicy::ExpiresAt(int64_t earned_at) const {
  if (months <= 0) return 0;
  if (months > kMaxExpiryMonths) return kMaxInt64;
  return civil::EndOfBeijingMonth(earned_at, months);
}

Result<EarningRule> EarningRuleStore::Put(const EarningRule& rule, int64_t now) {
  if (rule.brand_id <= 0 || rule.store_id < 0) {
    return InvalidArgumentError("an earning rule needs a brand and a store id >= 0");
  }
  if (rule.points_per_yuan < 0) {
    return InvalidArgumentError("points_per_yuan must not be negative", "INVALID_EARNING_RULE");
  }
  if (rule.cap_per_payment < 0) {
    return InvalidArgumentError("cap_per_payment must not be negative", "INVALID_EARNING_RULE");
  }
  MILEAGE_RETURN_IF_ERROR(ValidateTierMultipliers(rule.tier_multiplier_percent));
  const std::string multipliers = EncodeTierMultipliers(rule.tier_multiplier_percent);

  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT COALESCE(MAX(version), 0) FROM earning_rules "
                                       "WHERE brand_id = ? AND store_id = ?",
                                       {db::Value(rule.brand_id), db::Value(rule.store_id)}));
  EarningRule out = rule;
  out.version = (rows.empty() ? 0 : rows.front().Int(0)) + 1;
  out.created_at = now;
  Result<int64_t> inserted = conn_.Insert(
      "INSERT INTO earning_rules (brand_id, store_id, version, points_per_yuan, "
      "tier_multipliers, cap_per_payment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {db::Value(out.brand_id), db::Value(out.store_id), db::Value(out.version),
       db::Value(out.points_per_yuan), db::Value(multipliers), db::Value(out.cap_per_payment),
       db::Value(now)});
  // The unique (brand, store, version) key makes two concurrent Puts collide; the caller's
  // db::InTransaction retries the loser, which then takes the next version.
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AbortedError("earning rule version taken concurrently; retry");
  }
  if (!inserted.ok()) return inserted.status();
  out.id = *inserted;
  return out;
}

Result<EarningRule> EarningRuleStore::Current(int64_t brand_id, int64_t store_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, brand_id, store_id, version, points_per_yuan, tier_multipliers, "
                  "cap_per_payment, created_at FROM earning_rules "
                  "WHERE brand_id = ? AND store_id IN (?, 0) "
                  "ORDER BY store_id DESC, version DESC LIMIT 1",
                  {db::Value(brand_id), db::Value(store_id)}));
  if (rows.empty()) {
    EarningRule fallback;
    fallback.brand_id = brand_id;
    fallback.store_id = 0;
    return fallback;
  }
  return RuleFromRow(rows.front());
}

Result<EarnQuote> EarningRuleStore::Quote(int64_t brand_id, int64_t store_id, std::string_view tier,
                                          int64_t amount_fen) {
  MILEAGE_ASSIGN_OR_RETURN(EarningRule rule, Current(brand_id, store_id));
  EarnQuote quote;
  quote.points = PointsFor(rule, tier, amount_fen);
  quote.rule_id = rule.id;
  quote.rule_version = rule.version;
  return quote;
}

}  // namespace mileage::points
