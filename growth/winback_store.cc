#include "growth/winback_store.h"

#include <string>

#include "db/in_list.h"
#include "db/sql_dialect.h"

namespace mileage::growth {
namespace {

constexpr const char* kSettingsColumns =
    "brand_id, drift_days, warranty_years, post_warranty_days, cooldown_days, stock_id, enabled, "
    "updated_at";
constexpr const char* kGrantColumns =
    "id, brand_id, member_id, episode_at, store_id, dealer_id, outcome, reason, stock_id, "
    "coupon_id, messaged, returned_at, created_at";

db::Value OptionalId(const std::optional<int64_t>& id) {
  return id.has_value() ? db::Value(*id) : db::Value(nullptr);
}

WinbackSettings SettingsFromRow(const db::Row& row) {
  WinbackSettings s;
  s.brand_id = row.Int(0);
  s.drift_days = row.Int(1);
  s.warranty_years = row.Int(2);
  s.post_warranty_days = row.Int(3);
  s.cooldown_days = row.Int(4);
  s.stock_id = row.OptionalInt(5);
  s.enabled = row.Int(6) != 0;
  s.updated_at = row.Int(7);
  return s;
}

WinbackGrant GrantFromRow(const db::Row& row) {
  WinbackGrant g;
  g.id = row.Int(0);
  g.brand_id = row.Int(1);
  g.member_id = row.Int(2);
  g.episode_at = row.Int(3);
  g.store_id = row.Int(4);
  g.dealer_id = row.Int(5);
  g.outcome = row.Text(6);
  g.reason = row.Text(7);
  g.stock_id = row.OptionalInt(8);
  g.coupon_id = row.OptionalInt(9);
  g.messaged = row.Int(10) != 0;
  g.returned_at = row.OptionalInt(11);
  g.created_at = row.Int(12);
  return g;
}

std::vector<WinbackGrant> Grants(const std::vector<db::Row>& rows) {
  std::vector<WinbackGrant> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(GrantFromRow(row));
  return out;
}

}  // namespace

Result<std::optional<WinbackSettings>> WinbackStore::FindSettings(int64_t brand_id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kSettingsColumns +
                                           " FROM winback_settings WHERE brand_id = ?" +
                                           std::string(lock ? db::ForUpdate(conn_.dialect()) : ""),
                                       {db::Value(brand_id)}));
  if (rows.empty()) return std::optional<WinbackSettings>();
  return std::optional<WinbackSettings>(SettingsFromRow(rows.front()));
}

Status WinbackStore::SaveSettings(const WinbackSettings& s) {
  return conn_
      .Exec(std::string("INSERT INTO winback_settings (") + kSettingsColumns +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)" +
                db::UpsertClause(conn_.dialect(), {"brand_id"},
                                 {"drift_days", "warranty_years", "post_warranty_days",
                                  "cooldown_days", "stock_id", "enabled", "updated_at"}),
            {db::Value(s.brand_id), db::Value(s.drift_days), db::Value(s.warranty_years),
             db::Value(s.post_warranty_days), db::Value(s.cooldown_days), OptionalId(s.stock_id),
             db::Value(int64_t{s.enabled ? 1 : 0}), db::Value(s.updated_at)})
      .status();
}

Result<std::vector<WinbackSettings>> WinbackStore::EnabledSettings() {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kSettingsColumns +
                  " FROM winback_settings WHERE enabled = 1 ORDER BY brand_id"));
  std::vector<WinbackSettings> out;
  for (const db::Row& row : rows) out.push_back(SettingsFromRow(row));
  return out;
}

Result<std::optional<int64_t>> WinbackStore::InsertGrant(const WinbackGrant& g) {
  Result<int64_t> id = conn_.Insert(
      "INSERT INTO winback_grants (brand_id, member_id, episode_at, store_id, dealer_id, "
      "outcome, reason, stock_id, coupon_id, messaged, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(g.brand_id), db::Value(g.member_id), db::Value(g.episode_at),
       db::Value(g.store_id), db::Value(g.dealer_id), db::Value(g.outcome), db::Value(g.reason),
       OptionalId(g.stock_id), OptionalId(g.coupon_id), db::Value(int64_t{g.messaged ? 1 : 0}),
       db::Value(g.created_at)});
  if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
    return std::optional<int64_t>();
  }
  MILEAGE_RETURN_IF_ERROR(id.status());
  return std::optional<int64_t>(*id);
}

Status WinbackStore::SetOutcome(int64_t id, std::string_view outcome, std::string_view reason,
                                std::optional<int64_t> coupon_id, bool messaged) {
  return conn_
      .Exec(
          "UPDATE winback_grants SET outcome = ?, reason = ?, coupon_id = ?, messaged = ? "
          "WHERE id = ?",
          {db::Value(std::string(outcome)), db::Value(std::string(reason)), OptionalId(coupon_id),
           db::Value(int64_t{messaged ? 1 : 0}), db::Value(id)})
      .status();
}

Result<std::vector<PastWinback>> WinbackStore::PastOf(const std::vector<int64_t>& member_ids) {
  if (member_ids.empty() || member_ids.size() > 1000) {
    return InvalidArgumentError("member_ids must hold 1..1000 ids");
  }
  std::string sql =
      "SELECT member_id, episode_at, created_at FROM winback_grants WHERE member_id IN ";
  std::vector<db::Value> params;
  db::AppendInList(sql, params, member_ids);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::vector<PastWinback> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back({row.Int(0), row.Int(1), row.Int(2)});
  return out;
}

Result<std::vector<WinbackGrant>> WinbackStore::AwaitingReturn(int64_t since, int64_t after_id,
                                                               int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kGrantColumns +
                      " FROM winback_grants WHERE returned_at IS NULL AND created_at >= ? AND "
                      "id > ? ORDER BY id LIMIT ?",
                  {db::Value(since), db::Value(after_id), db::Value(limit)}));
  return Grants(rows);
}

Status WinbackStore::MarkReturned(int64_t id, int64_t at) {
  return conn_
      .Exec("UPDATE winback_grants SET returned_at = ? WHERE id = ? AND returned_at IS NULL",
            {db::Value(at), db::Value(id)})
      .status();
}

Result<std::vector<WinbackGrant>> WinbackStore::GrantsBetween(
    int64_t brand_id, int64_t from, int64_t to,
    const std::optional<std::vector<int64_t>>& store_ids, int64_t after_id, int64_t limit) {
  // The coupon's redemption comes in the same statement: the report reads no coupon alone.
  std::string sql = std::string("SELECT ") + kGrantColumns +
                    ", EXISTS (SELECT 1 FROM coupons c WHERE c.id = winback_grants.coupon_id AND "
                    "c.state = 'redeemed') FROM winback_grants WHERE brand_id = ? AND "
                    "created_at >= ? AND created_at < ? AND id > ?";
  std::vector<db::Value> params{db::Value(brand_id), db::Value(from), db::Value(to),
                                db::Value(after_id)};
  if (store_ids.has_value()) {
    if (store_ids->empty()) return std::vector<WinbackGrant>();
    sql += " AND store_id IN ";
    db::AppendInList(sql, params, *store_ids);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(limit);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::vector<WinbackGrant> out = Grants(rows);
  for (size_t i = 0; i < rows.size(); ++i) out[i].coupon_redeemed = rows[i].Int(13) != 0;
  return out;
}

}  // namespace mileage::growth
