#include "growth/referral_store.h"

#include <utility>

#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::growth {
namespace {

constexpr std::string_view kRuleColumns =
    "brand_id, enabled, window_days, min_amount_fen, referrer_points, referee_points, "
    "referrer_stock_id, referee_stock_id, monthly_cap, created_at, updated_at";

constexpr std::string_view kColumns =
    "id, brand_id, referrer_member_id, referee_member_id, state, reason, attached_at, expires_at, "
    "payment_id, payment_fen, min_amount_fen, qualified_at, reward_month, referrer_points, "
    "referee_points, referrer_coupon_id, referee_coupon_id, clawed_back_at, updated_at";

db::Value OptionalValue(const std::optional<int64_t>& v) {
  return v.has_value() ? db::Value(*v) : db::Value(nullptr);
}

ReferralRule RuleFrom(const db::Row& row) {
  ReferralRule r;
  r.brand_id = row.Int(0);
  r.enabled = row.Int(1) != 0;
  r.window_days = row.Int(2);
  r.min_amount_fen = row.Int(3);
  r.referrer_points = row.Int(4);
  r.referee_points = row.Int(5);
  r.referrer_stock_id = row.OptionalInt(6);
  r.referee_stock_id = row.OptionalInt(7);
  r.monthly_cap = row.Int(8);
  r.created_at = row.Int(9);
  r.updated_at = row.Int(10);
  return r;
}

Referral From(const db::Row& row) {
  Referral r;
  r.id = row.Int(0);
  r.brand_id = row.Int(1);
  r.referrer_member_id = row.Int(2);
  r.referee_member_id = row.Int(3);
  r.state = ParseReferralState(row.Text(4)).value_or(ReferralState::kPending);
  r.reason = row.Text(5);
  r.attached_at = row.Int(6);
  r.expires_at = row.Int(7);
  r.payment_id = row.OptionalInt(8);
  r.payment_fen = row.Int(9);
  r.min_amount_fen = row.Int(10);
  r.qualified_at = row.OptionalInt(11);
  r.reward_month = row.OptionalInt(12);
  r.referrer_points = row.Int(13);
  r.referee_points = row.Int(14);
  r.referrer_coupon_id = row.OptionalInt(15);
  r.referee_coupon_id = row.OptionalInt(16);
  r.clawed_back_at = row.OptionalInt(17);
  r.updated_at = row.Int(18);
  return r;
}

std::string Select(std::string_view where) {
  return "SELECT " + std::string(kColumns) + " FROM referrals WHERE " + std::string(where);
}

// The condition of an effective state (a pending referral past expires_at reads as expired).
void AppendStateFilter(ReferralState state, int64_t now, std::string& where,
                       std::vector<db::Value>& params) {
  switch (state) {
    case ReferralState::kPending:
      where += " AND state = 'pending' AND expires_at > ?";
      params.emplace_back(now);
      return;
    case ReferralState::kExpired:
      where += " AND (state = 'expired' OR (state = 'pending' AND expires_at <= ?))";
      params.emplace_back(now);
      return;
    default:
      where += " AND state = ?";
      params.emplace_back(std::string(ReferralStateName(state)));
      return;
  }
}

}  // namespace

Result<std::optional<ReferralRule>> ReferralStore::FindRule(int64_t brand_id, bool lock) {
  std::string sql =
      "SELECT " + std::string(kRuleColumns) + " FROM referral_rules WHERE brand_id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(brand_id)}));
  if (rows.empty()) return std::optional<ReferralRule>();
  return std::optional<ReferralRule>(RuleFrom(rows.front()));
}

