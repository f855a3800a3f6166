#include "payments/partner_rule_service.h"

#include <optional>
#include <string>

#include "members/member_store.h"
#include "org/partner_store.h"
#include "org/validation.h"
#include "points/partner_points.h"

namespace mileage::payments {
namespace {

std::string Label(int64_t partner_id) { return "partner " + std::to_string(partner_id); }

std::string Describe(const points::PartnerEarningRule& rule) {
  std::string out = "v" + std::to_string(rule.version) + ": " +
                    std::to_string(rule.points_per_yuan) + " points/yuan, caps " +
                    std::to_string(rule.cap_per_day) + "/day " +
                    std::to_string(rule.cap_per_month) + "/month";
  for (const auto& [tier, percent] : rule.tier_multiplier_percent) {
    out += ", " + tier + " " + std::to_string(percent) + "%";
  }
  if (rule.promo_to != 0) {
    out += ", promotion " + std::to_string(rule.promo_percent) + "% [" +
           std::to_string(rule.promo_from) + ", " + std::to_string(rule.promo_to) + ")";
  }
  return out;
}

// The partner, when `actor` may do `action` on it; NotFound "partner N not found" otherwise
// (unknown, another brand's).
Result<org::Partner> AuthorizedPartner(db::Connection& conn, const org::Authorizer& authorizer,
                                       const org::Actor& actor, org::Action action,
                                       int64_t partner_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Partner> partner,
                           org::PartnerStore(conn).Find(partner_id));
  if (!partner.has_value()) return NotFoundError(Label(partner_id) + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer.Check(actor, action, org::NodePath::Brand(partner->brand_id), Label(partner_id)));
  return std::move(*partner);
}

}  // namespace

Result<points::PartnerEarningRule> PartnerRuleService::Get(const org::Actor& actor,
                                                           int64_t partner_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(partner_id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(
      AuthorizedPartner(*conn, authorizer_, actor, org::Action::kPartnerRead, partner_id).status());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<points::PartnerEarningRule> rule,
                           points::PartnerRuleStore(*conn).Current(partner_id));
  if (!rule.has_value()) {
    return NotFoundError(Label(partner_id) + " has no earning rule", "PARTNER_RULE_MISSING");
  }
  return std::move(*rule);
}

Result<points::PartnerEarningRule> PartnerRuleService::Put(const org::Actor& actor,
                                                           int64_t partner_id,
                                                           const points::PartnerEarningRule& rule) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(partner_id, "id"));
  for (const auto& [tier, percent] : rule.tier_multiplier_percent) {
    if (!members::TierRank(tiers_, tier).has_value()) {
      return InvalidArgumentError("unknown tier " + tier + " in tier_multiplier_percent",
                                  "UNKNOWN_TIER");
    }
  }
  points::PartnerEarningRule stored;
  org::AuditRecord base;
  base.action = "partner.rule_update";
  base.object_type = "partner";
  base.object_id = partner_id;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) {
        MILEAGE_ASSIGN_OR_RETURN(
            org::Partner partner,
            AuthorizedPartner(conn, authorizer_, actor, org::Action::kPartnerWrite, partner_id));
        points::PartnerEarningRule next = rule;
        next.brand_id = partner.brand_id;
        next.partner_id = partner.id;
        MILEAGE_ASSIGN_OR_RETURN(stored,
                                 points::PartnerPoints::PutRule(conn, next, record.created_at));
        record.brand_id = partner.brand_id;
        record.detail = Describe(stored);
        return Status::Ok();
      });
  if (!written.ok()) return written;
  return stored;
}

Result<PageOf<points::PartnerEarningLine>> PartnerRuleService::Earnings(const org::Actor& actor,
                                                                        int64_t partner_id,
                                                                        const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(partner_id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(
      AuthorizedPartner(*conn, authorizer_, actor, org::Action::kPartnerRead, partner_id).status());
  return points::PartnerActivityStore(*conn).Earnings(partner_id, page);
}

Result<PageOf<points::PartnerRedemptionLine>> PartnerRuleService::Redemptions(
    const org::Actor& actor, int64_t partner_id, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(partner_id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(
      AuthorizedPartner(*conn, authorizer_, actor, org::Action::kPartnerRead, partner_id).status());
  return points::PartnerActivityStore(*conn).Redemptions(partner_id, page);
}

}  // namespace mileage::payments
