#include "payments/earning_rule_service.h"

#include <optional>
#include <string>

#include "members/member_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::payments {
namespace {

std::string Describe(const points::EarningRule& rule) {
  std::string out = "v" + std::to_string(rule.version) + ": " +
                    std::to_string(rule.points_per_yuan) + " points/yuan, cap " +
                    std::to_string(rule.cap_per_payment);
  for (const auto& [tier, percent] : rule.tier_multiplier_percent) {
    out += ", " + tier + " " + std::to_string(percent) + "%";
  }
  return out;
}

// The node an earning rule of (type, id) belongs to, or NotFound "<type> <id> not found".
Result<org::Node> FindNode(db::Connection& conn, org::NodeType type, int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> node, org::NodeStore(conn).Find(type, id));
  if (!node.has_value()) return NotFoundError(org::NodeLabel(type, id) + " not found");
  return std::move(*node);
}

}  // namespace

Status EarningRuleService::Validate(const EarningRuleChange& change) const {
  if (change.points_per_yuan < 0 || change.points_per_yuan > EarningRuleChange::kMaxPointsPerYuan) {
    return InvalidArgumentError(
        "points_per_yuan must be 0.." + std::to_string(EarningRuleChange::kMaxPointsPerYuan),
        "INVALID_EARNING_RULE");
  }
  if (change.cap_per_payment < 0 || change.cap_per_payment > EarningRuleChange::kMaxCapPerPayment) {
    return InvalidArgumentError("cap_per_payment must be 0.." +
                                    std::to_string(EarningRuleChange::kMaxCapPerPayment) +
                                    " (0: no cap)",
                                "INVALID_EARNING_RULE");
  }
  for (const auto& [tier, percent] : change.tier_multiplier_percent) {
    if (!members::TierRank(tiers_, tier).has_value()) {
      std::string known;
      for (const members::TierRule& rule : tiers_.tiers) {
        known += (known.empty() ? "" : ", ") + rule.name;
      }
      return InvalidArgumentError("unknown tier in tier_multiplier_percent (tiers: " + known + ")",
                                  "UNKNOWN_TIER");
    }
    if (percent < 0 || percent > EarningRuleChange::kMaxMultiplierPercent) {
      return InvalidArgumentError("tier multipliers must be 0.." +
                                      std::to_string(EarningRuleChange::kMaxMultiplierPercent) +
                                      " percent",
                                  "INVALID_EARNING_RULE");
    }
  }
  return Status::Ok();
}

Result<points::EarningRule> EarningRuleService::Read(const org::Actor& actor, org::NodeType type,
                                                     int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(org::Node node, FindNode(*conn, type, id));
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, org::Action::kEarningRuleRead, node.path, org::NodeLabel(type, id)));
  return points::EarningRuleStore(*conn).Current(node.path.brand_id, node.path.store_id);
}

Result<points::EarningRule> EarningRuleService::Put(const org::Actor& actor, org::NodeType type,
                                                    int64_t id, const EarningRuleChange& change) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(Validate(change));
  points::EarningRule stored;
  org::AuditRecord base;
  base.action = "earning_rule.update";
  base.object_type = "earning_rule";
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) {
        MILEAGE_ASSIGN_OR_RETURN(org::Node node, FindNode(conn, type, id));
        MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kEarningRuleWrite, node.path,
                                                  org::NodeLabel(type, id)));
        points::EarningRule rule;
        rule.brand_id = node.path.brand_id;
        rule.store_id = node.path.store_id;
        rule.points_per_yuan = change.points_per_yuan;
        rule.tier_multiplier_percent = change.tier_multiplier_percent;
        rule.cap_per_payment = change.cap_per_payment;
        MILEAGE_ASSIGN_OR_RETURN(stored,
                                 points::EarningRuleStore(conn).Put(rule, record.created_at));
        record.brand_id = node.path.brand_id;
        record.object_id = stored.id;
        record.detail = org::NodeLabel(type, id) + " " + Describe(stored);
        return Status::Ok();
      });
  if (!written.ok()) return written;
  return stored;
}

Result<points::EarningRule> EarningRuleService::BrandRule(const org::Actor& actor,
                                                          int64_t brand_id) {
  return Read(actor, org::NodeType::kBrand, brand_id);
}

Result<points::EarningRule> EarningRuleService::StoreRule(const org::Actor& actor,
                                                          int64_t store_id) {
  return Read(actor, org::NodeType::kStore, store_id);
}

Result<points::EarningRule> EarningRuleService::PutBrandRule(const org::Actor& actor,
                                                             int64_t brand_id,
                                                             const EarningRuleChange& change) {
  return Put(actor, org::NodeType::kBrand, brand_id, change);
}

Result<points::EarningRule> EarningRuleService::PutStoreRule(const org::Actor& actor,
                                                             int64_t store_id,
                                                             const EarningRuleChange& change) {
  return Put(actor, org::NodeType::kStore, store_id, change);
}

}  // namespace mileage::payments
