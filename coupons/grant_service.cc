#include "coupons/grant_service.h"

#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "members/member_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

constexpr std::string_view kAlreadyGranted = "ALREADY_GRANTED";

Status StockNotFound(int64_t id) { return NotFoundOf("stock", id, "STOCK_NOT_FOUND"); }

bool ValidTarget(const GrantTarget& target) {
  if (target.member_id.has_value()) return *target.member_id > 0;
  return members::IsValidMemberNumber(target.member_number);
}

// The refusals that are one member's outcome rather than the request's failure.
bool IsMemberRefusal(const Status& status) {
  const std::string_view reason = status.reason();
  return reason == "NOT_ELIGIBLE" || reason == "LIMIT_REACHED" || reason == "SOLD_OUT";
}

}  // namespace

Result<std::optional<members::Member>> GrantService::Resolve(db::Connection& conn,
                                                             const org::Actor& actor,
                                                             const Stock& stock,
                                                             const GrantTarget& target) {
  members::MemberStore members(conn, random_);
  std::optional<members::Member> member;
  if (target.member_id.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(member, members.Find(*target.member_id));
  } else {
    MILEAGE_ASSIGN_OR_RETURN(member, members.FindByNumber(target.member_number));
  }
  if (!member.has_value() || member->brand_id != stock.node.brand_id)
    return std::optional<members::Member>();
  if (actor.staff.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(bool visible, visible_(conn, actor.staff->scope, *member));
    if (!visible) return std::optional<members::Member>();
  }
  return member;
}

Result<GrantOutcome> GrantService::GrantOne(const org::Actor& actor, const Stock& stock,
                                            const std::string& source_ref,
                                            const members::Member& member, int64_t now) {
  GrantOutcome out;
  out.member_id = member.id;
  org::AuditRecord base;
  base.action = "coupon.grant";
  base.object_type = "coupon";
  Status status;
  for (int round = 0; round < kIssueAttempts / 3; ++round) {
    status =
        writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
          MILEAGE_ASSIGN_OR_RETURN(std::optional<Coupon> granted,
                                   CouponStore(conn).FindBySource(stock.id, member.id, source_ref));
          if (granted.has_value()) {
            out.coupon = std::move(granted);
            return AlreadyExistsError("granted before", std::string(kAlreadyGranted));
          }
          MILEAGE_ASSIGN_OR_RETURN(std::optional<IssueContext> context,
                                   StockStore(conn).LoadForIssue(stock.id, member.id));
          if (!context.has_value()) return StockNotFound(stock.id);
          MILEAGE_RETURN_IF_ERROR(CheckIssuing(context->stock, Channel::kGrant, now));
          MILEAGE_ASSIGN_OR_RETURN(
              Coupon coupon,
              issuer_.Issue(conn, *context, {member.id, Channel::kGrant, source_ref, now}));
          record.brand_id = stock.node.brand_id;
          record.object_id = coupon.id;
          record.detail = "stock " + std::to_string(stock.id) + " to member " +
                          std::to_string(member.id) + " (" + source_ref + ")";
          out.coupon = std::move(coupon);
          return Status::Ok();
        });
    if (status.code() != StatusCode::kAborted) break;
  }
  if (status.ok()) {
    out.outcome = "issued";
  } else if (status.reason() == kAlreadyGranted) {
    out.outcome = "already_granted";
  } else if (IsMemberRefusal(status)) {
    out.outcome = std::string(status.reason());
    out.coupon.reset();
  } else if (status.code() == StatusCode::kAborted) {
    return AbortedError("granting to member " + std::to_string(member.id) + " lost " +
                        std::to_string(kIssueAttempts) + " races in a row; repeat the request");
  } else {
    return status;
  }
  return out;
}

Result<std::vector<GrantOutcome>> GrantService::Grant(const org::Actor& actor, int64_t stock_id,
                                                      std::string_view request_id,
                                                      const std::vector<GrantTarget>& targets,
                                                      int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(stock_id, "stock_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateRequestId(request_id));
  if (targets.empty() || targets.size() > kMaxTargets) {
    return InvalidArgumentError("a grant names 1.." + std::to_string(kMaxTargets) + " members",
                                "INVALID_GRANT");
  }
  org::AuditRecord base;
  base.action = "coupon.grant";
  base.object_type = "stock";
  base.object_id = stock_id;
  Stock stock;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> found, StockStore(*conn).Find(stock_id));
    if (!found.has_value()) return writer_.Refuse(actor, base, StockNotFound(stock_id));
    Status allowed =
        access_.CheckOwns(actor, *found, org::Action::kCouponGrant, StockNotFound(stock_id));
    if (!allowed.ok()) return writer_.Refuse(actor, base, std::move(allowed));
    stock = std::move(*found);
  }
  MILEAGE_RETURN_IF_ERROR(CheckIssuing(stock, Channel::kGrant, now));
  const std::string source_ref = "grant:" + std::string(request_id);
  std::vector<GrantOutcome> outcomes;
  outcomes.reserve(targets.size());
  for (const GrantTarget& target : targets) {
    GrantOutcome refused;
    refused.target = target;
    if (!ValidTarget(target)) {
      refused.outcome = "INVALID_MEMBER_REF";
      outcomes.push_back(std::move(refused));
      continue;
    }
    std::optional<members::Member> member;
    {
      MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
      MILEAGE_ASSIGN_OR_RETURN(member, Resolve(*conn, actor, stock, target));
    }
    if (!member.has_value()) {
      refused.outcome = "MEMBER_NOT_FOUND";
    } else if (!MeetsTier(tiers_, stock.min_tier, member->tier)) {
      refused.member_id = member->id;
      refused.outcome = "NOT_ELIGIBLE";
    }
    if (!refused.outcome.empty()) {
      outcomes.push_back(std::move(refused));
      continue;
    }
    MILEAGE_ASSIGN_OR_RETURN(GrantOutcome outcome,
                             GrantOne(actor, stock, source_ref, *member, now));
    outcome.target = target;
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace mileage::coupons
