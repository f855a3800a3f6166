#include "coupons/coupon_store.h"

#include "coupons/visibility_sql.h"
#include "db/in_list.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::coupons {
namespace {

// Selected FROM coupons c.
constexpr const char* kCouponColumns =
    "c.id, c.code, c.brand_id, c.stock_id, c.member_id, c.member_slot, c.channel, c.source_ref, "
    "c.state, c.issued_at, c.valid_from, c.expires_at, c.redeemed_at, c.redemption_id, "
    "c.voided_at, c.void_reason, c.reward_refunded_after_redemption, c.updated_at, c.reserved_for";

constexpr const char* kRedemptionColumns =
    "id, brand_id, coupon_id, stock_id, member_id, region_id, dealer_id, store_id, staff_id, "
    "request_id, order_amount_fen, discount_fen, created_at, reversed_at, reversed_by, "
    "reverse_reason";

Coupon CouponFromRow(const db::Row& row) {
  Coupon c;
  c.id = row.Int(0);
  c.code = row.Text(1);
  c.brand_id = row.Int(2);
  c.stock_id = row.Int(3);
  c.member_id = row.Int(4);
  c.member_slot = row.Int(5);
  c.channel = ParseChannel(row.Text(6)).value_or(Channel::kClaim);
  c.source_ref = row.OptionalText(7);
  c.state = ParseCouponState(row.Text(8)).value_or(CouponState::kVoided);
  c.issued_at = row.Int(9);
  c.valid_from = row.Int(10);
  c.expires_at = row.Int(11);
  c.redeemed_at = row.OptionalInt(12);
  c.redemption_id = row.OptionalInt(13);
  c.voided_at = row.OptionalInt(14);
  c.void_reason = row.OptionalText(15).value_or("");
  c.reward_refunded_after_redemption = row.Int(16) != 0;
  c.updated_at = row.Int(17);
  c.reserved_for = row.OptionalText(18).value_or("");
  return c;
}

Redemption RedemptionFromRow(const db::Row& row) {
  Redemption r;
  r.id = row.Int(0);
  r.brand_id = row.Int(1);
  r.coupon_id = row.Int(2);
  r.stock_id = row.Int(3);
  r.member_id = row.Int(4);
  r.store = {org::NodeType::kStore, r.brand_id, row.Int(5), row.Int(6), row.Int(7)};
  r.staff_id = row.OptionalInt(8);
  r.request_id = row.Text(9);
  r.order_amount_fen = row.Int(10);
  r.discount_fen = row.Int(11);
  r.created_at = row.Int(12);
  r.reversed_at = row.OptionalInt(13);
  r.reversed_by = row.OptionalInt(14);
  r.reverse_reason = row.OptionalText(15).value_or("");
  return r;
}

template <typename T, typename FromRow>
Result<std::optional<T>> FirstOf(Result<std::vector<db::Row>> rows, FromRow from_row) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(from_row(rows->front()));
}

db::Value OptionalValue(const std::optional<int64_t>& v) {
  return v.has_value() ? db::Value(*v) : db::Value(nullptr);
}

}  // namespace

Result<int64_t> CouponStore::Insert(const Coupon& c) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert(
          "INSERT INTO coupons (code, brand_id, stock_id, member_id, member_slot, channel, "
          "source_ref, state, issued_at, valid_from, expires_at, updated_at) VALUES (?, ?, "
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {db::Value(c.code), db::Value(c.brand_id), db::Value(c.stock_id), db::Value(c.member_id),
           db::Value(c.member_slot), db::Value(std::string(ChannelName(c.channel))),
           c.source_ref.has_value() ? db::Value(*c.source_ref) : db::Value(nullptr),
           db::Value(std::string(CouponStateName(c.state))), db::Value(c.issued_at),
           db::Value(c.valid_from), db::Value(c.expires_at), db::Value(c.updated_at)}));
  return inserted;
}

Result<std::optional<Coupon>> CouponStore::Find(int64_t id, bool lock) {
  std::string sql = std::string("SELECT ") + kCouponColumns + " FROM coupons c WHERE c.id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  return FirstOf<Coupon>(conn_.Query(sql, {db::Value(id)}), CouponFromRow);
}

