#include "org/merchant_store.h"

#include <map>
#include <vector>

#include "db/in_list.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::org {
namespace {

constexpr PathColumns kColumns{"brand_id", "region_id", "dealer_id", "store_id"};
constexpr const char* kSelect =
    "SELECT brand_id, region_id, dealer_id, store_id, id, mchid, appid, active, created_at, "
    "updated_at, apiv3_key_sealed, "
    "(SELECT k.serial FROM merchant_api_keys k WHERE k.merchant_id = merchants.id) "
    "FROM merchants";

SealedMerchant FromRow(const db::Row& row) {
  SealedMerchant out;
  Merchant& m = out.merchant;
  m.store = PathFromRow(row, 0, NodeType::kStore);
  m.id = row.Int(4);
  m.mchid = row.Text(5);
  m.appid = row.Text(6);
  m.active = row.Int(7) != 0;
  m.created_at = row.Int(8);
  m.updated_at = row.Int(9);
  out.apiv3_key_sealed = row.Text(10);
  if (!row.IsNull(11)) m.api_key_serial = row.Text(11);
  return out;
}

}  // namespace

Result<int64_t> MerchantStore::Insert(const NodePath& store, std::string_view mchid,
                                      std::string_view appid, std::string_view apiv3_key_sealed,
                                      int64_t now) {
  Result<int64_t> inserted = conn_.Insert(
      "INSERT INTO merchants (brand_id, region_id, dealer_id, store_id, mchid, appid, "
      "apiv3_key_sealed, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
      {db::Value(store.brand_id), db::Value(store.region_id), db::Value(store.dealer_id),
       db::Value(store.store_id), db::Value(std::string(mchid)), db::Value(std::string(appid)),
       db::Value(std::string(apiv3_key_sealed)), db::Value(now), db::Value(now)});
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("mchid " + std::string(mchid) + " is already registered",
                              "MERCHANT_EXISTS");
  }
  if (!inserted.ok()) return inserted.status();
  return *inserted;
}

Status MerchantStore::InsertPlatformKey(int64_t merchant_id, const PlatformKey& key) {
  return conn_
      .Exec(
          "INSERT INTO merchant_platform_keys (merchant_id, serial, pem, created_at, expires_at, "
          "retired_at) VALUES (?, ?, ?, ?, ?, 0)",
          {db::Value(merchant_id), db::Value(key.serial), db::Value(key.pem),
           db::Value(key.created_at), db::Value(key.expires_at)})
      .status();
}

Status MerchantStore::RestorePlatformKey(int64_t merchant_id, const PlatformKey& key) {
  return conn_
      .Exec(
          "UPDATE merchant_platform_keys SET pem = ?, created_at = ?, expires_at = ?, "
          "retired_at = 0 WHERE merchant_id = ? AND serial = ?",
          {db::Value(key.pem), db::Value(key.created_at), db::Value(key.expires_at),
           db::Value(merchant_id), db::Value(key.serial)})
      .status();
}

Result<bool> MerchantStore::RetirePlatformKey(int64_t merchant_id, std::string_view serial,
                                              int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE merchant_platform_keys SET retired_at = ? "
                 "WHERE merchant_id = ? AND serial = ? AND retired_at = 0",
                 {db::Value(now), db::Value(merchant_id), db::Value(std::string(serial))}));
  return updated.affected_rows > 0;
}

Status MerchantStore::UpsertApiKey(int64_t merchant_id, std::string_view serial,
                                   std::string_view key_sealed, int64_t now) {
  return conn_
      .Exec(
          "INSERT INTO merchant_api_keys (merchant_id, serial, key_sealed, updated_at) "
          "VALUES (?, ?, ?, ?)" +
              db::UpsertClause(conn_.dialect(), {"merchant_id"},
                               {"serial", "key_sealed", "updated_at"}),
          {db::Value(merchant_id), db::Value(std::string(serial)),
           db::Value(std::string(key_sealed)), db::Value(now)})
      .status();
}

