#include <charconv>
#include <optional>
#include <string>

#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/report_params.h"

namespace mileage::server {
namespace {

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