Result<std::map<int64_t, int64_t>> CouponStore::StocksOf(const std::vector<int64_t>& coupon_ids) {
  return db::IntsById(conn_, "SELECT id, stock_id FROM coupons WHERE id IN", coupon_ids);
}

Result<std::optional<Coupon>> CouponStore::FindByCode(std::string_view code) {
  return FirstOf<Coupon>(
      conn_.Query(std::string("SELECT ") + kCouponColumns + " FROM coupons c WHERE c.code = ?",
                  {db::Value(std::string(code))}),
      CouponFromRow);
}

Result<std::optional<Coupon>> CouponStore::FindBySource(int64_t stock_id, int64_t member_id,
                                                        std::string_view source_ref) {
  return FirstOf<Coupon>(
      conn_.Query(
          std::string("SELECT ") + kCouponColumns +
              " FROM coupons c WHERE c.stock_id = ? AND c.member_id = ? AND c.source_ref = ?",
          {db::Value(stock_id), db::Value(member_id), db::Value(std::string(source_ref))}),
      CouponFromRow);
}

Result<std::vector<Coupon>> CouponStore::IssuedOfMember(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kCouponColumns +
                      " FROM coupons c WHERE c.member_id = ? AND c.state = 'issued' ORDER BY c.id",
                  {db::Value(member_id)}));
  std::vector<Coupon> out;
  for (const db::Row& row : rows) out.push_back(CouponFromRow(row));
  return out;
}

Result<std::vector<Coupon>> CouponStore::OfMemberBySource(int64_t member_id,
                                                          std::string_view source_ref) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kCouponColumns +
                      " FROM coupons c WHERE c.member_id = ? AND c.source_ref = ? ORDER BY c.id",
                  {db::Value(member_id), db::Value(std::string(source_ref))}));
  std::vector<Coupon> out;
  for (const db::Row& row : rows) out.push_back(CouponFromRow(row));
  return out;
}

Result<std::vector<Coupon>> CouponStore::OfMemberBySourcePrefixes(
    int64_t member_id, const std::vector<std::string>& prefixes) {
  std::vector<Coupon> out;
  if (prefixes.empty()) return out;
  std::string sql =
      std::string("SELECT ") + kCouponColumns + " FROM coupons c WHERE c.member_id = ? AND (";
  std::vector<db::Value> params{db::Value(member_id)};
  for (const std::string& prefix : prefixes) {
    sql += params.size() == 1 ? "c.source_ref LIKE ?" : " OR c.source_ref LIKE ?";
    params.emplace_back(prefix + "%");
  }
  sql += ") ORDER BY c.id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) out.push_back(CouponFromRow(row));
  return out;
}

namespace {

// The WHERE clause of a member's coupons, optionally in one state as of `now` (an issued coupon
// past its expires_at counts as expired, not issued): OfMember's and CountOfMember's. The unary
// plus keeps SQLite (no table statistics) from choosing coupons_expiry (state, expires_at),
// which walks every issued coupon of the deployment, over coupons_member (member_id, state, id);
// it changes nothing on MySQL.
void MemberStateFilter(int64_t member_id, const std::optional<CouponState>& state, int64_t now,
                       std::string& where, std::vector<db::Value>& params) {
  where = " WHERE c.member_id = ?";
  params = {db::Value(member_id)};
  if (state == CouponState::kIssued) {
    where += " AND c.state = 'issued' AND +c.expires_at >= ?";
    params.emplace_back(now);
  } else if (state == CouponState::kExpired) {
    where += " AND (c.state = 'expired' OR (c.state = 'issued' AND +c.expires_at < ?))";
    params.emplace_back(now);
  } else if (state.has_value()) {
    where += " AND c.state = ?";
    params.emplace_back(std::string(CouponStateName(*state)));
  }
}

}  // namespace

Result<int64_t> CouponStore::CountOfMember(int64_t member_id,
                                           const std::optional<CouponState>& state, int64_t now) {
  std::string where;
  std::vector<db::Value> params;
  MemberStateFilter(member_id, state, now, where, params);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT COUNT(*) FROM coupons c" + where, params));
  return rows.empty() ? int64_t{0} : rows.front().Int(0);
}

