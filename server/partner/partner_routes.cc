#include "common/civil_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "server/console/console_json.h"
#include "server/http/json.h"
#include "server/http/json_fields.h"
#include "server/partner/partner_requests.h"
#include "server/partner/partner_router.h"

namespace mileage::server {
namespace {

// The request id in path segment 1 ("{request_id}"), as the service checks it.
Result<std::string> PathRequestId(const httplib::Request& req) {
  std::string id = req.matches.size() > 1 ? req.matches[1].str() : "";
  MILEAGE_RETURN_IF_ERROR(points::PartnerPoints::CheckRequestId(id));
  return id;
}

// A body that may be empty (nothing to say) or an object without members.
Status EmptyBody(const httplib::Request& req) {
  if (req.body.empty()) return Status::Ok();
  return ParseBody(req, {}).status();
}

// The member's spendable balance, shown only to a partner the member is in front of (a code
// lookup): null otherwise.
void WriteBalance(JsonWriter& w, const members::MemberReference& ref, int64_t balance) {
  if (ref.by == members::MemberLookup::kCode) return WriteInt(w, "balance_after", balance);
  w.Key("balance_after");
  w.Null();
}

void RegisterLookup(PartnerRouter& router, const PartnerApi& api) {
  router.Route("POST", "/api/partner/v1/members/lookup",
               [&api](const PartnerRequest& req, httplib::Response& res) {
                 Result<rapidjson::Document> body = ParseBody(req.http, {"member"});
                 if (!body.ok()) return WriteError(res, body.status());
                 Result<members::MemberReference> ref = ParseMemberReference(*body);
                 if (!ref.ok()) return WriteError(res, ref.status());
                 Result<members::PartnerMember> member = api.identities.Identify(req.partner, *ref);
                 if (!member.ok()) return WriteError(res, member.status());
                 std::optional<int64_t> balance;
                 if (ref->by == members::MemberLookup::kCode) {
                   Result<points::PointsSummary> summary = api.balances.Summary(
                       member->member_id, UnixSeconds(api.clock.Now()), /*horizon_s=*/0);
                   if (!summary.ok()) return WriteError(res, summary.status());
                   balance = summary->balance;
                 }
                 WriteJson(res, 200, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteText(w, "partner_member_id", member->partner_member_id);
                   WriteText(w, "tier", member->tier);
                   WriteOptionalInt(w, "balance", balance);
                   w.EndObject();
                 });
               });
}

// The earning of a POST /earnings body, checked before the member is identified (which
// records a link): nothing is written for bad input.
Result<points::PartnerEarning> ParseEarning(const PartnerRequest& req, int64_t now,
                                            members::MemberReference* ref) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req.http, {"request_id", "member", "amount_fen", "occurred_at", "detail"}));
  points::PartnerEarning earning;
  MILEAGE_ASSIGN_OR_RETURN(earning.request_id, RequiredString(body, "request_id"));
  MILEAGE_RETURN_IF_ERROR(points::PartnerPoints::CheckRequestId(earning.request_id));
  MILEAGE_ASSIGN_OR_RETURN(*ref, ParseMemberReference(body));
  MILEAGE_ASSIGN_OR_RETURN(earning.amount_fen, RequiredInt(body, "amount_fen"));
  MILEAGE_RETURN_IF_ERROR(points::PartnerPoints::CheckAmount(earning.amount_fen));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> occurred_at, OptionalTime(body, "occurred_at"));
  if (!occurred_at.has_value()) {
    return InvalidArgumentError("field \"occurred_at\" is required", "MISSING_FIELD");
  }
  earning.occurred_at = *occurred_at;
  MILEAGE_RETURN_IF_ERROR(points::PartnerPoints::CheckOccurredAt(earning.occurred_at, now));
  auto detail = body.FindMember("detail");
  MILEAGE_ASSIGN_OR_RETURN(
      earning.detail,
      CanonicalDetail(req.partner.category, detail == body.MemberEnd() ? nullptr : &detail->value));
  earning.partner_id = req.partner.id;
  earning.brand_id = req.partner.brand_id;
  earning.now = now;
  return earning;
}

