#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "growth/winback_service.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// A positive decimal integer of the whole text, or nullopt.
std::optional<int64_t> PositiveInt(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

// ?after= "<last_visit_at>.<member_id>", the cursor a page's "next" gave.
Result<std::optional<std::pair<int64_t, int64_t>>> ParseCursor(const httplib::Request& req) {
  using Cursor = std::optional<std::pair<int64_t, int64_t>>;
  if (!req.has_param("after")) return Cursor();
  const std::string text = req.get_param_value("after");
  const size_t dot = text.find('.');
  if (text.size() > 48 || dot == std::string::npos) {
    return InvalidArgumentError("after must be the next cursor of a page", "INVALID_CURSOR");
  }
  std::optional<int64_t> at = PositiveInt(std::string_view(text).substr(0, dot));
  std::optional<int64_t> id = PositiveInt(std::string_view(text).substr(dot + 1));
  if (!at.has_value() || !id.has_value()) {
    return InvalidArgumentError("after must be the next cursor of a page", "INVALID_CURSOR");
  }
  return Cursor(std::make_pair(*at, *id));
}

// ?dealer_id=&store_id=&limit=&after= of the drifting list.
Result<growth::DriftFilter> ParseDriftFilter(const httplib::Request& req) {
  growth::DriftFilter filter;
  MILEAGE_ASSIGN_OR_RETURN(filter.dealer_id, QueryId(req, "dealer_id"));
  MILEAGE_ASSIGN_OR_RETURN(filter.store_id, QueryId(req, "store_id"));
  if (req.has_param("limit")) {
    std::optional<int64_t> limit = PositiveInt(req.get_param_value("limit"));
    if (!limit.has_value() || *limit > growth::DriftFilter::kMaxLimit) {
      return InvalidArgumentError("limit must be 1..200", "INVALID_LIMIT");
    }
    filter.limit = *limit;
  }
  MILEAGE_ASSIGN_OR_RETURN(filter.after, ParseCursor(req));
  return filter;
}

// PATCH /api/console/winback/settings: each field optional; "stock_id": null removes it.
Result<growth::WinbackSettingsPatch> ParseSettingsPatch(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"drift_days", "warranty_years", "post_warranty_days",
                                           "cooldown_days", "stock_id", "enabled"}));
  growth::WinbackSettingsPatch patch;
  MILEAGE_ASSIGN_OR_RETURN(patch.drift_days, OptionalInt(body, "drift_days"));
  MILEAGE_ASSIGN_OR_RETURN(patch.warranty_years, OptionalInt(body, "warranty_years"));
  MILEAGE_ASSIGN_OR_RETURN(patch.post_warranty_days, OptionalInt(body, "post_warranty_days"));
  MILEAGE_ASSIGN_OR_RETURN(patch.cooldown_days, OptionalInt(body, "cooldown_days"));
  auto stock = body.FindMember("stock_id");
  if (stock != body.MemberEnd()) {
    if (stock->value.IsNull()) {
      patch.stock_id = std::optional<int64_t>();
    } else {
      MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, OptionalInt(body, "stock_id"));
      patch.stock_id = id;
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(patch.enabled, OptionalBool(body, "enabled"));
  return patch;
}

// WINBACK_SETTINGS: {"brand_id","drift_days","warranty_years","post_warranty_days",
// "cooldown_days","stock_id" (null: message only),"enabled","updated_at" (null: defaults)}.
void WriteSettings(JsonWriter& w, const growth::WinbackSettings& s) {
  w.StartObject();
  WriteInt(w, "brand_id", s.brand_id);
  WriteInt(w, "drift_days", s.drift_days);
  WriteInt(w, "warranty_years", s.warranty_years);
  WriteInt(w, "post_warranty_days", s.post_warranty_days);
  WriteInt(w, "cooldown_days", s.cooldown_days);
  WriteOptionalInt(w, "stock_id", s.stock_id);
  WriteBool(w, "enabled", s.enabled);
  WriteOptionalTime(w, "updated_at", s.updated_at);
  w.EndObject();
}

