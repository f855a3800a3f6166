#include "points/partner_activity.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/membership_json.h"

namespace mileage::server {
namespace {

// PARTNER with "secrets":[{"id","created_at","retired_at"}] (never a secret).
void WritePartnerDetail(JsonWriter& w, const org::PartnerDetail& detail) {
  const org::Partner& p = detail.partner;
  w.StartObject();
  WriteInt(w, "id", p.id);
  WriteInt(w, "brand_id", p.brand_id);
  WriteText(w, "name", p.name);
  WriteText(w, "category", org::PartnerCategoryName(p.category));
  WriteText(w, "api_key_id", p.api_key_id);
  WriteBool(w, "active", p.active);
  WriteTime(w, "created_at", p.created_at);
  WriteTime(w, "updated_at", p.updated_at);
  w.Key("secrets");
  w.StartArray();
  for (const org::PartnerSecretInfo& secret : detail.secrets) {
    w.StartObject();
    WriteInt(w, "id", secret.id);
    WriteTime(w, "created_at", secret.created_at);
    WriteOptionalTime(w, "retired_at", secret.retired_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// {"request_id","member_id","amount_fen","points","rule_version","reversed_fen",
// "reversed_points","occurred_at","created_at"}.
void WriteEarningLine(JsonWriter& w, const points::PartnerEarningLine& line) {
  w.StartObject();
  WriteText(w, "request_id", line.request_id);
  WriteInt(w, "member_id", line.member_id);
  WriteInt(w, "amount_fen", line.amount_fen);
  WriteInt(w, "points", line.points);
  WriteInt(w, "rule_version", line.rule_version);
  WriteInt(w, "reversed_fen", line.reversed_fen);
  WriteInt(w, "reversed_points", line.reversed_points);
  WriteTime(w, "occurred_at", line.occurred_at);
  WriteTime(w, "created_at", line.created_at);
  w.EndObject();
}

// {"request_id","member_id","points","discount_fen","created_at","cancelled_at" (null unless
// cancelled)}.
void WriteRedemptionLine(JsonWriter& w, const points::PartnerRedemptionLine& line) {
  w.StartObject();
  WriteText(w, "request_id", line.request_id);
  WriteInt(w, "member_id", line.member_id);
  WriteInt(w, "points", line.points);
  WriteInt(w, "discount_fen", line.discount_fen);
  WriteTime(w, "created_at", line.created_at);
  WriteOptionalTime(w, "cancelled_at", line.cancelled_at);
  w.EndObject();
}

// The PUT body of a partner's earning rule: {"points_per_yuan", "tier_multiplier_percent"?,
// "cap_per_day"?, "cap_per_month"?, "promo_from"?, "promo_to"? (RFC 3339), "promo_percent"?}.
// MISSING_FIELD / INVALID_FIELD / UNKNOWN_FIELD for the shape; the ranges are the service's.
Result<points::PartnerEarningRule> ParsePartnerRule(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"points_per_yuan", "tier_multiplier_percent", "cap_per_day", "cap_per_month",
                      "promo_from", "promo_to", "promo_percent"}));
  points::PartnerEarningRule rule;
  MILEAGE_ASSIGN_OR_RETURN(rule.points_per_yuan, RequiredInt(body, "points_per_yuan"));
  MILEAGE_ASSIGN_OR_RETURN(rule.tier_multiplier_percent, ParseTierMultipliers(body));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> per_day, OptionalInt(body, "cap_per_day"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> per_month, OptionalInt(body, "cap_per_month"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> from, OptionalTime(body, "promo_from"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> to, OptionalTime(body, "promo_to"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> percent, OptionalInt(body, "promo_percent"));
  if (from.has_value() != to.has_value()) {
    return InvalidArgumentError("promo_from and promo_to go together", "INVALID_EARNING_RULE");
  }
  rule.cap_per_day = per_day.value_or(0);
  rule.cap_per_month = per_month.value_or(0);
  rule.promo_from = from.value_or(0);
  rule.promo_to = to.value_or(0);
  rule.promo_percent = percent.value_or(100);
  return rule;
}

}  // namespace

void RegisterPartnerRuleRoutes(ConsoleRouter& router, payments::PartnerRuleService& rules) {
  router.Route("GET", "/api/console/partners/{id}/rule", org::Action::kPartnerRead,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, rules.Get(req.actor, *id), 200, WritePartnerEarningRule);
               });
  router.Route("PUT", "/api/console/partners/{id}/rule", org::Action::kPartnerWrite,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<points::PartnerEarningRule> rule = ParsePartnerRule(req.http);
                 if (!rule.ok()) return WriteError(res, rule.status());
                 Respond(res, rules.Put(req.actor, *id, *rule), 200, WritePartnerEarningRule);
               });
  router.Route("GET", "/api/console/partners/{id}/earnings", org::Action::kPartnerRead,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, rules.Earnings(req.actor, *id, *page), 200,
                         [](JsonWriter& w, const PageOf<points::PartnerEarningLine>& list) {
                           WritePage(w, list, WriteEarningLine);
                         });
               });
  router.Route("GET", "/api/console/partners/{id}/redemptions", org::Action::kPartnerRead,
               [&rules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, rules.Redemptions(req.actor, *id, *page), 200,
                         [](JsonWriter& w, const PageOf<points::PartnerRedemptionLine>& list) {
                           WritePage(w, list, WriteRedemptionLine);
                         });
               });
}

