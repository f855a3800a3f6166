#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::payments {

// The numbers of one Beijing day in one scope (docs/API.md "Reports" says what each counts).
struct DayTotals {
  int64_t payments = 0;
  int64_t amount_fen = 0;
  int64_t refunded_fen = 0;
  int64_t points_issued = 0;
  int64_t new_members = 0;
  int64_t coupons_issued = 0;
  int64_t coupons_redeemed = 0;
};

// One campaign's coupons issued in a window and how many of those are redeemed now.
struct FunnelItem {
  int64_t stock_id = 0;
  std::string name;
  int64_t issued = 0;
  int64_t redeemed = 0;
};

// One Beijing day of one campaign (docs/API.md "Reports" says what each counts): coupons issued
// by channel, redemptions made, redemptions reversed (on the day of the reversal), and the
// discount given less the discount taken back by that day's reversals.
struct StockDayTotals {
  int64_t issued_claim = 0;
  int64_t issued_payment = 0;
  int64_t issued_grant = 0;
  int64_t redeemed = 0;
  int64_t reversed = 0;
  int64_t discount_fen = 0;

  int64_t issued() const { return issued_claim + issued_payment + issued_grant; }
};

// The SQL of the console reports, on one connection: aggregates over payments, members,
// coupons, redemptions and the points ledger, each a range scan of an index by (scope column,
// time) (migrations 0016, 0017, 0019). A reporting read model: it reads those modules' tables
// directly, so that one query per number aggregates in the database. Times are Unix seconds,
// windows [from, to); days are Beijing days numbered as civil::DaysFromCivil. Not safe for
// concurrent use (one connection). Errors: the db::Connection errors.
class ReportStore {
 public:
  explicit ReportStore(db::Connection& conn) : conn_(conn) {}

  // The totals of each Beijing day of [from, to) that has any, for the subtree of `scope`, by
  // day number.
  Result<std::map<int64_t, DayTotals>> Days(const org::NodePath& scope, int64_t from, int64_t to);
  // Points spent by the brand's members in [from, to) (spend journals).
  Result<int64_t> PointsSpent(int64_t brand_id, int64_t from, int64_t to);
  // Points the brand's members hold now (the sum of their balances).
  Result<int64_t> PointsOutstanding(int64_t brand_id);
  // The campaigns staff at `viewer` see (coupons/visibility_sql.h) that issued coupons in
  // [from, to): those coupons and how many of them are redeemed now; most issued first, at most
  // `limit`.
  Result<std::vector<FunnelItem>> Funnel(const org::NodePath& viewer, int64_t from, int64_t to,
                                         int64_t limit);
  // The totals of each Beijing day of [from, to) on which stock `stock_id` issued a coupon or
  // had a redemption made or reversed, by day number; brand-wide (any store).
  Result<std::map<int64_t, StockDayTotals>> StockDays(int64_t stock_id, int64_t from, int64_t to);

 private:
  Status AddPayments(const org::NodePath& scope, int64_t from, int64_t to,
                     std::map<int64_t, DayTotals>& days);
  Status AddNewMembers(const org::NodePath& scope, int64_t from, int64_t to,
                       std::map<int64_t, DayTotals>& days);
  Status AddCouponsIssued(const org::NodePath& scope, int64_t from, int64_t to,
                          std::map<int64_t, DayTotals>& days);
  Status AddRedemptions(const org::NodePath& scope, int64_t from, int64_t to,
                        std::map<int64_t, DayTotals>& days);
  // Runs "SELECT <day of time_column>, <aggregates> FROM <from_where> AND time_column in
  // [from, to) GROUP BY 1" and hands each row to `add` with its day.
  template <typename Add>
  Status PerDay(const std::string& time_column, const std::string& aggregates,
                const std::string& from_where, std::vector<db::Value> params, int64_t from,
                int64_t to, Add&& add);

  db::Connection& conn_;
};

}  // namespace mileage::payments
