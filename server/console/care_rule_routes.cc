#include <optional>
#include <string>

#include "care/care_rule_service.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status InvalidKind() {
  return InvalidArgumentError("kind must be birthday or anniversary", "INVALID_KIND");
}

// "stock_id": an id, or null for none; absent leaves it out.
Result<std::optional<std::optional<int64_t>>> NullableStock(const rapidjson::Value& body) {
  using Nullable = std::optional<std::optional<int64_t>>;
  auto it = body.FindMember("stock_id");
  if (it == body.MemberEnd()) return Nullable();
  if (it->value.IsNull()) return Nullable(std::optional<int64_t>());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, OptionalInt(body, "stock_id"));
  return Nullable(id);
}

// POST /api/console/care-rules {"kind","stock_id"?,"days_before"?,"enabled"?}.
Result<care::NewCareRule> ParseNewRule(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"kind", "stock_id", "days_before", "enabled"}));
  care::NewCareRule rule;
  MILEAGE_ASSIGN_OR_RETURN(std::string kind, RequiredString(body, "kind"));
  std::optional<care::CareKind> parsed = care::ParseCareKind(kind);
  if (!parsed.has_value()) return InvalidKind();
  rule.kind = *parsed;
  MILEAGE_ASSIGN_OR_RETURN(auto stock, NullableStock(body));
  if (stock.has_value()) rule.stock_id = *stock;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> days, OptionalInt(body, "days_before"));
  rule.days_before = days.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<bool> enabled, OptionalBool(body, "enabled"));
  rule.enabled = enabled.value_or(true);
  return rule;
}

// PATCH /api/console/care-rules/{id} {"stock_id"?,"days_before"?,"enabled"?}.
Result<care::CareRulePatch> ParsePatch(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"stock_id", "days_before", "enabled"}));
  care::CareRulePatch patch;
  MILEAGE_ASSIGN_OR_RETURN(patch.stock_id, NullableStock(body));
  MILEAGE_ASSIGN_OR_RETURN(patch.days_before, OptionalInt(body, "days_before"));
  MILEAGE_ASSIGN_OR_RETURN(patch.enabled, OptionalBool(body, "enabled"));
  return patch;
}

// ?member_id=&rule_id=&kind= of the greetings list.
Result<care::GreetingFilter> ParseGreetingFilter(const httplib::Request& req) {
  care::GreetingFilter filter;
  MILEAGE_ASSIGN_OR_RETURN(filter.member_id, QueryId(req, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(filter.rule_id, QueryId(req, "rule_id"));
  if (req.has_param("kind")) {
    filter.kind = care::ParseCareKind(req.get_param_value("kind"));
    if (!filter.kind.has_value()) return InvalidKind();
  }
  return filter;
}

// CARE_RULE: {"id","brand_id","kind","stock_id" (null: message only),"days_before","enabled",
// "created_at","updated_at"}.
void WriteCareRule(JsonWriter& w, const care::CareRule& r) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteInt(w, "brand_id", r.brand_id);
  WriteText(w, "kind", care::CareKindName(r.kind));
  WriteOptionalInt(w, "stock_id", r.stock_id);
  WriteInt(w, "days_before", r.days_before);
  WriteBool(w, "enabled", r.enabled);
  WriteTime(w, "created_at", r.created_at);
  WriteTime(w, "updated_at", r.updated_at);
  w.EndObject();
}

// GREETING: {"id","rule_id","kind","member_id","year","occasion_on","outcome","reason",
// "stock_id","coupon_id" (null without a coupon),"created_at"}.
void WriteGreeting(JsonWriter& w, const care::Greeting& g) {
  w.StartObject();
  WriteInt(w, "id", g.id);
  WriteInt(w, "rule_id", g.rule_id);
  WriteText(w, "kind", care::CareKindName(g.kind));
  WriteInt(w, "member_id", g.member_id);
  WriteInt(w, "year", g.occasion_year);
  WriteText(w, "occasion_on", g.occasion_on);
  WriteText(w, "outcome", g.outcome);
  WriteText(w, "reason", g.reason);
  WriteOptionalInt(w, "stock_id", g.stock_id);
  WriteOptionalInt(w, "coupon_id", g.coupon_id);
  WriteTime(w, "created_at", g.created_at);
  w.EndObject();
}

}  // namespace

void RegisterCareRuleRoutes(ConsoleRouter& router, care::CareRuleService& rules,
                            const Clock& clock) {
  router.Route("POST", "/api/console/care-rules", org::Action::kCareRuleWrite,
               [&rules, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<care::NewCareRule> rule = ParseNewRule(req.http);
                 if (!rule.ok()) return WriteError(res, rule.status());
                 Respond(res,
                         rules.Create(req.actor, req.session.principal.scope.brand_id, *rule,
                                      UnixSeconds(clock.Now())),
                         201, WriteCareRule);
               });
  router.Route("GET", "/api/console/care-rules", org::Action::kCareRuleRead,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, rules.List(req.actor, req.session.principal.scope.brand_id, *page),
                         200, [](JsonWriter& w, const PageOf<care::CareRule>& list) {
                           WritePage(w, list, WriteCareRule);
                         });
               });
  router.Route("GET", "/api/console/care-rules/{id}", org::Action::kCareRuleRead,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, rules.Get(req.actor, *id), 200, WriteCareRule);
               });
  router.Route("PATCH", "/api/console/care-rules/{id}", org::Action::kCareRuleWrite,
               [&rules, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<care::CareRulePatch> patch = ParsePatch(req.http);
                 if (!patch.ok()) return WriteError(res, patch.status());
                 Respond(res, rules.Update(req.actor, *id, *patch, UnixSeconds(clock.Now())), 200,
                         WriteCareRule);
               });
  router.Route("DELETE", "/api/console/care-rules/{id}", org::Action::kCareRuleWrite,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Status deleted = rules.Delete(req.actor, *id);
                 if (!deleted.ok()) return WriteError(res, deleted);
                 res.status = 204;
               });
  router.Route("GET", "/api/console/care-greetings", org::Action::kCareGreetingRead,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<care::GreetingFilter> filter = ParseGreetingFilter(req.http);
                 if (!filter.ok()) return WriteError(res, filter.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, rules.Greetings(req.actor, *filter, *page), 200,
                         [](JsonWriter& w, const PageOf<care::Greeting>& list) {
                           WritePage(w, list, WriteGreeting);
                         });
               });
}

}  // namespace mileage::server
