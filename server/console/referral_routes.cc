#include <optional>
#include <string>

#include "growth/referral_service.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// "referrer_stock_id" / "referee_stock_id": an id, or null or absent for none.
Result<std::optional<int64_t>> NullableId(const rapidjson::Value& body, const char* field) {
  auto it = body.FindMember(field);
  if (it == body.MemberEnd() || it->value.IsNull()) return std::optional<int64_t>();
  return OptionalInt(body, field);
}

// PUT /api/console/referral-rule {"window_days","min_amount_fen","monthly_cap","enabled"?,
// "referrer_points"?,"referee_points"?,"referrer_stock_id"?,"referee_stock_id"?}.
Result<growth::ReferralService::RuleInput> ParseRule(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"enabled", "window_days", "min_amount_fen", "referrer_points",
                      "referee_points", "referrer_stock_id", "referee_stock_id", "monthly_cap"}));
  growth::ReferralService::RuleInput in;
  MILEAGE_ASSIGN_OR_RETURN(in.window_days, RequiredInt(body, "window_days"));
  MILEAGE_ASSIGN_OR_RETURN(in.min_amount_fen, RequiredInt(body, "min_amount_fen"));
  MILEAGE_ASSIGN_OR_RETURN(in.monthly_cap, RequiredInt(body, "monthly_cap"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<bool> enabled, OptionalBool(body, "enabled"));
  in.enabled = enabled.value_or(true);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> referrer, OptionalInt(body, "referrer_points"));
  in.referrer_points = referrer.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> referee, OptionalInt(body, "referee_points"));
  in.referee_points = referee.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(in.referrer_stock_id, NullableId(body, "referrer_stock_id"));
  MILEAGE_ASSIGN_OR_RETURN(in.referee_stock_id, NullableId(body, "referee_stock_id"));
  return in;
}

// ?state=&referrer_member_id=&referee_member_id= of the referrals list.
Result<growth::ReferralFilter> ParseFilter(const httplib::Request& req) {
  growth::ReferralFilter filter;
  if (req.has_param("state")) {
    filter.state = growth::ParseReferralState(req.get_param_value("state"));
    if (!filter.state.has_value()) {
      return InvalidArgumentError("state must be pending, rewarded, capped, expired or clawed_back",
                                  "INVALID_STATE");
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(filter.referrer_member_id, QueryId(req, "referrer_member_id"));
  MILEAGE_ASSIGN_OR_RETURN(filter.referee_member_id, QueryId(req, "referee_member_id"));
  return filter;
}

// REFERRAL_RULE: {"brand_id","enabled","window_days","min_amount_fen","referrer_points",
// "referee_points","referrer_stock_id","referee_stock_id" (null: none),"monthly_cap",
// "created_at","updated_at"}.
void WriteRule(JsonWriter& w, const growth::ReferralRule& r) {
  w.StartObject();
  WriteInt(w, "brand_id", r.brand_id);
  WriteBool(w, "enabled", r.enabled);
  WriteInt(w, "window_days", r.window_days);
  WriteInt(w, "min_amount_fen", r.min_amount_fen);
  WriteInt(w, "referrer_points", r.referrer_points);
  WriteInt(w, "referee_points", r.referee_points);
  WriteOptionalInt(w, "referrer_stock_id", r.referrer_stock_id);
  WriteOptionalInt(w, "referee_stock_id", r.referee_stock_id);
  WriteInt(w, "monthly_cap", r.monthly_cap);
  WriteTime(w, "created_at", r.created_at);
  WriteTime(w, "updated_at", r.updated_at);
  w.EndObject();
}

void WriteOptionalUnixTime(JsonWriter& w, std::string_view key, std::optional<int64_t> t) {
  if (t.has_value()) return WriteTime(w, key, *t);
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Null();
}

// REFERRAL: see docs/API.md "Referrals (console)".
void WriteReferral(JsonWriter& w, const growth::Referral& r, int64_t now) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteInt(w, "referrer_member_id", r.referrer_member_id);
  WriteInt(w, "referee_member_id", r.referee_member_id);
  WriteText(w, "state", growth::ReferralStateName(r.EffectiveState(now)));
  WriteText(w, "reason", r.reason);
  WriteTime(w, "attached_at", r.attached_at);
  WriteTime(w, "expires_at", r.expires_at);
  WriteInt(w, "payment_fen", r.payment_fen);
  WriteOptionalUnixTime(w, "qualified_at", r.qualified_at);
  WriteOptionalInt(w, "reward_month", r.reward_month);
  WriteInt(w, "referrer_points", r.referrer_points);
  WriteInt(w, "referee_points", r.referee_points);
  WriteOptionalInt(w, "referrer_coupon_id", r.referrer_coupon_id);
  WriteOptionalInt(w, "referee_coupon_id", r.referee_coupon_id);
  WriteOptionalUnixTime(w, "clawed_back_at", r.clawed_back_at);
  w.EndObject();
}

}  // namespace

void RegisterReferralRoutes(ConsoleRouter& router, growth::ReferralService& referrals,
                            const Clock& clock) {
  router.Route("GET", "/api/console/referral-rule", org::Action::kReferralRead,
               [&referrals](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, referrals.Rule(req.actor, req.session.principal.scope.brand_id), 200,
                         WriteRule);
               });
  router.Route("PUT", "/api/console/referral-rule", org::Action::kReferralWrite,
               [&referrals, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::ReferralService::RuleInput> rule = ParseRule(req.http);
                 if (!rule.ok()) return WriteError(res, rule.status());
                 Respond(res,
                         referrals.PutRule(req.actor, req.session.principal.scope.brand_id, *rule,
                                           UnixSeconds(clock.Now())),
                         200, WriteRule);
               });
  router.Route("GET", "/api/console/referrals", org::Action::kReferralRead,
               [&referrals, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::ReferralFilter> filter = ParseFilter(req.http);
                 if (!filter.ok()) return WriteError(res, filter.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 const int64_t now = UnixSeconds(clock.Now());
                 Respond(res,
                         referrals.List(req.actor, req.session.principal.scope.brand_id, *filter,
                                        *page, now),
                         200, [now](JsonWriter& w, const PageOf<growth::Referral>& list) {
                           WritePage(w, list, [now](JsonWriter& jw, const growth::Referral& r) {
                             WriteReferral(jw, r, now);
                           });
                         });
               });
}

}  // namespace mileage::server
