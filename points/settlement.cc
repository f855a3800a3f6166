#include "points/settlement.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "common/civil_time.h"
#include "db/paged_query.h"
#include "org/node_store.h"
#include "org/partner_store.h"

namespace mileage::points {
namespace {

__extension__ using Int128 = __int128;  // GCC and Clang; -Wpedantic needs the marker

constexpr int64_t kMinYear = 2000;
constexpr int64_t kMaxYear = 2200;

// A Beijing calendar month: [starts_at, ends_at).
struct Period {
  std::string text;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
};

Result<Period> ParsePeriod(std::string_view text) {
  const std::optional<civil::Date> first = civil::ParseMonth(text);
  if (!first.has_value() || first->year < kMinYear || first->year > kMaxYear) {
    return InvalidArgumentError("period must be a month YYYY-MM (years 2000-2200)",
                                "INVALID_PERIOD");
  }
  Period out;
  out.text = std::string(text);
  out.starts_at = civil::BeijingStartOfDay(*first);
  out.ends_at = civil::EndOfBeijingMonth(out.starts_at, 0) + 1;
  return out;
}

std::string MonthText(int64_t unix_seconds) {
  const civil::Date date = civil::BeijingDate(unix_seconds);
  char text[16];
  std::snprintf(text, sizeof text, "%04lld-%02lld", static_cast<long long>(date.year),
                static_cast<long long>(date.month));
  return text;
}

// The brand's settings and parties: the brand (0) and its partners, with their names.
struct Parties {
  int64_t point_value_fen_per_100 = 0;
  std::map<int64_t, std::string> names;  // party id -> name
};

// NotFound "brand N not found" (also outside the caller's scope) and the authorizer's refusal.
Result<Parties> LoadParties(db::Connection& conn, const org::Authorizer& authorizer,
                            const org::Actor& actor, org::Action action, int64_t brand_id) {
  const std::string what = "brand " + std::to_string(brand_id);
  if (brand_id <= 0) return InvalidArgumentError("brand id must be positive", "INVALID_ID");
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> brand,
                           org::NodeStore(conn).Find(org::NodeType::kBrand, brand_id));
  if (!brand.has_value()) return NotFoundError(what + " not found");
  MILEAGE_RETURN_IF_ERROR(authorizer.Check(actor, action, brand->path, what));
  Parties out;
  out.point_value_fen_per_100 = brand->brand.point_value_fen_per_100;
  out.names[0] = brand->name;
  PageRequest page;
  page.page_size = PageRequest::kMaxPageSize;
  for (;; ++page.page) {
    MILEAGE_ASSIGN_OR_RETURN(PageOf<org::Partner> partners,
                             org::PartnerStore(conn).List(brand->path, page));
    for (const org::Partner& partner : partners.items) out.names[partner.id] = partner.name;
    if (partners.items.size() < static_cast<size_t>(page.page_size)) break;
  }
  return out;
}

Status CheckParty(const Parties& parties, int64_t party_id) {
  if (party_id < 0) return InvalidArgumentError("party must be 0 or a partner id", "INVALID_ID");
  if (parties.names.count(party_id) == 0) {
    return NotFoundError("party " + std::to_string(party_id) + " not found", "PARTY_NOT_FOUND");
  }
  return Status::Ok();
}

// A closed period's row.
struct StoredPeriod {
  int64_t id = 0;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
  int64_t point_value_fen_per_100 = 0;
  int64_t lot_uses = 0;
  int64_t points_moved = 0;
  int64_t amount_fen = 0;
  int64_t closed_at = 0;
};

Result<std::optional<StoredPeriod>> FindPeriod(db::Connection& conn, int64_t brand_id,
                                               const std::string& period) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT id, starts_at, ends_at, point_value_fen_per_100, lot_uses, "
                 "points_moved, amount_fen, closed_at FROM settlement_periods "
                 "WHERE brand_id = ? AND period = ? AND state = 'closed'",
                 {db::Value(brand_id), db::Value(period)}));
  if (rows.empty()) return std::optional<StoredPeriod>();
  const db::Row& r = rows.front();
  return std::optional<StoredPeriod>(
      StoredPeriod{r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5), r.Int(6), r.Int(7)});
}

