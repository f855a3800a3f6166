#include "org/partner_store.h"

#include <vector>

#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::org {
namespace {

constexpr PathColumns kColumns{"brand_id", nullptr, nullptr, nullptr};
constexpr const char* kSelect =
    "SELECT id, brand_id, name, category, api_key_id, active, created_at, updated_at "
    "FROM partners";

Partner FromRow(const db::Row& row) {
  Partner p;
  p.id = row.Int(0);
  p.brand_id = row.Int(1);
  p.name = row.Text(2);
  p.category = ParsePartnerCategory(row.Text(3)).value_or(PartnerCategory::kOther);
  p.api_key_id = row.Text(4);
  p.active = row.Int(5) != 0;
  p.created_at = row.Int(6);
  p.updated_at = row.Int(7);
  return p;
}

}  // namespace

Result<int64_t> PartnerStore::Insert(const Partner& partner) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert(
          "INSERT INTO partners (brand_id, name, category, api_key_id, active, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
          {db::Value(partner.brand_id), db::Value(partner.name),
           db::Value(std::string(PartnerCategoryName(partner.category))),
           db::Value(partner.api_key_id), db::Value(partner.created_at),
           db::Value(partner.updated_at)}));
  return inserted;
}

Result<std::optional<Partner>> PartnerStore::Find(int64_t id, bool lock) {
  std::string sql = std::string(kSelect) + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Partner>();
  return std::optional<Partner>(FromRow(rows.front()));
}

Status PartnerStore::SetActive(int64_t id, bool active, int64_t now) {
  return conn_
      .Exec("UPDATE partners SET active = ?, updated_at = ? WHERE id = ?",
            {db::Value(int64_t{active ? 1 : 0}), db::Value(now), db::Value(id)})
      .status();
}

Result<std::optional<Partner>> PartnerStore::FindByApiKeyId(std::string_view api_key_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string(kSelect) + " WHERE api_key_id = ?",
                                       {db::Value(std::string(api_key_id))}));
  if (rows.empty()) return std::optional<Partner>();
  return std::optional<Partner>(FromRow(rows.front()));
}

Result<PageOf<Partner>> PartnerStore::List(const NodePath& scope, const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!AppendSubtreeFilter(kColumns, scope, where, params)) return PageOf<Partner>{{}, 0, page};
  return db::QueryPage<Partner>(conn_, {kSelect, "SELECT COUNT(*) FROM partners", where, "id"},
                                std::move(params), page, FromRow);
}

Result<int64_t> PartnerStore::InsertSecret(int64_t partner_id, int slot, std::string_view sealed,
                                           int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert("INSERT INTO partner_secrets (partner_id, active_slot, secret_sealed, "
                   "created_at, retired_at) VALUES (?, ?, ?, ?, 0)",
                   {db::Value(partner_id), db::Value(int64_t{slot}), db::Value(std::string(sealed)),
                    db::Value(now)}));
  return inserted;
}

Result<std::vector<SealedPartnerSecret>> PartnerStore::Secrets(int64_t partner_id) {
  return QuerySecrets(partner_id, false);
}

Result<std::vector<SealedPartnerSecret>> PartnerStore::ActiveSecrets(int64_t partner_id) {
  return QuerySecrets(partner_id, true);
}

Result<std::vector<SealedPartnerSecret>> PartnerStore::QuerySecrets(int64_t partner_id,
                                                                    bool active_only) {
  std::string sql =
      "SELECT id, created_at, retired_at, active_slot, secret_sealed FROM partner_secrets "
      "WHERE partner_id = ?";
  if (active_only) sql += " AND retired_at = 0";
  sql += " ORDER BY id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(partner_id)}));
  std::vector<SealedPartnerSecret> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    SealedPartnerSecret secret;
    secret.info.id = row.Int(0);
    secret.info.created_at = row.Int(1);
    secret.info.retired_at = row.Int(2);
    secret.slot = row.IsNull(3) ? 0 : static_cast<int>(row.Int(3));
    secret.sealed = row.Text(4);
    out.push_back(std::move(secret));
  }
  return out;
}

Result<bool> PartnerStore::RetireSecret(int64_t partner_id, int64_t secret_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE partner_secrets SET retired_at = ?, active_slot = NULL, "
                 "secret_sealed = '' WHERE id = ? AND partner_id = ? AND retired_at = 0",
                 {db::Value(now), db::Value(secret_id), db::Value(partner_id)}));
  return updated.affected_rows > 0;
}

}  // namespace mileage::org
