#include "payments/report_store.h"

#include <string>
#include <utility>

#include "common/civil_time.h"
#include "coupons/visibility_sql.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::payments {
namespace {

const org::PathColumns kPaymentPath{"brand_id", "region_id", "dealer_id", "store_id"};
const org::PathColumns kRedemptionPath{"brand_id", "region_id", "dealer_id", "store_id"};
const org::PathColumns kStockPath{"brand_id", "region_id", "dealer_id", "store_id"};
const org::PathColumns kStorePath{"brand_id", "region_id", "dealer_id", "id"};

}  // namespace

// Grouping in SQL keeps the answer at one row per day (at most 90) whatever the number of
// rows; the day is integer arithmetic on the indexed time, which the range already bounds.
template <typename Add>
Status ReportStore::PerDay(const std::string& time_column, const std::string& aggregates,
                           const std::string& from_where, std::vector<db::Value> params,
                           int64_t from, int64_t to, Add&& add) {
  const std::string day = db::IntegerDivide(
      conn_.dialect(), time_column + " + " + std::to_string(civil::kBeijingOffsetSeconds),
      std::to_string(civil::kSecondsPerDay));
  const std::string sql = "SELECT " + day + " AS d, " + aggregates + " FROM " + from_where +
                          " AND " + time_column + " >= ? AND " + time_column + " < ? GROUP BY " +
                          day;
  params.emplace_back(from);
  params.emplace_back(to);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) add(row.Int(0), row);
  return Status::Ok();
}

Result<std::map<int64_t, DayTotals>> ReportStore::Days(const org::NodePath& scope, int64_t from,
                                                       int64_t to) {
  std::map<int64_t, DayTotals> days;
  MILEAGE_RETURN_IF_ERROR(AddPayments(scope, from, to, days));
  MILEAGE_RETURN_IF_ERROR(AddNewMembers(scope, from, to, days));
  MILEAGE_RETURN_IF_ERROR(AddCouponsIssued(scope, from, to, days));
  MILEAGE_RETURN_IF_ERROR(AddRedemptions(scope, from, to, days));
  return days;
}

// By the store the payment was made at.
Status ReportStore::AddPayments(const org::NodePath& scope, int64_t from, int64_t to,
                                std::map<int64_t, DayTotals>& days) {
  std::string where = "payment_transactions WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!org::AppendSubtreeFilter(kPaymentPath, scope, where, params)) return Status::Ok();
  return PerDay("paid_at",
                "COUNT(*), COALESCE(SUM(amount_fen), 0), COALESCE(SUM(refunded_fen), 0), "
                "COALESCE(SUM(points_earned), 0)",
                where, std::move(params), from, to, [&days](int64_t day, const db::Row& row) {
                  DayTotals& t = days[day];
                  t.payments = row.Int(1);
                  t.amount_fen = row.Int(2);
                  t.refunded_fen = row.Int(3);
                  t.points_issued = row.Int(4);
                });
}

// By the store the member enrolled at; below the brand, the stores of the subtree come from
// the stores table first (a handful of ids), then one index range per store.
Status ReportStore::AddNewMembers(const org::NodePath& scope, int64_t from, int64_t to,
                                  std::map<int64_t, DayTotals>& days) {
  std::string where = "members WHERE ";
  std::vector<db::Value> params;
  if (scope.type == org::NodeType::kBrand) {
    where += "brand_id = ?";
    params.emplace_back(scope.brand_id);
  } else {
    where += "enrolled_store_id IN (SELECT id FROM stores WHERE 1 = 1";
    if (!org::AppendSubtreeFilter(kStorePath, scope, where, params)) return Status::Ok();
    where += ")";
  }
  return PerDay("created_at", "COUNT(*)", where, std::move(params), from, to,
                [&days](int64_t day, const db::Row& row) { days[day].new_members = row.Int(1); });
}

// By the node the campaign was created at: a coupon belongs to no store until it is redeemed.
Status ReportStore::AddCouponsIssued(const org::NodePath& scope, int64_t from, int64_t to,
                                     std::map<int64_t, DayTotals>& days) {
  std::string where = "coupons WHERE ";
  std::vector<db::Value> params;
  if (scope.type == org::NodeType::kBrand) {
    where += "brand_id = ?";
    params.emplace_back(scope.brand_id);
  } else {
    where += "stock_id IN (SELECT id FROM coupon_stocks WHERE 1 = 1";
    if (!org::AppendSubtreeFilter(kStockPath, scope, where, params)) return Status::Ok();
    where += ")";
  }
  return PerDay(
      "issued_at", "COUNT(*)", where, std::move(params), from, to,
      [&days](int64_t day, const db::Row& row) { days[day].coupons_issued = row.Int(1); });
}