// The latest closed period of the brand: its month and end (empty and 0 when none).
struct LatestClosed {
  std::string period;
  int64_t ends_at = 0;
};

Result<LatestClosed> FindLatestClosed(db::Connection& conn, int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT period, ends_at FROM settlement_periods WHERE brand_id = ? AND "
                 "state = 'closed' ORDER BY ends_at DESC LIMIT 1",
                 {db::Value(brand_id)}));
  if (rows.empty()) return LatestClosed{};
  return LatestClosed{rows.front().Text(0), rows.front().Int(1)};
}

// Which lot uses (alias u) a period covers, as a WHERE condition and its parameters.
struct Selection {
  std::string where;
  std::vector<db::Value> params;
};

Selection ClosedSelection(int64_t brand_id, int64_t period_id) {
  return {"u.brand_id = ? AND u.settlement_period_id = ?",
          {db::Value(brand_id), db::Value(period_id)}};
}

// An open period covers the unsettled lot uses created in it and the late ones (created in a
// closed period, committed after its close): what closing it now would mark, provided the
// months before it are closed. A month before the latest closed one covers nothing.
Selection OpenSelection(int64_t brand_id, const Period& period, int64_t latest_closed_end) {
  if (period.ends_at <= latest_closed_end) return {"1 = 0", {}};
  return {
      "u.brand_id = ? AND u.settlement_period_id IS NULL AND u.created_at < ? AND "
      "(u.created_at >= ? OR u.created_at < ?)",
      {db::Value(brand_id), db::Value(period.ends_at), db::Value(period.starts_at),
       db::Value(latest_closed_end)}};
}

// What a selection's lot uses add up to.
struct Covered {
  std::vector<PartyFlow> flows;
  int64_t lot_uses = 0;
  int64_t points_moved = 0;
};

Result<Covered> SumFlows(db::Connection& conn, const Selection& selection) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT u.funder_partner_id, u.consumer_partner_id, "
                 "CASE WHEN j.kind = 'expire' THEN 1 ELSE 0 END AS breakage, "
                 "COALESCE(SUM(u.points), 0), COUNT(*) FROM point_lot_uses u "
                 "JOIN point_journals j ON j.id = u.journal_id WHERE " +
                     selection.where +
                     " GROUP BY u.funder_partner_id, u.consumer_partner_id, breakage",
                 selection.params));
  Covered out;
  for (const db::Row& row : rows) {
    PartyFlow flow{row.Int(0), row.Int(1), row.Int(2) != 0, row.Int(3)};
    out.lot_uses += row.Int(4);
    if (flow.funder_id != flow.consumer_id) out.points_moved += flow.points;
    out.flows.push_back(flow);
  }
  return out;
}

// The points each party funded: its earn journals created in the period.
Result<std::map<int64_t, int64_t>> PointsFunded(db::Connection& conn, int64_t brand_id,
                                                const Period& period) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT partner_id, COALESCE(SUM(points), 0) FROM point_journals "
                 "WHERE brand_id = ? AND kind = 'earn' AND created_at >= ? AND created_at < ? "
                 "GROUP BY partner_id",
                 {db::Value(brand_id), db::Value(period.starts_at), db::Value(period.ends_at)}));
  std::map<int64_t, int64_t> out;
  for (const db::Row& row : rows) out[row.Int(0)] = row.Int(1);
  return out;
}

void Name(const Parties& parties, std::vector<PartyStatement>& statements) {
  for (PartyStatement& statement : statements) {
    auto name = parties.names.find(statement.party_id);
    if (name != parties.names.end()) statement.name = name->second;
    for (SettlementLine& line : statement.lines) {
      auto other = parties.names.find(line.counterparty_id);
      if (other != parties.names.end()) line.counterparty_name = other->second;
    }
  }
}

std::vector<int64_t> PartyIds(const Parties& parties) {
  std::vector<int64_t> ids;
  for (const auto& [id, name] : parties.names) ids.push_back(id);
  return ids;
}

int64_t SumOfReceipts(const std::vector<PartyStatement>& parties) {
  int64_t sum = 0;
  for (const PartyStatement& party : parties) sum += std::max<int64_t>(party.net_fen, 0);
  return sum;
}

