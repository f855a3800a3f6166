#include "org/staff_store.h"

#include <vector>

#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::org {
namespace {

constexpr PathColumns kColumns{"brand_id", "region_id", "dealer_id", "store_id"};
constexpr const char* kSelect =
    "SELECT brand_id, region_id, dealer_id, store_id, id, username, role, scope_type, active, "
    "created_at, updated_at, password_hash FROM staff";
// The account, its access columns (credentials version, then the active flags of its scope
// path; a level the scope does not reach reads as active) after the kSelect columns.
constexpr const char* kSelectWithAccess =
    "SELECT s.brand_id, s.region_id, s.dealer_id, s.store_id, s.id, s.username, s.role, "
    "s.scope_type, s.active, s.created_at, s.updated_at, s.password_hash, "
    "s.credentials_version, b.active, COALESCE(r.active, 1), COALESCE(d.active, 1), "
    "COALESCE(st.active, 1) "
    "FROM staff s JOIN brands b ON b.id = s.brand_id "
    "LEFT JOIN regions r ON r.id = s.region_id LEFT JOIN dealers d ON d.id = s.dealer_id "
    "LEFT JOIN stores st ON st.id = s.store_id";
constexpr size_t kAccessColumn = 12;

StaffCredentials FromRow(const db::Row& row) {
  StaffCredentials out;
  Staff& s = out.staff;
  const NodeType scope_type = ParseNodeType(row.Text(7)).value_or(NodeType::kStore);
  s.scope = PathFromRow(row, 0, scope_type);
  s.id = row.Int(4);
  s.username = row.Text(5);
  // An unknown stored role reads as the weakest one.
  s.role = ParseRole(row.Text(6)).value_or(Role::kAnalyst);
  s.active = row.Int(8) != 0;
  s.created_at = row.Int(9);
  s.updated_at = row.Int(10);
  out.password_hash = row.Text(11);
  return out;
}

StaffAccess AccessFromRow(const db::Row& row, bool active) {
  StaffAccess access;
  access.active = active;
  access.credentials_version = row.Int(kAccessColumn);
  access.scope_active = true;
  for (size_t i = kAccessColumn + 1; i < kAccessColumn + 5; ++i) {
    access.scope_active = access.scope_active && row.Int(i) != 0;
  }
  return access;
}

db::Value PathId(const NodePath& path, NodeType level) {
  if (static_cast<int>(level) > static_cast<int>(path.type)) return db::Value(nullptr);
  return db::Value(path.IdAt(level));
}

}  // namespace

Result<int64_t> StaffStore::Insert(const Staff& staff, std::string_view password_hash) {
  Result<int64_t> inserted = conn_.Insert(
      "INSERT INTO staff (username, password_hash, role, scope_type, brand_id, region_id, "
      "dealer_id, store_id, active, credentials_version, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)",
      {db::Value(staff.username), db::Value(std::string(password_hash)),
       db::Value(std::string(RoleName(staff.role))),
       db::Value(std::string(NodeTypeName(staff.scope.type))), db::Value(staff.scope.brand_id),
       PathId(staff.scope, NodeType::kRegion), PathId(staff.scope, NodeType::kDealer),
       PathId(staff.scope, NodeType::kStore), db::Value(staff.created_at),
       db::Value(staff.updated_at)});
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("username " + staff.username + " is taken in this brand",
                              "USERNAME_EXISTS");
  }
  if (!inserted.ok()) return inserted.status();
  return *inserted;
}

Result<std::optional<Staff>> StaffStore::Find(int64_t id, bool lock) {
  std::string sql = std::string(kSelect) + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Staff>();
  return std::optional<Staff>(FromRow(rows.front()).staff);
}

Result<std::optional<StaffCredentials>> StaffStore::FindForLogin(int64_t brand_id,
                                                                 std::string_view username) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kSelectWithAccess) + " WHERE s.brand_id = ? AND s.username = ?",
                  {db::Value(brand_id), db::Value(std::string(username))}));
  if (rows.empty()) return std::optional<StaffCredentials>();
  StaffCredentials found = FromRow(rows.front());
  found.access = AccessFromRow(rows.front(), found.staff.active);
  return std::optional<StaffCredentials>(std::move(found));
}