// DRIFTING_OWNER (docs/API.md "Win-back").
void WriteOwner(JsonWriter& w, const growth::DriftingOwner& o) {
  w.StartObject();
  WriteInt(w, "member_id", o.member.id);
  WriteText(w, "member_number", o.member.number);
  WriteText(w, "tier", o.member.tier);
  WriteTime(w, "last_visit_at", o.member.last_visit_at);
  WriteInt(w, "days_away", o.days_away);
  WriteOptionalId(w, "store_id", o.member.store_id);
  WriteText(w, "store_name", o.store_name);
  WriteOptionalId(w, "dealer_id", o.dealer_id);
  WriteText(w, "dealer_name", o.dealer_name);
  WriteInt(w, "spend_fen_12m", o.member.spend_fen);
  WriteInt(w, "visits_12m", o.member.visits);
  WriteOptionalText(w, "vehicle_purchase_date", o.member.newest_purchase_date);
  WriteBool(w, "out_of_warranty", o.out_of_warranty);
  WriteInt(w, "threshold_days", o.threshold_days);
  w.EndObject();
}

void WriteDriftingPage(JsonWriter& w, const growth::DriftingPage& page) {
  w.StartObject();
  WriteArray(w, "items", page.items, [&w](const growth::DriftingOwner& o) { WriteOwner(w, o); });
  if (page.next.has_value()) {
    WriteText(w, "next",
              std::to_string(page.next->first) + "." + std::to_string(page.next->second));
  } else {
    w.Key("next");
    w.Null();
  }
  w.EndObject();
}

void WriteDealer(JsonWriter& w, const growth::DealerDrift& d) {
  w.StartObject();
  WriteOptionalId(w, "dealer_id", d.dealer_id);
  WriteText(w, "dealer_name", d.name);
  WriteInt(w, "drifting", d.drifting);
  w.EndObject();
}

void WriteComeBackRow(JsonWriter& w, const growth::ComeBackRow& r) {
  w.StartObject();
  WriteText(w, "month", r.month);
  WriteOptionalId(w, "dealer_id", r.dealer_id);
  WriteText(w, "dealer_name", r.dealer_name);
  WriteInt(w, "granted", r.granted);
  WriteInt(w, "coupons", r.coupons);
  WriteInt(w, "messaged", r.messaged);
  WriteInt(w, "returned", r.returned);
  WriteInt(w, "waiting", r.waiting);
  WriteInt(w, "redeemed", r.redeemed);
  w.EndObject();
}

}  // namespace

void RegisterWinbackRoutes(ConsoleRouter& router, growth::WinbackService& winback,
                           const Clock& clock) {
  router.Route("GET", "/api/console/winback/settings", org::Action::kWinbackRead,
               [&winback](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, winback.Settings(req.actor), 200, WriteSettings);
               });
  router.Route("PATCH", "/api/console/winback/settings", org::Action::kWinbackWrite,
               [&winback, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::WinbackSettingsPatch> patch = ParseSettingsPatch(req.http);
                 if (!patch.ok()) return WriteError(res, patch.status());
                 Respond(res, winback.UpdateSettings(req.actor, *patch, UnixSeconds(clock.Now())),
                         200, WriteSettings);
               });
  router.Route("GET", "/api/console/winback/drifting", org::Action::kWinbackRead,
               [&winback, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::DriftFilter> filter = ParseDriftFilter(req.http);
                 if (!filter.ok()) return WriteError(res, filter.status());
                 Respond(res, winback.Drifting(req.actor, *filter, UnixSeconds(clock.Now())), 200,
                         WriteDriftingPage);
               });
  router.Route("GET", "/api/console/winback/dealers", org::Action::kWinbackRead,
               [&winback, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, winback.Dealers(req.actor, UnixSeconds(clock.Now())), 200,
                         [](JsonWriter& w, const std::vector<growth::DealerDrift>& dealers) {
                           w.StartObject();
                           WriteArray(w, "items", dealers,
                                      [&w](const growth::DealerDrift& d) { WriteDealer(w, d); });
                           w.EndObject();
                         });
               });
  router.Route("GET", "/api/console/winback/report", org::Action::kWinbackRead,
               [&winback, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res,
                         winback.Report(req.actor, req.http.get_param_value("from"),
                                        req.http.get_param_value("to"), UnixSeconds(clock.Now())),
                         200, [](JsonWriter& w, const std::vector<growth::ComeBackRow>& rows) {
                           w.StartObject();
                           WriteArray(w, "items", rows, [&w](const growth::ComeBackRow& r) {
                             WriteComeBackRow(w, r);
                           });
                           w.EndObject();
                         });
               });
}

}  // namespace mileage::server