// By the store that redeemed; a reversed redemption does not count.
Status ReportStore::AddRedemptions(const org::NodePath& scope, int64_t from, int64_t to,
                                   std::map<int64_t, DayTotals>& days) {
  std::string where = "coupon_redemptions WHERE reversed_at IS NULL";
  std::vector<db::Value> params;
  if (!org::AppendSubtreeFilter(kRedemptionPath, scope, where, params)) return Status::Ok();
  return PerDay(
      "created_at", "COUNT(*)", where, std::move(params), from, to,
      [&days](int64_t day, const db::Row& row) { days[day].coupons_redeemed = row.Int(1); });
}

// Three range scans of the stock's indexes (0019): coupons by issued_at, redemptions by
// created_at, and by reversed_at (a reversal counts on its own day, so past days never change).
Result<std::map<int64_t, StockDayTotals>> ReportStore::StockDays(int64_t stock_id, int64_t from,
                                                                 int64_t to) {
  std::map<int64_t, StockDayTotals> days;
  MILEAGE_RETURN_IF_ERROR(PerDay("issued_at",
                                 "SUM(CASE WHEN channel = 'claim' THEN 1 ELSE 0 END), "
                                 "SUM(CASE WHEN channel = 'payment' THEN 1 ELSE 0 END), "
                                 "SUM(CASE WHEN channel = 'grant' THEN 1 ELSE 0 END)",
                                 "coupons WHERE stock_id = ?", {stock_id}, from, to,
                                 [&days](int64_t day, const db::Row& row) {
                                   StockDayTotals& t = days[day];
                                   t.issued_claim = row.Int(1);
                                   t.issued_payment = row.Int(2);
                                   t.issued_grant = row.Int(3);
                                 }));
  MILEAGE_RETURN_IF_ERROR(PerDay("created_at", "COUNT(*), COALESCE(SUM(discount_fen), 0)",
                                 "coupon_redemptions WHERE stock_id = ?", {stock_id}, from, to,
                                 [&days](int64_t day, const db::Row& row) {
                                   StockDayTotals& t = days[day];
                                   t.redeemed = row.Int(1);
                                   t.discount_fen += row.Int(2);
                                 }));
  MILEAGE_RETURN_IF_ERROR(PerDay("reversed_at", "COUNT(*), COALESCE(SUM(discount_fen), 0)",
                                 "coupon_redemptions WHERE stock_id = ?", {stock_id}, from, to,
                                 [&days](int64_t day, const db::Row& row) {
                                   StockDayTotals& t = days[day];
                                   t.reversed = row.Int(1);
                                   t.discount_fen -= row.Int(2);
                                 }));
  return days;
}

Result<int64_t> ReportStore::PointsSpent(int64_t brand_id, int64_t from, int64_t to) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      // A cancelled burn ('unspend') gives its points back.
      conn_.Query("SELECT COALESCE(SUM(CASE WHEN kind = 'spend' THEN points ELSE -points END), 0) "
                  "FROM point_journals WHERE brand_id = ? AND kind IN ('spend', 'unspend') AND "
                  "created_at >= ? AND created_at < ?",
                  {brand_id, from, to}));
  return rows.empty() ? 0 : rows.front().Int(0);
}

Result<int64_t> ReportStore::PointsOutstanding(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT COALESCE(SUM(balance), 0) FROM point_accounts "
                                       "WHERE brand_id = ? AND kind = 'member'",
                                       {brand_id}));
  return rows.empty() ? 0 : rows.front().Int(0);
}

Result<std::vector<FunnelItem>> ReportStore::Funnel(const org::NodePath& viewer, int64_t from,
                                                    int64_t to, int64_t limit) {
  std::vector<db::Value> params{from, to};
  std::string sql =
      "SELECT s.id, s.name, COUNT(*) AS issued, "
      "COALESCE(SUM(CASE WHEN c.state = 'redeemed' THEN 1 ELSE 0 END), 0) "
      "FROM coupon_stocks s JOIN coupons c ON c.stock_id = s.id AND c.issued_at >= ? AND "
      "c.issued_at < ? WHERE 1 = 1";
  coupons::AppendVisibleStocks(viewer, sql, params);
  sql += " GROUP BY s.id, s.name ORDER BY issued DESC, s.id LIMIT ?";
  params.emplace_back(limit);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::vector<FunnelItem> items;
  items.reserve(rows.size());
  for (const db::Row& row : rows) {
    items.push_back({row.Int(0), row.Text(1), row.Int(2), row.Int(3)});
  }
  return items;
}

}  // namespace mileage::payments