Result<std::optional<StaffAccess>> StaffStore::FindAccess(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string(kSelectWithAccess) + " WHERE s.id = ?", {db::Value(id)}));
  if (rows.empty()) return std::optional<StaffAccess>();
  return std::optional<StaffAccess>(AccessFromRow(rows.front(), rows.front().Int(8) != 0));
}

Result<int64_t> StaffStore::FirstBrandId() {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query("SELECT MIN(id) FROM brands"));
  return db::FirstInt(rows);
}

Result<int64_t> StaffStore::VersionOf(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT credentials_version FROM staff WHERE id = ?", {db::Value(id)}));
  if (rows.empty()) return NotFoundError("staff " + std::to_string(id) + " not found");
  return rows.front().Int(0);
}

Result<int64_t> StaffStore::SetActive(int64_t id, bool active, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("UPDATE staff SET active = ?, credentials_version = "
                "credentials_version + 1, updated_at = ? WHERE id = ?",
                {db::Value(int64_t{active ? 1 : 0}), db::Value(now), db::Value(id)})
          .status());
  return VersionOf(id);
}

Result<int64_t> StaffStore::SetPasswordHash(int64_t id, std::string_view password_hash,
                                            int64_t now) {
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("UPDATE staff SET password_hash = ?, credentials_version = "
                "credentials_version + 1, updated_at = ? WHERE id = ?",
                {db::Value(std::string(password_hash)), db::Value(now), db::Value(id)})
          .status());
  return VersionOf(id);
}

Result<int64_t> StaffStore::SetRoleAndScope(int64_t id, Role role, const NodePath& scope,
                                            int64_t now) {
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("UPDATE staff SET role = ?, scope_type = ?, brand_id = ?, region_id = ?, "
                "dealer_id = ?, store_id = ?, credentials_version = credentials_version + 1, "
                "updated_at = ? WHERE id = ?",
                {db::Value(std::string(RoleName(role))),
                 db::Value(std::string(NodeTypeName(scope.type))), db::Value(scope.brand_id),
                 PathId(scope, NodeType::kRegion), PathId(scope, NodeType::kDealer),
                 PathId(scope, NodeType::kStore), db::Value(now), db::Value(id)})
          .status());
  return VersionOf(id);
}

Result<std::vector<RaisedVersion>> StaffStore::RaiseVersionsInSubtree(const NodePath& node,
                                                                      int64_t now) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  AppendSubtreeFilter(kColumns, node, where, params);
  std::vector<db::Value> update_params = {db::Value(now)};
  update_params.insert(update_params.end(), params.begin(), params.end());
  MILEAGE_RETURN_IF_ERROR(conn_
                              .Exec("UPDATE staff SET credentials_version = credentials_version "
                                    "+ 1, updated_at = ?" +
                                        where,
                                    update_params)
                              .status());
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, credentials_version FROM staff" + where + " ORDER BY id", params));
  std::vector<RaisedVersion> raised;
  for (const db::Row& row : rows) raised.push_back({row.Int(0), row.Int(1)});
  return raised;
}

Result<int64_t> StaffStore::CountActiveBrandAdmins(int64_t brand_id) {
  std::string sql =
      "SELECT id FROM staff WHERE brand_id = ? AND role = 'brand_admin' AND active = 1";
  sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(brand_id)}));
  return static_cast<int64_t>(rows.size());
}

Result<PageOf<Staff>> StaffStore::List(const NodePath& scope, const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!AppendSubtreeFilter(kColumns, scope, where, params)) return PageOf<Staff>{{}, 0, page};
  return db::QueryPage<Staff>(conn_, {kSelect, "SELECT COUNT(*) FROM staff", where, "id"},
                              std::move(params), page,
                              [](const db::Row& row) { return FromRow(row).staff; });
}

}  // namespace mileage::org
