#include <charconv>
#include <optional>
#include <string>

#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

// ?store_id=, ?dealer_id= or ?region_id= (at most one): INVALID_ID when malformed,
// INVALID_FIELD when several are given.
Result<std::optional<payments::ReportNode>> NodeFilter(const httplib::Request& req) {
  struct Param {
    const char* name;
    org::NodeType type;
  };
  std::optional<payments::ReportNode> node;
  for (const Param& p :
       {Param{"store_id", org::NodeType::kStore}, Param{"dealer_id", org::NodeType::kDealer},
        Param{"region_id", org::NodeType::kRegion}}) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, QueryId(req, p.name));
    if (!id.has_value()) continue;
    if (node.has_value()) {
      return InvalidArgumentError("name at most one of store_id, dealer_id and region_id",
                                  "INVALID_FIELD");
    }
    node = payments::ReportNode{p.type, *id};
  }
  return node;
}

// ?days=: an integer when given; the service checks its range (INVALID_FIELD).
Result<std::optional<int64_t>> OptionalDays(const httplib::Request& req) {
  if (!req.has_param("days")) return std::optional<int64_t>();
  const std::string text = req.get_param_value("days");
  int64_t days = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), days);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("days must be an integer", "INVALID_FIELD");
  }
  return std::optional<int64_t>(days);
}

// ?days= (default 30).
Result<int64_t> DaysParam(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> days, OptionalDays(req));
  return days.value_or(30);
}

// ?from=, ?to= and ?days= of a campaign's daily report; the service checks them.
Result<payments::DayRange> DayRangeParams(const httplib::Request& req) {
  payments::DayRange range;
  if (req.has_param("from")) range.from = req.get_param_value("from");
  if (req.has_param("to")) range.to = req.get_param_value("to");
  MILEAGE_ASSIGN_OR_RETURN(range.days, OptionalDays(req));
  return range;
}

void WriteTotalsOfDay(JsonWriter& w, const payments::DayTotals& t) {
  w.Key("payments");
  w.Int64(t.payments);
  w.Key("amount_fen");
  w.Int64(t.amount_fen);
  w.Key("new_members");
  w.Int64(t.new_members);
  w.Key("coupons_issued");
  w.Int64(t.coupons_issued);
  w.Key("coupons_redeemed");
  w.Int64(t.coupons_redeemed);
  w.Key("points_issued");
  w.Int64(t.points_issued);
}

void WriteOptionalInt(JsonWriter& w, const char* key, const std::optional<int64_t>& value) {
  w.Key(key);
  if (value.has_value()) {
    w.Int64(*value);
  } else {
    w.Null();
  }
}

void WriteSummary(JsonWriter& w, const payments::DaySummary& s) {
  w.StartObject();
  w.Key("date");
  WriteString(w, civil::FormatDate(s.date));
  w.Key("scope");
  w.StartObject();
  w.Key("type");
  WriteString(w, org::NodeTypeName(s.scope.type));
  w.Key("id");
  w.Int64(s.scope.id());
  w.EndObject();
  w.Key("payments");
  w.StartObject();
  w.Key("count");
  w.Int64(s.totals.payments);
  w.Key("amount_fen");
  w.Int64(s.totals.amount_fen);
  w.Key("refunded_fen");
  w.Int64(s.totals.refunded_fen);
  w.EndObject();
  w.Key("new_members");
  w.Int64(s.totals.new_members);
  w.Key("coupons");
  w.StartObject();
  w.Key("issued");
  w.Int64(s.totals.coupons_issued);
  w.Key("redeemed");
  w.Int64(s.totals.coupons_redeemed);
  w.EndObject();
  w.Key("points");
  w.StartObject();
  w.Key("issued");
  w.Int64(s.totals.points_issued);
  WriteOptionalInt(w, "spent", s.points_spent);
  WriteOptionalInt(w, "outstanding", s.points_outstanding);
  w.EndObject();
  w.EndObject();
}