// The open period's statements, computed now.
Result<SettlementStatement> ComputeOpen(db::Connection& conn, int64_t brand_id,
                                        const Parties& parties, const Period& period) {
  MILEAGE_ASSIGN_OR_RETURN(LatestClosed latest, FindLatestClosed(conn, brand_id));
  MILEAGE_ASSIGN_OR_RETURN(Covered covered,
                           SumFlows(conn, OpenSelection(brand_id, period, latest.ends_at)));
  using Funded = std::map<int64_t, int64_t>;
  MILEAGE_ASSIGN_OR_RETURN(Funded funded, PointsFunded(conn, brand_id, period));
  SettlementStatement out;
  out.brand_id = brand_id;
  out.period = period.text;
  out.starts_at = period.starts_at;
  out.ends_at = period.ends_at;
  out.point_value_fen_per_100 = parties.point_value_fen_per_100;
  out.lot_uses = covered.lot_uses;
  out.points_moved = covered.points_moved;
  MILEAGE_ASSIGN_OR_RETURN(out.parties, ComputeStatements(covered.flows, PartyIds(parties),
                                                          parties.point_value_fen_per_100));
  for (PartyStatement& party : out.parties) party.points_funded = funded[party.party_id];
  out.amount_fen = SumOfReceipts(out.parties);
  Name(parties, out.parties);
  return out;
}

// A closed period's statements as stored.
Result<SettlementStatement> LoadClosed(db::Connection& conn, int64_t brand_id,
                                       const Parties& parties, const std::string& period,
                                       const StoredPeriod& stored) {
  SettlementStatement out;
  out.period_id = stored.id;
  out.brand_id = brand_id;
  out.period = period;
  out.closed = true;
  out.starts_at = stored.starts_at;
  out.ends_at = stored.ends_at;
  out.closed_at = stored.closed_at;
  out.point_value_fen_per_100 = stored.point_value_fen_per_100;
  out.lot_uses = stored.lot_uses;
  out.points_moved = stored.points_moved;
  out.amount_fen = stored.amount_fen;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> party_rows,
      conn.Query("SELECT party_id, points_funded, net_fen FROM settlement_parties "
                 "WHERE period_id = ? ORDER BY party_id",
                 {db::Value(stored.id)}));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> line_rows,
      conn.Query("SELECT party_id, counterparty_id, points_paid, points_received, "
                 "breakage_points, amount_fen FROM settlement_lines WHERE period_id = ? "
                 "ORDER BY party_id, counterparty_id",
                 {db::Value(stored.id)}));
  std::map<int64_t, size_t> index;
  for (const db::Row& row : party_rows) {
    index[row.Int(0)] = out.parties.size();
    out.parties.push_back({row.Int(0), "", row.Int(1), row.Int(2), {}});
  }
  for (const db::Row& row : line_rows) {
    auto party = index.find(row.Int(0));
    if (party == index.end()) return InternalError("a settlement line without its party");
    out.parties[party->second].lines.push_back(
        {row.Int(0), row.Int(1), "", row.Int(2), row.Int(3), row.Int(4), row.Int(5)});
  }
  Name(parties, out.parties);
  return out;
}

Result<SettlementStatement> Read(db::Connection& conn, int64_t brand_id, const Parties& parties,
                                 const Period& period) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<StoredPeriod> stored,
                           FindPeriod(conn, brand_id, period.text));
  if (stored.has_value()) return LoadClosed(conn, brand_id, parties, period.text, *stored);
  return ComputeOpen(conn, brand_id, parties, period);
}

// Refuses a close out of order: a later month closed, or an earlier month with unsettled lot
// uses that is not closed (those after the latest closed period; older ones are late rows of
// closed periods, which this close takes).
Status CheckOrder(db::Connection& conn, int64_t brand_id, const Period& period) {
  MILEAGE_ASSIGN_OR_RETURN(LatestClosed latest, FindLatestClosed(conn, brand_id));
  if (latest.ends_at > period.starts_at) {
    return FailedPreconditionError(
        "period " + latest.period + ", after " + period.text + ", is closed already",
        "LATER_PERIOD_CLOSED");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT MIN(created_at) FROM point_lot_uses WHERE brand_id = ? AND "
                 "settlement_period_id IS NULL AND created_at >= ? AND created_at < ?",
                 {db::Value(brand_id), db::Value(latest.ends_at), db::Value(period.starts_at)}));
  if (!rows.empty() && !rows.front().IsNull(0)) {
    return FailedPreconditionError("period " + MonthText(rows.front().Int(0)) +
                                       " has unsettled points and is not closed: close it first",
                                   "EARLIER_PERIOD_OPEN");
  }
  return Status::Ok();
}