void RegisterEarnings(PartnerRouter& router, const PartnerApi& api) {
  router.Route("POST", "/api/partner/v1/earnings",
               [&api](const PartnerRequest& req, httplib::Response& res) {
                 members::MemberReference ref;
                 Result<points::PartnerEarning> earning =
                     ParseEarning(req, UnixSeconds(api.clock.Now()), &ref);
                 if (!earning.ok()) return WriteError(res, earning.status());
                 Result<members::PartnerMember> member = api.identities.Identify(req.partner, ref);
                 if (!member.ok()) return WriteError(res, member.status());
                 earning->member_id = member->member_id;
                 Result<points::PartnerEarningResult> earned = api.points.Earn(*earning);
                 if (!earned.ok()) return WriteError(res, earned.status());
                 WriteJson(res, earned->duplicate ? 200 : 201, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteText(w, "request_id", earning->request_id);
                   WriteText(w, "partner_member_id", member->partner_member_id);
                   WriteInt(w, "points", earned->points);
                   WriteInt(w, "rule_version", earned->rule_version);
                   WriteBalance(w, ref, earned->balance_after);
                   w.EndObject();
                 });
               });

  router.Route(
      "POST", "/api/partner/v1/earnings/{request_id}/reversal",
      [&api](const PartnerRequest& req, httplib::Response& res) {
        points::PartnerReversal reversal;
        Result<std::string> earning_id = PathRequestId(req.http);
        if (!earning_id.ok()) return WriteError(res, earning_id.status());
        reversal.earning_request_id = *earning_id;
        Result<rapidjson::Document> body = ParseBody(req.http, {"reversal_id", "amount_fen"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<std::string> reversal_id = RequiredString(*body, "reversal_id");
        if (!reversal_id.ok()) return WriteError(res, reversal_id.status());
        Result<int64_t> amount = RequiredInt(*body, "amount_fen");
        if (!amount.ok()) return WriteError(res, amount.status());
        reversal.partner_id = req.partner.id;
        reversal.brand_id = req.partner.brand_id;
        reversal.reversal_id = *reversal_id;
        reversal.amount_fen = *amount;
        reversal.now = UnixSeconds(api.clock.Now());
        Result<points::PartnerReversalResult> reversed = api.points.Reverse(reversal);
        if (!reversed.ok()) return WriteError(res, reversed.status());
        WriteJson(res, reversed->duplicate ? 200 : 201, [&](JsonWriter& w) {
          w.StartObject();
          WriteText(w, "reversal_id", reversal.reversal_id);
          WriteText(w, "request_id", reversal.earning_request_id);
          WriteInt(w, "amount_fen", reversal.amount_fen);
          WriteInt(w, "points", reversed->points);
          WriteInt(w, "reversed_fen", reversed->reversed_fen);
          w.EndObject();
        });
      });
}

// The burn of a POST /redemptions body; only a member code (the member is at the counter and
// shows their card) may spend their points.
Result<points::PartnerBurn> ParseBurn(const PartnerRequest& req, int64_t now,
                                      members::MemberReference* ref) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req.http, {"request_id", "member", "points"}));
  points::PartnerBurn burn;
  MILEAGE_ASSIGN_OR_RETURN(burn.request_id, RequiredString(body, "request_id"));
  MILEAGE_RETURN_IF_ERROR(points::PartnerPoints::CheckRequestId(burn.request_id));
  MILEAGE_ASSIGN_OR_RETURN(*ref, ParseMemberReference(body));
  if (ref->by != members::MemberLookup::kCode) {
    return InvalidArgumentError("points are spent only with the member's code",
                                "MEMBER_CODE_REQUIRED");
  }
  MILEAGE_ASSIGN_OR_RETURN(burn.points, RequiredInt(body, "points"));
  MILEAGE_RETURN_IF_ERROR(points::PartnerPoints::CheckPoints(burn.points));
  burn.partner_id = req.partner.id;
  burn.brand_id = req.partner.brand_id;
  burn.now = now;
  return burn;
}

void RegisterRedemptions(PartnerRouter& router, const PartnerApi& api) {
  router.Route("POST", "/api/partner/v1/redemptions",
               [&api](const PartnerRequest& req, httplib::Response& res) {
                 members::MemberReference ref;
                 Result<points::PartnerBurn> burn =
                     ParseBurn(req, UnixSeconds(api.clock.Now()), &ref);
                 if (!burn.ok()) return WriteError(res, burn.status());
                 Result<members::PartnerMember> member = api.identities.Identify(req.partner, ref);
                 if (!member.ok()) return WriteError(res, member.status());
                 burn->member_id = member->member_id;
                 Result<points::PartnerBurnResult> burned = api.points.Burn(*burn);
                 if (!burned.ok()) return WriteError(res, burned.status());
                 WriteJson(res, burned->duplicate ? 200 : 201, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteText(w, "request_id", burn->request_id);
                   WriteText(w, "partner_member_id", member->partner_member_id);
                   WriteInt(w, "points", burned->points);
                   WriteInt(w, "discount_fen", burned->discount_fen);
                   WriteInt(w, "balance_after", burned->balance_after);
                   w.EndObject();
                 });
               });

  router.Route("POST", "/api/partner/v1/redemptions/{request_id}/cancel",
               [&api](const PartnerRequest& req, httplib::Response& res) {
                 Result<std::string> request_id = PathRequestId(req.http);
                 if (!request_id.ok()) return WriteError(res, request_id.status());
                 if (Status empty = EmptyBody(req.http); !empty.ok()) {
                   return WriteError(res, empty);
                 }
                 Result<points::PartnerBurnCancelResult> cancelled =
                     api.points.CancelBurn({req.partner.id, req.partner.brand_id, *request_id,
                                            UnixSeconds(api.clock.Now())});
                 if (!cancelled.ok()) return WriteError(res, cancelled.status());
                 WriteJson(res, 200, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteText(w, "request_id", *request_id);
                   WriteInt(w, "points", cancelled->points);
                   WriteTime(w, "cancelled_at", cancelled->cancelled_at);
                   w.EndObject();
                 });
               });
}

