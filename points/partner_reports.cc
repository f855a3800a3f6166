#include "points/partner_reports.h"

#include <string>
#include <utility>

#include "db/in_list.h"
#include "db/sql_dialect.h"
#include "points/partner_points.h"

namespace mileage::points {
namespace {

// The Beijing day number (civil::DaysFromCivil) of a Unix time column, in SQL.
std::string DayOf(db::Dialect dialect, const std::string& column) {
  return db::IntegerDivide(dialect, column + " + " + std::to_string(civil::kBeijingOffsetSeconds),
                           std::to_string(civil::kSecondsPerDay));
}

// The figures of each day with activity, by day number, read with one grouped query per table;
// each scans its table's (partner_id, created_at) index (0025) over [from, to).
class DayReader {
 public:
  DayReader(db::Connection& conn, int64_t partner_id, int64_t from, int64_t to)
      : conn_(conn), partner_id_(partner_id), from_(from), to_(to) {}

  Status Read(std::map<int64_t, PartnerReportDay>& days) {
    MILEAGE_RETURN_IF_ERROR(Members(days));
    MILEAGE_RETURN_IF_ERROR(
        Grouped("COUNT(*), COALESCE(SUM(amount_fen), 0), COALESCE(SUM(points), 0)",
                "partner_earnings", "", days, [](PartnerDayTotals& t, const db::Row& row) {
                  t.earnings = row.Int(1);
                  t.amount_fen = row.Int(2);
                  t.points_earned = row.Int(3);
                }));
    MILEAGE_RETURN_IF_ERROR(
        Grouped("COALESCE(SUM(points), 0)", "partner_reversals", "", days,
                [](PartnerDayTotals& t, const db::Row& row) { t.points_reversed = row.Int(1); }));
    return Grouped("COUNT(*), COALESCE(SUM(points), 0), COALESCE(SUM(discount_fen), 0)",
                   "partner_redemptions", " AND cancelled_at = 0", days,
                   [](PartnerDayTotals& t, const db::Row& row) {
                     t.burns = row.Int(1);
                     t.points_burned = row.Int(2);
                     t.discount_fen = row.Int(3);
                   });
  }

 private:
  // " FROM <tables> WHERE <p>partner_id = ? AND <p>created_at in [from, to)" with its
  // parameters; `p` qualifies the columns ("r.") when `tables` joins.
  std::string Range(const std::string& tables, const std::string& p,
                    std::vector<db::Value>& params) const {
    params.insert(params.end(), {db::Value(partner_id_), db::Value(from_), db::Value(to_)});
    return " FROM " + tables + " WHERE " + p + "partner_id = ? AND " + p + "created_at >= ? AND " +
           p + "created_at < ?";
  }

  // The distinct members of each day over the three kinds of activity (a member of a reversal
  // is the member of the earning it reverses).
  Status Members(std::map<int64_t, PartnerReportDay>& days) {
    const db::Dialect dialect = conn_.dialect();
    std::vector<db::Value> params;
    std::string sql = "SELECT d, COUNT(DISTINCT m) FROM (SELECT " + DayOf(dialect, "created_at") +
                      " AS d, member_id AS m" + Range("partner_earnings", "", params);
    sql +=
        " UNION ALL SELECT " + DayOf(dialect, "r.created_at") + ", e.member_id" +
        Range("partner_reversals r JOIN partner_earnings e ON e.id = r.earning_id", "r.", params);
    sql += " UNION ALL SELECT " + DayOf(dialect, "created_at") + ", member_id" +
           Range("partner_redemptions", "", params) + " AND cancelled_at = 0) u GROUP BY d";
    MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
    for (const db::Row& row : rows) days[row.Int(0)].members = row.Int(1);
    return Status::Ok();
  }

  template <typename Add>
  Status Grouped(const std::string& aggregates, const std::string& table,
                 const std::string& extra_where, std::map<int64_t, PartnerReportDay>& days,
                 Add&& add) {
    std::vector<db::Value> params;
    const std::string day = DayOf(conn_.dialect(), "created_at");
    const std::string sql = "SELECT " + day + " AS d, " + aggregates + Range(table, "", params) +
                            extra_where + " GROUP BY " + day;
    MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
    for (const db::Row& row : rows) add(days[row.Int(0)].totals, row);
    return Status::Ok();
  }

  db::Connection& conn_;
  const int64_t partner_id_;
  const int64_t from_;
  const int64_t to_;
};

void Add(PartnerDayTotals& sum, const PartnerDayTotals& day) {
  sum.earnings += day.earnings;
  sum.amount_fen += day.amount_fen;
  sum.points_earned += day.points_earned;
  sum.points_reversed += day.points_reversed;
  sum.burns += day.burns;
  sum.points_burned += day.points_burned;
  sum.discount_fen += day.discount_fen;
}

}  // namespace

Result<PartnerReport> PartnerReports::Daily(int64_t partner_id, const civil::DayRange& range) {
  MILEAGE_ASSIGN_OR_RETURN(
      civil::DaySpan span,
      civil::ResolveDayRange(range, civil::BeijingDate(UnixSeconds(clock_.Now())), kMaxDays));
  const int64_t first = civil::DaysFromCivil(span.first);
  const int64_t last = civil::DaysFromCivil(span.last);
  std::map<int64_t, PartnerReportDay> found;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    DayReader reader(*conn, partner_id, civil::BeijingStartOfDay(span.first),
                     civil::BeijingStartOfDay(civil::CivilFromDays(last + 1)));
    MILEAGE_RETURN_IF_ERROR(reader.Read(found));
  }
  PartnerReport report{span.first, span.last, {}, {}, 0};
  report.days.reserve(static_cast<size_t>(last - first + 1));
  for (int64_t day = first; day <= last; ++day) {
    PartnerReportDay entry;
    if (auto it = found.find(day); it != found.end()) entry = it->second;
    entry.date = civil::CivilFromDays(day);
    // A day nobody was served shows zeros: it says nothing about anyone.
    if (entry.members > 0 && entry.members < kMinGroupMembers) {
      entry = PartnerReportDay{entry.date, true, 0, {}};
      ++report.suppressed_days;
    }
    Add(report.totals, entry.totals);
    report.days.push_back(entry);
  }
  return report;
}

Result<std::map<int64_t, int64_t>> PartnerReports::PointsEarnedAt(
    int64_t member_id, std::span<const int64_t> partner_ids) {
  std::map<int64_t, int64_t> earned;
  for (int64_t id : partner_ids) earned[id] = 0;
  if (partner_ids.empty()) return earned;
  // point_journals_partner (partner_id, member_id, created_at): one short range per partner.
  std::vector<db::Value> params{db::Value(std::string(kPartnerEarnReason)), db::Value(member_id),
                                db::Value(std::string(kPartnerEarnReason)),
                                db::Value(std::string(kPartnerReversalReason))};
  std::string sql =
      "SELECT partner_id, COALESCE(SUM(CASE WHEN reason = ? THEN points ELSE -points END), 0) "
      "FROM point_journals WHERE member_id = ? AND reason IN (?, ?) AND partner_id IN ";
  db::AppendInList(sql, params, partner_ids);
  sql += " GROUP BY partner_id";
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn->Query(sql, params));
  for (const db::Row& row : rows) earned[row.Int(0)] = row.Int(1);
  return earned;
}

}  // namespace mileage::points