Result<int64_t> CouponStore::CountUsableOfMember(int64_t member_id, int64_t now) {
  std::string where;
  std::vector<db::Value> params;
  MemberStateFilter(member_id, CouponState::kIssued, now, where, params);
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COUNT(*) FROM coupons c" + where + " AND c.reserved_for IS NULL",
                  params));
  return rows.empty() ? int64_t{0} : rows.front().Int(0);
}

Result<PageOf<Coupon>> CouponStore::OfMember(int64_t member_id,
                                             const std::optional<CouponState>& state,
                                             const PageRequest& page, int64_t now,
                                             const std::optional<org::NodePath>& viewer) {
  std::string where;
  std::vector<db::Value> params;
  MemberStateFilter(member_id, state, now, where, params);
  std::string from = " FROM coupons c";
  if (viewer.has_value()) {
    from += " JOIN coupon_stocks s ON s.id = c.stock_id";
    AppendVisibleStocks(*viewer, where, params);
  }
  const std::string select = std::string("SELECT ") + kCouponColumns + from;
  const std::string count = "SELECT COUNT(*)" + from;
  return db::QueryPage<Coupon>(conn_, {select, count, where, "c.id DESC"}, std::move(params), page,
                               CouponFromRow);
}

Result<bool> CouponStore::MarkRedeemed(int64_t id, int64_t redemption_id, int64_t now,
                                       std::string_view reservation) {
  // A held coupon moves only for its holder, and is free again once redeemed (a reversal gives
  // back a plain issued coupon).
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET state = 'redeemed', redeemed_at = ?, redemption_id = ?, "
                 "reserved_for = NULL, updated_at = ? WHERE id = ? AND state = 'issued' AND "
                 "valid_from <= ? AND expires_at >= ? AND COALESCE(reserved_for, '') = ?",
                 {db::Value(now), db::Value(redemption_id), db::Value(now), db::Value(id),
                  db::Value(now), db::Value(now), db::Value(std::string(reservation))}));
  return updated.affected_rows == 1;
}

Result<bool> CouponStore::Reserve(int64_t id, int64_t member_id, std::string_view holder,
                                  int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec(
          "UPDATE coupons SET reserved_for = ?, updated_at = ? WHERE id = ? AND "
          "member_id = ? AND state = 'issued' AND reserved_for IS NULL",
          {db::Value(std::string(holder)), db::Value(now), db::Value(id), db::Value(member_id)}));
  return updated.affected_rows == 1;
}

Result<bool> CouponStore::Release(int64_t id, std::string_view holder, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET reserved_for = NULL, updated_at = ? WHERE id = ? AND "
                 "reserved_for = ?",
                 {db::Value(now), db::Value(id), db::Value(std::string(holder))}));
  return updated.affected_rows == 1;
}

Result<bool> CouponStore::Unredeem(int64_t id, int64_t redemption_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET state = CASE WHEN reward_refunded_after_redemption = 1 THEN "
                 "'voided' ELSE 'issued' END, voided_at = CASE WHEN "
                 "reward_refunded_after_redemption = 1 THEN ? ELSE NULL END, void_reason = CASE "
                 "WHEN reward_refunded_after_redemption = 1 THEN 'payment refunded' ELSE NULL "
                 "END, redeemed_at = NULL, redemption_id = NULL, updated_at = ? WHERE id = ? AND "
                 "state = 'redeemed' AND redemption_id = ?",
                 {db::Value(now), db::Value(now), db::Value(id), db::Value(redemption_id)}));
  return updated.affected_rows == 1;
}

Result<bool> CouponStore::Void(int64_t id, std::string_view reason, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET state = 'voided', voided_at = ?, void_reason = ?, "
                 "updated_at = ? WHERE id = ? AND state = 'issued'",
                 {db::Value(now), db::Value(std::string(reason)), db::Value(now), db::Value(id)}));
  return updated.affected_rows == 1;
}

Result<bool> CouponStore::FlagRefundedAfterRedemption(int64_t id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET reward_refunded_after_redemption = 1, updated_at = ? WHERE "
                 "id = ? AND state = 'redeemed' AND reward_refunded_after_redemption = 0",
                 {db::Value(now), db::Value(id)}));
  return updated.affected_rows == 1;
}