void RegisterPartnerRoutes(ConsoleRouter& router, org::PartnerService& partners) {
  router.Route(
      "POST", "/api/console/partners", org::Action::kPartnerWrite,
      [&partners](const ConsoleRequest& req, httplib::Response& res) {
        Result<rapidjson::Document> body = ParseBody(req.http, {"name", "category"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<std::string> name = RequiredString(*body, "name");
        if (!name.ok()) return WriteError(res, name.status());
        Result<std::string> category = RequiredString(*body, "category");
        if (!category.ok()) return WriteError(res, category.status());
        Respond(res,
                partners.Create(req.actor, req.session.principal.scope.brand_id, *name, *category),
                201, [](JsonWriter& w, const org::CreatedPartner& created) {
                  w.StartObject();
                  w.Key("partner");
                  WritePartner(w, created.partner);
                  WriteInt(w, "secret_id", created.secret_id);
                  w.Key("secret");
                  WriteString(w, created.secret);
                  w.EndObject();
                });
      });

  router.Route("GET", "/api/console/partners", org::Action::kPartnerRead,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, partners.List(req.actor, *page), 200,
                         [](JsonWriter& w, const PageOf<org::Partner>& list) {
                           WritePage(w, list, WritePartner);
                         });
               });

  router.Route("GET", "/api/console/partners/{id}", org::Action::kPartnerRead,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.Get(req.actor, *id), 200, WritePartnerDetail);
               });

  router.Route("POST", "/api/console/partners/{id}/secrets", org::Action::kPartnerWrite,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.RotateSecret(req.actor, *id), 201,
                         [](JsonWriter& w, const org::RotatedPartnerSecret& rotated) {
                           w.StartObject();
                           w.Key("partner");
                           WritePartnerDetail(w, rotated.detail);
                           WriteInt(w, "secret_id", rotated.secret_id);
                           w.Key("secret");
                           WriteString(w, rotated.secret);
                           w.EndObject();
                         });
               });

  router.Route(
      "POST", "/api/console/partners/{id}/secrets/{secret_id}/retire", org::Action::kPartnerWrite,
      [&partners](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<int64_t> secret_id = PathId(req.http, 2);
        if (!secret_id.ok()) return WriteError(res, secret_id.status());
        Respond(res, partners.RetireSecret(req.actor, *id, *secret_id), 200, WritePartnerDetail);
      });

  router.Route("POST", "/api/console/partners/{id}/deactivate", org::Action::kPartnerWrite,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.Deactivate(req.actor, *id), 200, WritePartner);
               });

  router.Route("POST", "/api/console/partners/{id}/reactivate", org::Action::kPartnerWrite,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.Reactivate(req.actor, *id), 200, WritePartner);
               });
}

}  // namespace mileage::server