// A day's figures, or nulls when the day is suppressed.
void WriteDayTotals(JsonWriter& w, const points::PartnerDayTotals& t, bool suppressed) {
  const auto figure = [&w, suppressed](const char* key, int64_t value) {
    if (!suppressed) return WriteInt(w, key, value);
    w.Key(key);
    w.Null();
  };
  figure("earnings", t.earnings);
  figure("amount_fen", t.amount_fen);
  figure("points_earned", t.points_earned);
  figure("points_reversed", t.points_reversed);
  figure("burns", t.burns);
  figure("points_burned", t.points_burned);
  figure("discount_fen", t.discount_fen);
}

void WriteReport(JsonWriter& w, const points::PartnerReport& report) {
  w.StartObject();
  WriteText(w, "from", civil::FormatDate(report.from));
  WriteText(w, "to", civil::FormatDate(report.to));
  WriteInt(w, "min_group_members", points::PartnerReports::kMinGroupMembers);
  WriteArray(w, "days", report.days, [&w](const points::PartnerReportDay& day) {
    w.StartObject();
    WriteText(w, "date", civil::FormatDate(day.date));
    WriteBool(w, "suppressed", day.suppressed);
    if (day.suppressed) {
      w.Key("members");
      w.Null();
    } else {
      WriteInt(w, "members", day.members);
    }
    WriteDayTotals(w, day.totals, day.suppressed);
    w.EndObject();
  });
  w.Key("totals");
  w.StartObject();
  WriteInt(w, "suppressed_days", report.suppressed_days);
  WriteDayTotals(w, report.totals, false);
  w.EndObject();
  w.EndObject();
}

void RegisterReports(PartnerRouter& router, const PartnerApi& api) {
  router.Route("GET", "/api/partner/v1/reports",
               [&api](const PartnerRequest& req, httplib::Response& res) {
                 civil::DayRange range;
                 if (req.http.has_param("from")) range.from = req.http.get_param_value("from");
                 if (req.http.has_param("to")) range.to = req.http.get_param_value("to");
                 Respond(res, api.reports.Daily(req.partner.id, range), 200, WriteReport);
               });
}

}  // namespace

void RegisterPartnerApiRoutes(PartnerRouter& router, const PartnerApi& api) {
  router.Route("GET", "/api/partner/v1/me", [](const PartnerRequest& req, httplib::Response& res) {
    const org::Partner& p = req.partner;
    WriteJson(res, 200, [&p](JsonWriter& w) {
      w.StartObject();
      WriteInt(w, "id", p.id);
      WriteText(w, "name", p.name);
      WriteText(w, "category", org::PartnerCategoryName(p.category));
      WriteInt(w, "brand_id", p.brand_id);
      WriteText(w, "api_key_id", p.api_key_id);
      w.EndObject();
    });
  });

  // Lets a partner check how it signs a body: what the server received, as a digest.
  router.Route("POST", "/api/partner/v1/signature-check",
               [](const PartnerRequest& req, httplib::Response& res) {
                 WriteJson(res, 200, [&req](JsonWriter& w) {
                   w.StartObject();
                   WriteInt(w, "partner_id", req.partner.id);
                   WriteInt(w, "body_bytes", static_cast<int64_t>(req.http.body.size()));
                   WriteText(w, "body_sha256", crypto::HexEncode(crypto::Sha256(req.http.body)));
                   w.EndObject();
                 });
               });

  RegisterLookup(router, api);
  RegisterEarnings(router, api);
  RegisterRedemptions(router, api);
  RegisterReports(router, api);
}

}  // namespace mileage::server
