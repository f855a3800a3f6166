#include "coupons/rule_grant.h"

#include "coupons/rules.h"
#include "coupons/stock_store.h"

namespace mileage::coupons {
namespace {

RuleGrant NoCoupon(std::string_view reason) { return {std::nullopt, std::string(reason)}; }

}  // namespace

Result<RuleGrant> GrantForRule(db::Connection& conn, const Issuer& issuer,
                               const members::TierPolicy& tiers, const RuleGrantRequest& request) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<IssueContext> context,
                           StockStore(conn).LoadForIssue(request.stock_id, request.member_id));
  if (!context.has_value() || context->stock.node.brand_id != request.brand_id) {
    return NoCoupon("STOCK_NOT_FOUND");
  }
  if (Status issuing = CheckIssuing(context->stock, Channel::kGrant, request.now); !issuing.ok()) {
    return NoCoupon(issuing.reason());
  }
  if (!MeetsTier(tiers, context->stock.min_tier, request.member_tier)) {
    return NoCoupon("NOT_ELIGIBLE");
  }
  if (Status room = Issuer::CheckRoom(*context); !room.ok()) return NoCoupon(room.reason());
  MILEAGE_RETURN_IF_ERROR(conn.Exec("SAVEPOINT rule_grant").status());
  Result<Coupon> issued = issuer.Issue(
      conn, *context, {request.member_id, Channel::kGrant, request.source_ref, request.now});
  if (issued.ok()) {
    MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT rule_grant").status());
    return RuleGrant{issued->id, ""};
  }
  if (issued.status().code() != StatusCode::kFailedPrecondition) return issued.status();
  MILEAGE_RETURN_IF_ERROR(conn.Exec("ROLLBACK TO SAVEPOINT rule_grant").status());
  MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT rule_grant").status());
  return NoCoupon(issued.status().reason());
}

}  // namespace mileage::coupons
