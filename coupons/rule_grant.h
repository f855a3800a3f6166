#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "coupons/issuer.h"
#include "db/db.h"
#include "members/types.h"

namespace mileage::coupons {

// What a rule's grant to one member gave: a coupon, or the reason there is none
// (STOCK_NOT_FOUND, NOT_ACTIVE, NOT_ELIGIBLE, LIMIT_REACHED, SOLD_OUT). A value type.
struct RuleGrant {
  std::optional<int64_t> coupon_id;
  std::string reason;  // "" with a coupon
};

// What a brand rule (a care greeting, a win-back) grants on the caller's transaction.
struct RuleGrantRequest {
  int64_t brand_id = 0;  // the rule's brand: another brand's stock gives STOCK_NOT_FOUND
  int64_t stock_id = 0;
  int64_t member_id = 0;
  std::string_view member_tier;  // checked against the stock's lowest tier
  std::string source_ref;        // the coupon's source_ref ("care:<rule>:<year>", "winback:<id>")
  int64_t now = 0;
};

// Issues one coupon of a rule's stock to a member through the grant channel, inside the
// caller's transaction, so that the stock's total, budget, daily quantity, per-member limit and
// lowest tier hold. A refusal is not an error: it answers the reason (a refusal after the
// issuer wrote, the day's quantity gone, rolls back to a savepoint first). Errors: the db
// errors; Aborted when the issue lost a race for the stock's counters (the caller's
// db::InTransaction retries, up to kIssueAttempts).
Result<RuleGrant> GrantForRule(db::Connection& conn, const Issuer& issuer,
                               const members::TierPolicy& tiers, const RuleGrantRequest& request);

}  // namespace mileage::coupons