Status ReferralStore::PutRule(const ReferralRule& r) {
  const db::Dialect d = conn_.dialect();
  return conn_
      .Exec("INSERT INTO referral_rules (" + std::string(kRuleColumns) +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" +
                db::UpsertClause(d, {"brand_id"},
                                 {"enabled", "window_days", "min_amount_fen", "referrer_points",
                                  "referee_points", "referrer_stock_id", "referee_stock_id",
                                  "monthly_cap", "updated_at"}),
            {db::Value(r.brand_id), db::Value(int64_t{r.enabled ? 1 : 0}), db::Value(r.window_days),
             db::Value(r.min_amount_fen), db::Value(r.referrer_points), db::Value(r.referee_points),
             OptionalValue(r.referrer_stock_id), OptionalValue(r.referee_stock_id),
             db::Value(r.monthly_cap), db::Value(r.created_at), db::Value(r.updated_at)})
      .status();
}

Result<std::optional<std::string>> ReferralStore::CodeOf(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT code FROM referral_codes WHERE member_id = ?", {db::Value(member_id)}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.front().Text(0));
}

Status ReferralStore::InsertCode(int64_t member_id, int64_t brand_id, std::string_view code,
                                 int64_t now) {
  return conn_
      .Exec(
          "INSERT INTO referral_codes (member_id, brand_id, code, created_at) VALUES (?, ?, ?, ?)",
          {db::Value(member_id), db::Value(brand_id), db::Value(std::string(code)), db::Value(now)})
      .status();
}

Result<std::optional<std::pair<int64_t, int64_t>>> ReferralStore::OwnerOfCode(
    std::string_view code) {
  using Owner = std::optional<std::pair<int64_t, int64_t>>;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT member_id, brand_id FROM referral_codes WHERE code = ?",
                  {db::Value(std::string(code))}));
  if (rows.empty()) return Owner();
  return Owner(std::make_pair(rows.front().Int(0), rows.front().Int(1)));
}

Result<std::optional<Referral>> ReferralStore::OfReferee(int64_t referee_member_id, bool lock) {
  std::string sql = Select("referee_member_id = ?");
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(sql, {db::Value(referee_member_id)}));
  if (rows.empty()) return std::optional<Referral>();
  return std::optional<Referral>(From(rows.front()));
}

Result<std::optional<Referral>> ReferralStore::OfPayment(int64_t payment_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(Select("payment_id = ?") + std::string(db::ForUpdate(conn_.dialect())),
                  {db::Value(payment_id)}));
  if (rows.empty()) return std::optional<Referral>();
  return std::optional<Referral>(From(rows.front()));
}

Result<std::optional<int64_t>> ReferralStore::ReferrerOf(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT referrer_member_id FROM referrals WHERE referee_member_id = ?" +
                      std::string(db::ForUpdate(conn_.dialect())),
                  {db::Value(member_id)}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows.front().Int(0));
}

Result<int64_t> ReferralStore::Insert(const Referral& r) {
  return conn_.Insert(
      "INSERT INTO referrals (brand_id, referrer_member_id, referee_member_id, state, reason, "
      "attached_at, expires_at, updated_at) VALUES (?, ?, ?, 'pending', '', ?, ?, ?)",
      {db::Value(r.brand_id), db::Value(r.referrer_member_id), db::Value(r.referee_member_id),
       db::Value(r.attached_at), db::Value(r.expires_at), db::Value(r.updated_at)});
}

Result<bool> ReferralStore::Settle(const Referral& r) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult done,
      conn_.Exec("UPDATE referrals SET state = ?, reason = ?, payment_id = ?, payment_fen = ?, "
                 "min_amount_fen = ?, qualified_at = ?, reward_month = ?, referrer_points = ?, "
                 "referee_points = ?, referrer_coupon_id = ?, referee_coupon_id = ?, "
                 "updated_at = ? WHERE id = ? AND state = 'pending'",
                 {db::Value(std::string(ReferralStateName(r.state))), db::Value(r.reason),
                  OptionalValue(r.payment_id), db::Value(r.payment_fen),
                  db::Value(r.min_amount_fen), OptionalValue(r.qualified_at),
                  OptionalValue(r.reward_month), db::Value(r.referrer_points),
                  db::Value(r.referee_points), OptionalValue(r.referrer_coupon_id),
                  OptionalValue(r.referee_coupon_id), db::Value(r.updated_at), db::Value(r.id)}));
  return done.affected_rows > 0;
}