Status InsertStatements(db::Connection& conn, int64_t period_id,
                        const std::vector<PartyStatement>& parties) {
  std::string party_sql =
      "INSERT INTO settlement_parties (period_id, party_id, points_funded, net_fen) VALUES ";
  std::vector<db::Value> party_params;
  std::string line_sql =
      "INSERT INTO settlement_lines (period_id, party_id, counterparty_id, points_paid, "
      "points_received, breakage_points, amount_fen) VALUES ";
  std::vector<db::Value> line_params;
  for (const PartyStatement& party : parties) {
    party_sql += party_params.empty() ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
    for (int64_t v : {period_id, party.party_id, party.points_funded, party.net_fen}) {
      party_params.emplace_back(v);
    }
    for (const SettlementLine& line : party.lines) {
      line_sql += line_params.empty() ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
      for (int64_t v : {period_id, line.party_id, line.counterparty_id, line.points_paid,
                        line.points_received, line.breakage_points, line.amount_fen}) {
        line_params.emplace_back(v);
      }
    }
  }
  if (!party_params.empty()) MILEAGE_RETURN_IF_ERROR(conn.Exec(party_sql, party_params).status());
  if (!line_params.empty()) MILEAGE_RETURN_IF_ERROR(conn.Exec(line_sql, line_params).status());
  return Status::Ok();
}

// Marks the lot uses the period covers and stores its statements; returns the period's id.
Result<int64_t> CloseIn(db::Connection& conn, int64_t brand_id, const Parties& parties,
                        const Period& period, std::optional<int64_t> staff_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(CheckOrder(conn, brand_id, period));
  Result<int64_t> inserted = conn.Insert(
      "INSERT INTO settlement_periods (brand_id, period, state, starts_at, ends_at, "
      "point_value_fen_per_100, closed_by, closed_at) VALUES (?, ?, 'closed', ?, ?, ?, ?, ?)",
      {db::Value(brand_id), db::Value(period.text), db::Value(period.starts_at),
       db::Value(period.ends_at), db::Value(parties.point_value_fen_per_100),
       staff_id.has_value() ? db::Value(*staff_id) : db::Value(nullptr), db::Value(now)});
  if (!inserted.ok()) return inserted.status();  // AlreadyExists: closed concurrently
  const int64_t period_id = *inserted;
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec("UPDATE point_lot_uses SET settlement_period_id = ? WHERE brand_id = ? AND "
                "settlement_period_id IS NULL AND created_at < ?",
                {db::Value(period_id), db::Value(brand_id), db::Value(period.ends_at)})
          .status());
  MILEAGE_ASSIGN_OR_RETURN(Covered covered, SumFlows(conn, ClosedSelection(brand_id, period_id)));
  using Funded = std::map<int64_t, int64_t>;
  MILEAGE_ASSIGN_OR_RETURN(Funded funded, PointsFunded(conn, brand_id, period));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<PartyStatement> statements,
      ComputeStatements(covered.flows, PartyIds(parties), parties.point_value_fen_per_100));
  for (PartyStatement& party : statements) party.points_funded = funded[party.party_id];
  MILEAGE_RETURN_IF_ERROR(InsertStatements(conn, period_id, statements));
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec("UPDATE settlement_periods SET lot_uses = ?, points_moved = ?, amount_fen = ? "
                "WHERE id = ?",
                {db::Value(covered.lot_uses), db::Value(covered.points_moved),
                 db::Value(SumOfReceipts(statements)), db::Value(period_id)})
          .status());
  return period_id;
}

// round(numerator / 100), halves away from zero; nullopt outside the int64 range.
std::optional<int64_t> RoundPerHundred(Int128 numerator) {
  const Int128 magnitude = numerator < 0 ? -numerator : numerator;
  const Int128 rounded = (magnitude + 50) / 100;
  const Int128 signed_value = numerator < 0 ? -rounded : rounded;
  if (signed_value > INT64_MAX || signed_value < -INT64_MAX) return std::nullopt;
  return static_cast<int64_t>(signed_value);
}

}  // namespace