Result<std::optional<SealedApiKey>> MerchantStore::FindApiKey(int64_t merchant_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT serial, key_sealed FROM merchant_api_keys WHERE merchant_id = ?",
                  {db::Value(merchant_id)}));
  if (rows.empty()) return std::optional<SealedApiKey>();
  return std::optional<SealedApiKey>(SealedApiKey{rows.front().Text(0), rows.front().Text(1)});
}

Status MerchantStore::Touch(int64_t id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(db::ExecResult updated,
                           conn_.Exec("UPDATE merchants SET updated_at = ? WHERE id = ?",
                                      {db::Value(now), db::Value(id)}));
  if (updated.affected_rows == 0) return NotFoundError("merchant " + std::to_string(id));
  return Status::Ok();
}

Result<bool> MerchantStore::SetActive(int64_t id, bool active, int64_t now) {
  const int64_t flag = active ? 1 : 0;
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE merchants SET active = ?, updated_at = ? WHERE id = ? AND active <> ?",
                 {db::Value(flag), db::Value(now), db::Value(id), db::Value(flag)}));
  return updated.affected_rows > 0;
}

Result<std::optional<Merchant>> MerchantStore::Find(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string(kSelect) + " WHERE id = ?", {db::Value(id)}));
  if (rows.empty()) return std::optional<Merchant>();
  std::vector<Merchant> found{FromRow(rows.front()).merchant};
  MILEAGE_RETURN_IF_ERROR(LoadPlatformKeys(found));
  return std::optional<Merchant>(std::move(found.front()));
}

Result<std::optional<Merchant>> MerchantStore::FindActiveAt(int64_t store_id,
                                                            std::string_view appid) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kSelect) +
                      " WHERE store_id = ? AND appid = ? AND active = 1 ORDER BY id LIMIT 1",
                  {db::Value(store_id), db::Value(std::string(appid))}));
  if (rows.empty()) return std::optional<Merchant>();
  return std::optional<Merchant>(FromRow(rows.front()).merchant);
}

Result<std::optional<SealedMerchant>> MerchantStore::FindByMchid(std::string_view mchid) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kSelect) + " WHERE mchid = ?", {db::Value(std::string(mchid))}));
  if (rows.empty()) return std::optional<SealedMerchant>();
  SealedMerchant out = FromRow(rows.front());
  std::vector<Merchant> found{out.merchant};
  MILEAGE_RETURN_IF_ERROR(LoadPlatformKeys(found));
  out.merchant = std::move(found.front());
  return std::optional<SealedMerchant>(std::move(out));
}

Result<PageOf<Merchant>> MerchantStore::List(const NodePath& scope,
                                             const std::optional<NodePath>& parent,
                                             const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!AppendSubtreeFilter(kColumns, scope, where, params) ||
      (parent.has_value() && !AppendSubtreeFilter(kColumns, *parent, where, params))) {
    return PageOf<Merchant>{{}, 0, page};
  }
  MILEAGE_ASSIGN_OR_RETURN(
      PageOf<Merchant> out,
      db::QueryPage<Merchant>(conn_, {kSelect, "SELECT COUNT(*) FROM merchants", where, "id"},
                              std::move(params), page,
                              [](const db::Row& row) { return FromRow(row).merchant; }));
  MILEAGE_RETURN_IF_ERROR(LoadPlatformKeys(out.items));
  return out;
}

Status MerchantStore::LoadPlatformKeys(std::vector<Merchant>& merchants) {
  if (merchants.empty()) return Status::Ok();
  std::string sql =
      "SELECT merchant_id, serial, pem, created_at, expires_at, retired_at "
      "FROM merchant_platform_keys "
      "WHERE merchant_id IN ";
  std::vector<int64_t> ids;
  std::map<int64_t, Merchant*> by_id;
  for (Merchant& m : merchants) {
    ids.push_back(m.id);
    by_id[m.id] = &m;
  }
  std::vector<db::Value> params;
  db::AppendInList(sql, params, ids);
  sql += " ORDER BY merchant_id, serial";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) continue;
    it->second->platform_keys.push_back(
        {row.Text(1), row.Text(2), row.Int(3), row.Int(4), row.Int(5)});
  }
  return Status::Ok();
}

}  // namespace mileage::org
