#include <charconv>
#include <string>

#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/http/csv.h"

namespace mileage::server {
namespace {

// {"party_id","name","points_funded","net_fen","lines":[LINE]}; LINE is
// {"counterparty_id","counterparty_name","points_paid","points_received","breakage_points",
// "amount_fen"}.
void WriteParty(JsonWriter& w, const points::PartyStatement& party) {
  w.StartObject();
  WriteInt(w, "party_id", party.party_id);
  WriteText(w, "name", party.name);
  WriteInt(w, "points_funded", party.points_funded);
  WriteInt(w, "net_fen", party.net_fen);
  WriteArray(w, "lines", party.lines, [&w](const points::SettlementLine& line) {
    w.StartObject();
    WriteInt(w, "counterparty_id", line.counterparty_id);
    WriteText(w, "counterparty_name", line.counterparty_name);
    WriteInt(w, "points_paid", line.points_paid);
    WriteInt(w, "points_received", line.points_received);
    WriteInt(w, "breakage_points", line.breakage_points);
    WriteInt(w, "amount_fen", line.amount_fen);
    w.EndObject();
  });
  w.EndObject();
}

// The period's fields of every answer.
void WritePeriodFields(JsonWriter& w, const points::SettlementStatement& s) {
  WriteText(w, "period", s.period);
  WriteText(w, "state", s.closed ? "closed" : "open");
  WriteTime(w, "starts_at", s.starts_at);
  WriteTime(w, "ends_at", s.ends_at);
  WriteOptionalTime(w, "closed_at", s.closed_at);
  WriteInt(w, "point_value_fen_per_100", s.point_value_fen_per_100);
  WriteInt(w, "lot_uses", s.lot_uses);
  WriteInt(w, "points_moved", s.points_moved);
  WriteInt(w, "amount_fen", s.amount_fen);
}

void WriteStatement(JsonWriter& w, const points::SettlementStatement& s) {
  w.StartObject();
  WritePeriodFields(w, s);
  WriteBool(w, "already_closed", s.already_closed);
  WriteArray(w, "parties", s.parties,
             [&w](const points::PartyStatement& party) { WriteParty(w, party); });
  w.EndObject();
}

// The {period} segment; the service validates it.
std::string PathText(const httplib::Request& req, size_t index) {
  return req.matches.size() > index ? req.matches[index].str() : std::string();
}

// A party id: 0 (the brand) or a partner id. INVALID_ID otherwise.
Result<int64_t> ParseParty(std::string_view text, std::string_view field) {
  int64_t id = -1;
  const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == text.npos;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (!digits_only || error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError(std::string(field) + " must be 0 (the brand) or a partner id",
                                "INVALID_ID");
  }
  return id;
}

// The party's statement of the period with the period's fields, for the party route and the
// exports.
struct PartyOfPeriod {
  points::SettlementStatement period;
  points::PartyStatement party;
};

Result<PartyOfPeriod> FindParty(points::SettlementService& settlements, const ConsoleRequest& req) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t party_id, ParseParty(PathText(req.http, 2), "party"));
  const int64_t brand_id = req.session.principal.scope.brand_id;
  const std::string period = PathText(req.http, 1);
  MILEAGE_ASSIGN_OR_RETURN(points::PartyStatement party,
                           settlements.Party(req.actor, brand_id, period, party_id));
  MILEAGE_ASSIGN_OR_RETURN(points::SettlementStatement statement,
                           settlements.Statement(req.actor, brand_id, period));
  statement.parties.clear();
  return PartyOfPeriod{std::move(statement), std::move(party)};
}

void WritePartyOfPeriod(JsonWriter& w, const PartyOfPeriod& found) {
  w.StartObject();
  WritePeriodFields(w, found.period);
  w.Key("party");
  WriteParty(w, found.party);
  w.EndObject();
}

std::string ExportName(const PartyOfPeriod& found, std::string_view extension) {
  return "settlement-" + found.period.period + "-party" + std::to_string(found.party.party_id) +
         "." + std::string(extension);
}

