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

db::Value PathId(const NodePath& path, NodeType level) {
  if (static_cast<int>(level) > static_cast<int>(path.type)) return db::Value(nullptr);
  return db::Value(path.IdAt(level));
}

}  // namespace

Result<int64_t> StaffStore::Insert(const Staff& staff, std::string_view password_hash) {
  Result<db::ExecResult> inserted = conn_.Exec(
      "INSERT INTO staff (username, password_hash, role, scope_type, brand_id, region_id, "
      "dealer_id, store_id, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
      {db::Value(staff.username), db::Value(std::string(password_hash)),
       db::Value(std::string(RoleName(staff.role))),
       db::Value(std::string(NodeTypeName(staff.scope.type))), db::Value(staff.scope.brand_id),
       PathId(staff.scope, NodeType::kRegion), PathId(staff.scope, NodeType::kDealer),
       PathId(staff.scope, NodeType::kStore), db::Value(staff.created_at),
       db::Value(staff.updated_at)});
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("username " + staff.username + " is taken", "USERNAME_EXISTS");
  }
  if (!inserted.ok()) return inserted.status();
  return inserted->last_insert_id;
}

Result<std::optional<Staff>> StaffStore::Find(int64_t id, bool lock) {
  std::string sql = std::string(kSelect) + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Staff>();
  return std::optional<Staff>(FromRow(rows.front()).staff);
}

Result<std::optional<StaffCredentials>> StaffStore::FindByUsername(std::string_view username) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string(kSelect) + " WHERE username = ?",
                                       {db::Value(std::string(username))}));
  if (rows.empty()) return std::optional<StaffCredentials>();
  return std::optional<StaffCredentials>(FromRow(rows.front()));
}

Status StaffStore::SetInactive(int64_t id, int64_t now) {
  return conn_
      .Exec("UPDATE staff SET active = 0, updated_at = ? WHERE id = ?",
            {db::Value(now), db::Value(id)})
      .status();
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