void WriteDays(JsonWriter& w, const std::vector<payments::DayReport>& days) {
  w.StartObject();
  w.Key("days");
  w.StartArray();
  for (const payments::DayReport& day : days) {
    w.StartObject();
    w.Key("date");
    WriteString(w, civil::FormatDate(day.date));
    WriteTotalsOfDay(w, day.totals);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteFunnel(JsonWriter& w, const std::vector<payments::FunnelItem>& items) {
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const payments::FunnelItem& item : items) {
    w.StartObject();
    w.Key("stock_id");
    w.Int64(item.stock_id);
    w.Key("name");
    WriteString(w, item.name);
    w.Key("issued");
    w.Int64(item.issued);
    w.Key("redeemed");
    w.Int64(item.redeemed);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteStockDaily(JsonWriter& w, const payments::StockDailyReport& report) {
  w.StartObject();
  w.Key("stock_id");
  w.Int64(report.stock_id);
  w.Key("from");
  WriteString(w, civil::FormatDate(report.from));
  w.Key("to");
  WriteString(w, civil::FormatDate(report.to));
  w.Key("days");
  w.StartArray();
  for (const payments::StockDay& day : report.days) {
    const payments::StockDayTotals& t = day.totals;
    w.StartObject();
    w.Key("date");
    WriteString(w, civil::FormatDate(day.date));
    w.Key("issued");
    w.Int64(t.issued());
    w.Key("issued_claim");
    w.Int64(t.issued_claim);
    w.Key("issued_payment");
    w.Int64(t.issued_payment);
    w.Key("issued_grant");
    w.Int64(t.issued_grant);
    w.Key("redeemed");
    w.Int64(t.redeemed);
    w.Key("reversed");
    w.Int64(t.reversed);
    w.Key("discount_fen");
    w.Int64(t.discount_fen);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

void RegisterReportRoutes(ConsoleRouter& router, payments::ReportService& reports) {
  router.Route("GET", "/api/console/reports/summary", org::Action::kPaymentRead,
               [&reports](const ConsoleRequest& req, httplib::Response& res) {
                 Result<std::optional<payments::ReportNode>> node = NodeFilter(req.http);
                 if (!node.ok()) return WriteError(res, node.status());
                 const std::string date = req.http.get_param_value("date");
                 std::optional<std::string_view> only;
                 if (req.http.has_param("date")) only = date;
                 Respond(res, reports.Summary(req.actor, only, *node), 200, WriteSummary);
               });

  router.Route("GET", "/api/console/reports/daily", org::Action::kPaymentRead,
               [&reports](const ConsoleRequest& req, httplib::Response& res) {
                 Result<std::optional<payments::ReportNode>> node = NodeFilter(req.http);
                 if (!node.ok()) return WriteError(res, node.status());
                 Result<int64_t> days = DaysParam(req.http);
                 if (!days.ok()) return WriteError(res, days.status());
                 Respond(res, reports.Daily(req.actor, *days, *node), 200, WriteDays);
               });

  router.Route("GET", "/api/console/reports/funnel", org::Action::kPaymentRead,
               [&reports](const ConsoleRequest& req, httplib::Response& res) {
                 Result<std::optional<payments::ReportNode>> node = NodeFilter(req.http);
                 if (!node.ok()) return WriteError(res, node.status());
                 Result<int64_t> days = DaysParam(req.http);
                 if (!days.ok()) return WriteError(res, days.status());
                 Respond(res, reports.Funnel(req.actor, *days, *node), 200, WriteFunnel);
               });

  router.Route("GET", "/api/console/reports/stocks/{id}/daily", org::Action::kStockRead,
               [&reports](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<payments::DayRange> range = DayRangeParams(req.http);
                 if (!range.ok()) return WriteError(res, range.status());
                 Respond(res, reports.StockDaily(req.actor, *id, *range), 200, WriteStockDaily);
               });
}

}  // namespace mileage::server