void LinesCsv(CsvWriter& csv, const PartyOfPeriod& found) {
  csv.Text("结算期").Text("状态").Text("结算方ID").Text("结算方").Text("对方ID").Text("对方");
  csv.Text("应付积分").Text("应收积分").Text("过期积分").Text("净额(元)").EndRow();
  const points::PartyStatement& party = found.party;
  for (const points::SettlementLine& line : party.lines) {
    csv.Text(found.period.period).Text(found.period.closed ? "closed" : "open");
    csv.Int(party.party_id).Text(party.name).Int(line.counterparty_id);
    csv.Text(line.counterparty_name).Int(line.points_paid).Int(line.points_received);
    csv.Int(line.breakage_points).Yuan(line.amount_fen).EndRow();
  }
}

void WriteTraceRow(JsonWriter& w, const points::TraceRow& row) {
  w.StartObject();
  WriteInt(w, "lot_use_id", row.lot_use_id);
  WriteInt(w, "journal_id", row.journal_id);
  WriteText(w, "journal_kind", row.journal_kind);
  WriteText(w, "journal_reason", row.journal_reason);
  WriteInt(w, "lot_id", row.lot_id);
  WriteInt(w, "funder_id", row.funder_id);
  WriteInt(w, "consumer_id", row.consumer_id);
  WriteInt(w, "points", row.points);
  WriteTime(w, "created_at", row.created_at);
  w.EndObject();
}

}  // namespace

void RegisterSettlementRoutes(ConsoleRouter& router, points::SettlementService& settlements) {
  router.Route(
      "GET", "/api/console/settlements", org::Action::kSettlementRead,
      [&settlements](const ConsoleRequest& req, httplib::Response& res) {
        const std::string period =
            req.http.has_param("period") ? req.http.get_param_value("period") : "";
        Respond(res, settlements.Statement(req.actor, req.session.principal.scope.brand_id, period),
                200, WriteStatement);
      });

  router.Route("GET", "/api/console/settlements/{period}/parties/{party}",
               org::Action::kSettlementRead,
               [&settlements](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, FindParty(settlements, req), 200, WritePartyOfPeriod);
               });

  router.Route("GET", "/api/console/settlements/{period}/parties/{party}/lines.csv",
               org::Action::kSettlementRead,
               [&settlements](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PartyOfPeriod> found = FindParty(settlements, req);
                 if (!found.ok()) return WriteError(res, found.status());
                 CsvWriter csv;
                 LinesCsv(csv, *found);
                 WriteCsv(res, ExportName(*found, "csv"), csv.TakeBody());
               });

  router.Route("GET", "/api/console/settlements/{period}/parties/{party}/lines.json",
               org::Action::kSettlementRead,
               [&settlements](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PartyOfPeriod> found = FindParty(settlements, req);
                 if (!found.ok()) return WriteError(res, found.status());
                 WriteJson(res, 200, [&](JsonWriter& w) { WritePartyOfPeriod(w, *found); });
                 res.set_header("Content-Disposition",
                                "attachment; filename=\"" + ExportName(*found, "json") + "\"");
               });

  router.Route(
      "GET", "/api/console/settlements/{period}/parties/{party}/trace",
      org::Action::kSettlementRead,
      [&settlements](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> party = ParseParty(PathText(req.http, 2), "party");
        if (!party.ok()) return WriteError(res, party.status());
        Result<int64_t> counterparty = ParseParty(
            req.http.has_param("counterparty") ? req.http.get_param_value("counterparty") : "",
            "counterparty");
        if (!counterparty.ok()) return WriteError(res, counterparty.status());
        Result<PageRequest> page = PageParams(req.http);
        if (!page.ok()) return WriteError(res, page.status());
        Respond(res,
                settlements.Trace(req.actor, req.session.principal.scope.brand_id,
                                  PathText(req.http, 1), *party, *counterparty, *page),
                200, [](JsonWriter& w, const PageOf<points::TraceRow>& rows) {
                  WritePage(w, rows, WriteTraceRow);
                });
      });

  router.Route("POST", "/api/console/settlements/{period}/close", org::Action::kSettlementClose,
               [&settlements](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res,
                         settlements.Close(req.actor, req.session.principal.scope.brand_id,
                                           PathText(req.http, 1)),
                         200, WriteStatement);
               });
}

}  // namespace mileage::server
