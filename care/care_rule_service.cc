#include "care/care_rule_service.h"

#include <string>
#include <utility>

#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::care {
namespace {

std::string Label(int64_t id) { return "care rule " + std::to_string(id); }

Status RuleNotFound(int64_t id) {
  return NotFoundError(Label(id) + " not found", "CARE_RULE_NOT_FOUND");
}

Status ValidateDaysBefore(int64_t days) {
  if (days < 0 || days > CareRule::kMaxDaysBefore) {
    return InvalidArgumentError(
        "days_before must be 0.." + std::to_string(CareRule::kMaxDaysBefore),
        "INVALID_DAYS_BEFORE");
  }
  return Status::Ok();
}

org::AuditRecord Base(const char* action, std::optional<int64_t> id) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = "care_rule";
  base.object_id = id;
  return base;
}

std::string Describe(const CareRule& r) {
  return std::string(CareKindName(r.kind)) + ", stock " +
         (r.stock_id.has_value() ? std::to_string(*r.stock_id) : std::string("none")) +
         ", days_before " + std::to_string(r.days_before) +
         (r.enabled ? ", enabled" : ", disabled");
}

}  // namespace

Status CareRuleService::CheckStock(db::Connection& conn, int64_t brand_id, int64_t stock_id,
                                   int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                           coupons::StockStore(conn).Find(stock_id));
  if (!stock.has_value() || stock->node.brand_id != brand_id) {
    return NotFoundError("stock " + std::to_string(stock_id) + " not found", "STOCK_NOT_FOUND");
  }
  return coupons::CheckIssuing(*stock, coupons::Channel::kGrant, now);
}

Result<CareRule> CareRuleService::Authorized(db::Connection& conn, const org::Actor& actor,
                                             org::Action action, int64_t id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<CareRule> rule, GreetingStore(conn).FindRule(id, lock));
  if (!rule.has_value()) return RuleNotFound(id);
  Status allowed =
      authorizer_.Check(actor, action, org::NodePath::Brand(rule->brand_id), Label(id));
  if (allowed.code() == StatusCode::kNotFound) return RuleNotFound(id);
  MILEAGE_RETURN_IF_ERROR(allowed);
  return std::move(*rule);
}

Result<CareRule> CareRuleService::Create(const org::Actor& actor, int64_t brand_id,
                                         const NewCareRule& request, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCareRuleWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateDaysBefore(request.days_before));
  if (request.stock_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*request.stock_id, "stock_id"));
  }
  CareRule created;
  const Status written = writer_.Run(
      actor, Base("care_rule.create", std::nullopt),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        const std::string brand_label = "brand " + std::to_string(brand_id);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> brand,
                                 org::NodeStore(conn).Find(org::NodeType::kBrand, brand_id));
        if (!brand.has_value()) return NotFoundError(brand_label + " not found");
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.Check(actor, org::Action::kCareRuleWrite, brand->path, brand_label));
        if (request.stock_id.has_value()) {
          MILEAGE_RETURN_IF_ERROR(CheckStock(conn, brand_id, *request.stock_id, now));
        }
        CareRule r;
        r.brand_id = brand_id;
        r.kind = request.kind;
        r.stock_id = request.stock_id;
        r.days_before = request.days_before;
        r.enabled = request.enabled;
        r.created_at = r.updated_at = now;
        MILEAGE_ASSIGN_OR_RETURN(r.id, GreetingStore(conn).InsertRule(r));
        record.brand_id = brand_id;
        record.object_id = r.id;
        record.detail = Describe(r);
        created = std::move(r);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return created;
}

Result<PageOf<CareRule>> CareRuleService::List(const org::Actor& actor, int64_t brand_id,
                                               const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCareRuleRead));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kCareRuleRead,
                                            org::NodePath::Brand(brand_id),
                                            "brand " + std::to_string(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return GreetingStore(*conn).RulesOf(brand_id, page);
}

Result<CareRule> CareRuleService::Get(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCareRuleRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return Authorized(*conn, actor, org::Action::kCareRuleRead, id, false);
}

Result<CareRule> CareRuleService::Update(const org::Actor& actor, int64_t id,
                                         const CareRulePatch& patch, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCareRuleWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  if (!patch.stock_id.has_value() && !patch.days_before.has_value() && !patch.enabled.has_value()) {
    return InvalidArgumentError("give at least one of stock_id, days_before and enabled",
                                "MISSING_FIELD");
  }
  if (patch.days_before.has_value())
    MILEAGE_RETURN_IF_ERROR(ValidateDaysBefore(*patch.days_before));
  if (patch.stock_id.has_value() && patch.stock_id->has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(**patch.stock_id, "stock_id"));
  }
  CareRule updated;
  const Status written =
      writer_.Run(actor, Base("care_rule.update", id),
                  [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                    MILEAGE_ASSIGN_OR_RETURN(
                        CareRule r, Authorized(conn, actor, org::Action::kCareRuleWrite, id, true));
                    if (patch.stock_id.has_value() && patch.stock_id->has_value() &&
                        *patch.stock_id != r.stock_id) {
                      MILEAGE_RETURN_IF_ERROR(CheckStock(conn, r.brand_id, **patch.stock_id, now));
                    }
                    if (patch.stock_id.has_value()) r.stock_id = *patch.stock_id;
                    if (patch.days_before.has_value()) r.days_before = *patch.days_before;
                    if (patch.enabled.has_value()) r.enabled = *patch.enabled;
                    r.updated_at = now;
                    MILEAGE_RETURN_IF_ERROR(GreetingStore(conn).UpdateRule(r));
                    record.brand_id = r.brand_id;
                    record.detail = Describe(r);
                    updated = std::move(r);
                    return Status::Ok();
                  });
  MILEAGE_RETURN_IF_ERROR(written);
  return updated;
}

Status CareRuleService::Delete(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCareRuleWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  return writer_.Run(actor, Base("care_rule.delete", id),
                     [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                       MILEAGE_ASSIGN_OR_RETURN(
                           CareRule r,
                           Authorized(conn, actor, org::Action::kCareRuleWrite, id, true));
                       record.brand_id = r.brand_id;
                       record.detail = Describe(r);
                       return GreetingStore(conn).DeleteRule(id);
                     });
}

Result<PageOf<Greeting>> CareRuleService::Greetings(const org::Actor& actor,
                                                    const GreetingFilter& filter,
                                                    const PageRequest& page) {
  if (!actor.staff.has_value()) {
    return FailedPreconditionError("greetings are listed for staff", "STAFF_ONLY");
  }
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (filter.member_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*filter.member_id, "member_id"));
  }
  if (filter.rule_id.has_value())
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*filter.rule_id, "rule_id"));
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, org::Action::kCareGreetingRead, std::nullopt, "greetings"));
  const org::NodePath& scope = actor.staff->scope;
  std::optional<org::NodePath> below_brand;
  if (scope.type != org::NodeType::kBrand) below_brand = scope;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return GreetingStore(*conn).List(scope.brand_id, filter, below_brand, seen_, page);
}

}  // namespace mileage::care
