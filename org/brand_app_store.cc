#include "org/brand_app_store.h"

#include "db/paged_query.h"

namespace mileage::org {
namespace {

constexpr const char* kSelect =
    "SELECT id, brand_id, appid, kind, name, secret_sealed, active, created_at, updated_at "
    "FROM brand_apps";

SealedBrandApp FromRow(const db::Row& row) {
  SealedBrandApp out;
  BrandApp& a = out.app;
  a.id = row.Int(0);
  a.brand_id = row.Int(1);
  a.appid = row.Text(2);
  a.kind = ParseAppKind(row.Text(3)).value_or(AppKind::kMiniprogram);
  a.name = row.Text(4);
  out.secret_sealed = row.Text(5);
  a.has_secret = !out.secret_sealed.empty();
  a.active = row.Int(6) != 0;
  a.created_at = row.Int(7);
  a.updated_at = row.Int(8);
  return out;
}

}  // namespace

Result<int64_t> BrandAppStore::Insert(const BrandApp& app, std::string_view secret_sealed) {
  Result<int64_t> inserted = conn_.Insert(
      "INSERT INTO brand_apps (brand_id, appid, kind, name, secret_sealed, active, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(app.brand_id), db::Value(app.appid), db::Value(std::string(AppKindName(app.kind))),
       db::Value(app.name), db::Value(std::string(secret_sealed)),
       db::Value(int64_t{app.active ? 1 : 0}), db::Value(app.created_at),
       db::Value(app.updated_at)});
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("appid " + app.appid + " is already registered", "APP_EXISTS");
  }
  if (!inserted.ok()) return inserted.status();
  return *inserted;
}

Result<std::optional<BrandApp>> BrandAppStore::Find(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string(kSelect) + " WHERE id = ?", {db::Value(id)}));
  if (rows.empty()) return std::optional<BrandApp>();
  return std::optional<BrandApp>(FromRow(rows.front()).app);
}

Result<std::optional<SealedBrandApp>> BrandAppStore::FindByAppid(std::string_view appid) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kSelect) + " WHERE appid = ?", {db::Value(std::string(appid))}));
  if (rows.empty()) return std::optional<SealedBrandApp>();
  return std::optional<SealedBrandApp>(FromRow(rows.front()));
}

Result<PageOf<BrandApp>> BrandAppStore::List(int64_t brand_id, const PageRequest& page) {
  return db::QueryPage<BrandApp>(
      conn_, {kSelect, "SELECT COUNT(*) FROM brand_apps", " WHERE brand_id = ?", "id"},
      {db::Value(brand_id)}, page, [](const db::Row& row) { return FromRow(row).app; });
}

Status BrandAppStore::SetSecret(int64_t id, std::string_view secret_sealed, int64_t now) {
  return conn_
      .Exec("UPDATE brand_apps SET secret_sealed = ?, updated_at = ? WHERE id = ?",
            {db::Value(std::string(secret_sealed)), db::Value(now), db::Value(id)})
      .status();
}

Result<bool> BrandAppStore::SetActive(int64_t id, bool active, int64_t now) {
  const int64_t flag = active ? 1 : 0;
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE brand_apps SET active = ?, updated_at = ? WHERE id = ? AND active <> ?",
                 {db::Value(flag), db::Value(now), db::Value(id), db::Value(flag)}));
  return updated.affected_rows > 0;
}

Result<std::vector<std::string>> BrandAppStore::ActiveAppids(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT appid FROM brand_apps WHERE brand_id = ? AND active = 1 ORDER BY appid",
                  {db::Value(brand_id)}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(row.Text(0));
  return out;
}

}  // namespace mileage::org
