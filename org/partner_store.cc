#include "org/partner_store.h"

#include <vector>

#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::org {
namespace {

constexpr PathColumns kColumns{"brand_id", nullptr, nullptr, nullptr};
constexpr const char* kSelect =
    "SELECT id, brand_id, name, category, api_key_id, active, created_at, updated_at, "
    "secret_sealed FROM partners";

SealedPartner FromRow(const db::Row& row) {
  SealedPartner out;
  Partner& p = out.partner;
  p.id = row.Int(0);
  p.brand_id = row.Int(1);
  p.name = row.Text(2);
  p.category = ParsePartnerCategory(row.Text(3)).value_or(PartnerCategory::kOther);
  p.api_key_id = row.Text(4);
  p.active = row.Int(5) != 0;
  p.created_at = row.Int(6);
  p.updated_at = row.Int(7);
  out.secret_sealed = row.Text(8);
  return out;
}

}  // namespace

Result<int64_t> PartnerStore::Insert(const Partner& partner, std::string_view secret_sealed) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult inserted,
      conn_.Exec("INSERT INTO partners (brand_id, name, category, api_key_id, secret_sealed, "
                 "active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                 {db::Value(partner.brand_id), db::Value(partner.name),
                  db::Value(std::string(PartnerCategoryName(partner.category))),
                  db::Value(partner.api_key_id), db::Value(std::string(secret_sealed)),
                  db::Value(partner.created_at), db::Value(partner.updated_at)}));
  return inserted.last_insert_id;
}

Result<std::optional<Partner>> PartnerStore::Find(int64_t id, bool lock) {
  std::string sql = std::string(kSelect) + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Partner>();
  return std::optional<Partner>(FromRow(rows.front()).partner);
}

Status PartnerStore::SetActive(int64_t id, bool active, int64_t now) {
  return conn_
      .Exec("UPDATE partners SET active = ?, updated_at = ? WHERE id = ?",
            {db::Value(int64_t{active ? 1 : 0}), db::Value(now), db::Value(id)})
      .status();
}

Result<std::optional<SealedPartner>> PartnerStore::FindByApiKeyId(std::string_view api_key_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string(kSelect) + " WHERE api_key_id = ?",
                                       {db::Value(std::string(api_key_id))}));
  if (rows.empty()) return std::optional<SealedPartner>();
  return std::optional<SealedPartner>(FromRow(rows.front()));
}

Result<PageOf<Partner>> PartnerStore::List(const NodePath& scope, const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!AppendSubtreeFilter(kColumns, scope, where, params)) return PageOf<Partner>{{}, 0, page};
  return db::QueryPage<Partner>(conn_, {kSelect, "SELECT COUNT(*) FROM partners", where, "id"},
                                std::move(params), page,
                                [](const db::Row& row) { return FromRow(row).partner; });
}

}  // namespace mileage::org