Result<std::vector<PartyStatement>> ComputeStatements(const std::vector<PartyFlow>& flows,
                                                      const std::vector<int64_t>& party_ids,
                                                      int64_t point_value_fen_per_100) {
  // Per pair (low id, high id), from the low id's side; net: points it consumed minus points
  // it funded that the other consumed (expired ones included).
  struct Pair {
    int64_t paid = 0;
    int64_t received = 0;
    int64_t breakage = 0;
    Int128 net = 0;
  };
  std::map<std::pair<int64_t, int64_t>, Pair> pairs;
  std::set<int64_t> ids(party_ids.begin(), party_ids.end());
  for (const PartyFlow& flow : flows) {
    if (flow.funder_id == flow.consumer_id) continue;
    const int64_t low = std::min(flow.funder_id, flow.consumer_id);
    const int64_t high = std::max(flow.funder_id, flow.consumer_id);
    ids.insert(low);
    ids.insert(high);
    Pair& pair = pairs[{low, high}];
    if (flow.breakage) {
      pair.breakage += flow.points;
    } else if (flow.funder_id == low) {
      pair.paid += flow.points;
    } else {
      pair.received += flow.points;
    }
    pair.net += flow.consumer_id == low ? flow.points : -flow.points;
  }
  std::map<int64_t, PartyStatement> by_party;
  for (int64_t id : ids) by_party[id].party_id = id;
  std::map<int64_t, Int128> nets;
  for (const auto& [key, pair] : pairs) {
    if (pair.paid == 0 && pair.received == 0 && pair.breakage == 0) continue;
    const std::optional<int64_t> amount =
        RoundPerHundred(pair.net * static_cast<Int128>(point_value_fen_per_100));
    if (!amount.has_value()) return InternalError("a settlement amount leaves the int64 range");
    const auto [low, high] = key;
    by_party[low].lines.push_back(
        {low, high, "", pair.paid, pair.received, pair.breakage, *amount});
    by_party[high].lines.push_back(
        {high, low, "", pair.received, pair.paid, pair.breakage, -*amount});
    nets[low] += *amount;
    nets[high] -= *amount;
  }
  std::vector<PartyStatement> out;
  for (auto& [id, statement] : by_party) {
    if (nets[id] > INT64_MAX || nets[id] < -INT64_MAX) {
      return InternalError("a settlement net amount leaves the int64 range");
    }
    statement.net_fen = static_cast<int64_t>(nets[id]);
    std::sort(statement.lines.begin(), statement.lines.end(),
              [](const SettlementLine& a, const SettlementLine& b) {
                return a.counterparty_id < b.counterparty_id;
              });
    out.push_back(std::move(statement));
  }
  return out;
}

Result<SettlementStatement> SettlementService::Statement(const org::Actor& actor, int64_t brand_id,
                                                         std::string_view period_text) {
  MILEAGE_ASSIGN_OR_RETURN(Period period, ParsePeriod(period_text));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(Parties parties, LoadParties(*conn, authorizer_, actor,
                                                        org::Action::kSettlementRead, brand_id));
  return Read(*conn, brand_id, parties, period);
}

Result<PartyStatement> SettlementService::Party(const org::Actor& actor, int64_t brand_id,
                                                std::string_view period_text, int64_t party_id) {
  MILEAGE_ASSIGN_OR_RETURN(Period period, ParsePeriod(period_text));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(Parties parties, LoadParties(*conn, authorizer_, actor,
                                                        org::Action::kSettlementRead, brand_id));
  MILEAGE_RETURN_IF_ERROR(CheckParty(parties, party_id));
  MILEAGE_ASSIGN_OR_RETURN(SettlementStatement statement, Read(*conn, brand_id, parties, period));
  for (PartyStatement& party : statement.parties) {
    if (party.party_id == party_id) return std::move(party);
  }
  // A partner created after the period closed: nothing to settle.
  PartyStatement empty;
  empty.party_id = party_id;
  empty.name = parties.names.at(party_id);
  return empty;
}