Result<int64_t> CouponStore::ExtendExpiry(int64_t stock_id, int64_t from, int64_t to, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET expires_at = ?, updated_at = ? WHERE stock_id = ? AND state "
                 "= 'issued' AND expires_at = ?",
                 {db::Value(to), db::Value(now), db::Value(stock_id), db::Value(from)}));
  return updated.affected_rows;
}

Result<std::vector<Coupon>> CouponStore::DueForExpiry(int64_t now, int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kCouponColumns +
                      " FROM coupons c WHERE c.state = 'issued' AND c.expires_at < ? ORDER BY "
                      "c.expires_at, c.id LIMIT ?",
                  {db::Value(now), db::Value(limit)}));
  std::vector<Coupon> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(CouponFromRow(row));
  return out;
}

Result<bool> CouponStore::ExpireOne(int64_t id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupons SET state = 'expired', updated_at = ? WHERE id = ? AND state = "
                 "'issued' AND expires_at < ?",
                 {db::Value(now), db::Value(id), db::Value(now)}));
  return updated.affected_rows == 1;
}

Result<int64_t> RedemptionStore::Insert(const Redemption& r) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert(
          "INSERT INTO coupon_redemptions (brand_id, coupon_id, stock_id, member_id, "
          "region_id, dealer_id, store_id, staff_id, request_id, order_amount_fen, "
          "discount_fen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {db::Value(r.brand_id), db::Value(r.coupon_id), db::Value(r.stock_id),
           db::Value(r.member_id), db::Value(r.store.region_id), db::Value(r.store.dealer_id),
           db::Value(r.store.store_id), OptionalValue(r.staff_id), db::Value(r.request_id),
           db::Value(r.order_amount_fen), db::Value(r.discount_fen), db::Value(r.created_at)}));
  return inserted;
}

Result<std::optional<Redemption>> RedemptionStore::Find(int64_t id) {
  return FirstOf<Redemption>(conn_.Query(std::string("SELECT ") + kRedemptionColumns +
                                             " FROM coupon_redemptions WHERE id = ?",
                                         {db::Value(id)}),
                             RedemptionFromRow);
}

Result<std::optional<Redemption>> RedemptionStore::FindByRequest(int64_t brand_id,
                                                                 std::string_view request_id) {
  return FirstOf<Redemption>(
      conn_.Query(std::string("SELECT ") + kRedemptionColumns +
                      " FROM coupon_redemptions WHERE brand_id = ? AND request_id = ?",
                  {db::Value(brand_id), db::Value(std::string(request_id))}),
      RedemptionFromRow);
}

Result<bool> RedemptionStore::MarkReversed(int64_t id, std::optional<int64_t> staff_id,
                                           std::string_view reason, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE coupon_redemptions SET reversed_at = ?, reversed_by = ?, "
                 "reverse_reason = ? WHERE id = ? AND reversed_at IS NULL",
                 {db::Value(now), OptionalValue(staff_id), db::Value(std::string(reason)),
                  db::Value(id)}));
  return updated.affected_rows == 1;
}

Result<std::vector<Redemption>> RedemptionStore::OfMemberSince(int64_t member_id, int64_t since,
                                                               int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kRedemptionColumns +
                      " FROM coupon_redemptions WHERE member_id = ? AND created_at >= ?"
                      " ORDER BY created_at DESC, id DESC LIMIT ?",
                  {db::Value(member_id), db::Value(since), db::Value(limit)}));
  std::vector<Redemption> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(RedemptionFromRow(row));
  return out;
}

Result<PageOf<Redemption>> RedemptionStore::AtStore(
    int64_t store_id, const std::optional<std::pair<int64_t, int64_t>>& window,
    const PageRequest& page) {
  std::string where = " WHERE store_id = ?";
  std::vector<db::Value> params = {db::Value(store_id)};
  if (window.has_value()) {
    where += " AND created_at >= ? AND created_at < ?";
    params.emplace_back(window->first);
    params.emplace_back(window->second);
  }
  const std::string select =
      std::string("SELECT ") + kRedemptionColumns + " FROM coupon_redemptions";
  return db::QueryPage<Redemption>(
      conn_, {select, "SELECT COUNT(*) FROM coupon_redemptions", where, "created_at DESC, id DESC"},
      std::move(params), page, RedemptionFromRow);
}

}  // namespace mileage::coupons