Result<bool> ReferralStore::ClawBack(int64_t id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult done,
      conn_.Exec("UPDATE referrals SET state = 'clawed_back', clawed_back_at = ?, updated_at = ? "
                 "WHERE id = ? AND state IN ('rewarded', 'capped')",
                 {db::Value(now), db::Value(now), db::Value(id)}));
  return done.affected_rows > 0;
}

Result<bool> ReferralStore::TakeMonthSlot(int64_t referrer_member_id, int64_t month, int64_t cap) {
  const db::Dialect d = conn_.dialect();
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec(std::string(db::InsertIgnoreInto(d)) +
                    " referral_month_counts (referrer_member_id, month, rewarded) VALUES (?, ?, 0)",
                {db::Value(referrer_member_id), db::Value(month)})
          .status());
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult counted,
      conn_.Exec("UPDATE referral_month_counts SET rewarded = rewarded + 1 "
                 "WHERE referrer_member_id = ? AND month = ? AND rewarded < ?",
                 {db::Value(referrer_member_id), db::Value(month), db::Value(cap)}));
  return counted.affected_rows > 0;
}

Result<int64_t> ReferralStore::MonthCount(int64_t referrer_member_id, int64_t month) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT rewarded FROM referral_month_counts WHERE referrer_member_id = ? AND "
                  "month = ?",
                  {db::Value(referrer_member_id), db::Value(month)}));
  return db::FirstInt(rows);
}

Result<PageOf<Referral>> ReferralStore::OfReferrer(int64_t referrer_member_id,
                                                   const PageRequest& page) {
  const std::string select = "SELECT " + std::string(kColumns) + " FROM referrals";
  return db::QueryPage<Referral>(
      conn_, {select, "SELECT COUNT(*) FROM referrals", " WHERE referrer_member_id = ?", "id DESC"},
      {db::Value(referrer_member_id)}, page, From);
}

Result<ReferrerTotals> ReferralStore::TotalsOf(int64_t referrer_member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT CASE WHEN state = 'pending' AND expires_at <= ? THEN 'expired' "
                  "ELSE state END AS s, COUNT(*), "
                  "SUM(CASE WHEN state = 'rewarded' THEN referrer_points ELSE 0 END), "
                  "SUM(CASE WHEN state = 'rewarded' AND referrer_coupon_id IS NOT NULL "
                  "THEN 1 ELSE 0 END) "
                  "FROM referrals WHERE referrer_member_id = ? GROUP BY s",
                  {db::Value(now), db::Value(referrer_member_id)}));
  ReferrerTotals totals;
  for (const db::Row& row : rows) {
    std::optional<ReferralState> state = ParseReferralState(row.Text(0));
    if (!state.has_value()) continue;
    totals.by_state[*state] += row.Int(1);
    totals.points += row.Int(2);
    totals.coupons += row.Int(3);
  }
  return totals;
}

Result<PageOf<Referral>> ReferralStore::OfBrand(int64_t brand_id, const ReferralFilter& filter,
                                                const PageRequest& page, int64_t now) {
  std::string where = " WHERE brand_id = ?";
  std::vector<db::Value> params{db::Value(brand_id)};
  if (filter.state.has_value()) AppendStateFilter(*filter.state, now, where, params);
  if (filter.referrer_member_id.has_value()) {
    where += " AND referrer_member_id = ?";
    params.emplace_back(*filter.referrer_member_id);
  }
  if (filter.referee_member_id.has_value()) {
    where += " AND referee_member_id = ?";
    params.emplace_back(*filter.referee_member_id);
  }
  const std::string select = "SELECT " + std::string(kColumns) + " FROM referrals";
  return db::QueryPage<Referral>(conn_,
                                 {select, "SELECT COUNT(*) FROM referrals", where, "id DESC"},
                                 std::move(params), page, From);
}

}  // namespace mileage::growth