Result<PageOf<TraceRow>> SettlementService::Trace(const org::Actor& actor, int64_t brand_id,
                                                  std::string_view period_text, int64_t party_id,
                                                  int64_t counterparty_id,
                                                  const PageRequest& page) {
  MILEAGE_ASSIGN_OR_RETURN(Period period, ParsePeriod(period_text));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (party_id == counterparty_id) {
    return InvalidArgumentError("counterparty must differ from the party", "INVALID_FIELD");
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(Parties parties, LoadParties(*conn, authorizer_, actor,
                                                        org::Action::kSettlementRead, brand_id));
  MILEAGE_RETURN_IF_ERROR(CheckParty(parties, party_id));
  MILEAGE_RETURN_IF_ERROR(CheckParty(parties, counterparty_id));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<StoredPeriod> stored,
                           FindPeriod(*conn, brand_id, period.text));
  Selection selection;
  if (stored.has_value()) {
    selection = ClosedSelection(brand_id, stored->id);
  } else {
    MILEAGE_ASSIGN_OR_RETURN(LatestClosed latest, FindLatestClosed(*conn, brand_id));
    selection = OpenSelection(brand_id, period, latest.ends_at);
  }
  const std::string where = " WHERE " + selection.where +
                            " AND ((u.funder_partner_id = ? AND u.consumer_partner_id = ?) OR "
                            "(u.funder_partner_id = ? AND u.consumer_partner_id = ?))";
  std::vector<db::Value> params = selection.params;
  for (int64_t v : {party_id, counterparty_id, counterparty_id, party_id}) params.emplace_back(v);
  return db::QueryPage<TraceRow>(
      *conn,
      {"SELECT u.id, u.journal_id, j.kind, j.reason, u.lot_id, u.funder_partner_id, "
       "u.consumer_partner_id, u.points, u.created_at FROM point_lot_uses u "
       "JOIN point_journals j ON j.id = u.journal_id",
       "SELECT COUNT(*) FROM point_lot_uses u", where, "u.id"},
      std::move(params), page, [](const db::Row& row) {
        return TraceRow{row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Int(4),
                        row.Int(5), row.Int(6), row.Int(7),  row.Int(8)};
      });
}

Result<SettlementStatement> SettlementService::Close(const org::Actor& actor, int64_t brand_id,
                                                     std::string_view period_text) {
  MILEAGE_ASSIGN_OR_RETURN(Period period, ParsePeriod(period_text));
  org::AuditRecord base;
  base.action = "settlement.close";
  base.object_type = "settlement_period";
  std::optional<int64_t> staff_id;
  if (actor.staff.has_value()) staff_id = actor.staff->staff_id;
  const Status closed =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) {
        MILEAGE_ASSIGN_OR_RETURN(
            Parties parties,
            LoadParties(conn, authorizer_, actor, org::Action::kSettlementClose, brand_id));
        record.brand_id = brand_id;
        MILEAGE_ASSIGN_OR_RETURN(std::optional<StoredPeriod> stored,
                                 FindPeriod(conn, brand_id, period.text));
        if (stored.has_value()) {
          return AlreadyExistsError("period " + period.text + " is closed already",
                                    "PERIOD_CLOSED");
        }
        if (record.created_at < period.ends_at) {
          return FailedPreconditionError("period " + period.text +
                                             " has not ended (Beijing time): it closes after its "
                                             "last day",
                                         "PERIOD_NOT_ENDED");
        }
        MILEAGE_ASSIGN_OR_RETURN(int64_t period_id, CloseIn(conn, brand_id, parties, period,
                                                            staff_id, record.created_at));
        record.object_id = period_id;
        record.detail = period.text;
        return Status::Ok();
      });
  // AlreadyExists: closed before, or by a concurrent close: answer what is stored.
  if (!closed.ok() && closed.code() != StatusCode::kAlreadyExists) return closed;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(Parties parties, LoadParties(*conn, authorizer_, actor,
                                                        org::Action::kSettlementClose, brand_id));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<StoredPeriod> stored,
                           FindPeriod(*conn, brand_id, period.text));
  if (!stored.has_value()) return closed.ok() ? InternalError("closed period missing") : closed;
  MILEAGE_ASSIGN_OR_RETURN(SettlementStatement out,
                           LoadClosed(*conn, brand_id, parties, period.text, *stored));
  out.already_closed = !closed.ok();
  return out;
}

}  // namespace mileage::points
