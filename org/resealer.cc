#include "org/resealer.h"

#include "common/log.h"
#include "org/brand_app_service.h"
#include "org/merchant_service.h"
#include "org/partner_service.h"

namespace mileage::org {
namespace {

// "<column> LIKE 'v1.%' AND <column> NOT LIKE 'v1.<primary id>.%'": sealed, not by the primary.
std::string StaleCondition(const SealedColumn& c) {
  return c.column + " LIKE 'v1.%' AND " + c.column + " NOT LIKE ?";
}

std::string PrimaryPattern(const crypto::FieldCipher& cipher) {
  return "v1." + cipher.primary_key_id() + ".%";
}

// Rewrites one row's value; false when it was skipped.
Result<bool> ResealRow(db::Connection& conn, const crypto::FieldCipher& cipher,
                       const SealedColumn& c, const db::Row& row, size_t sealed_at) {
  const std::string sealed = row.Text(sealed_at);
  const std::string context = c.context(row);
  Result<std::string> opened = cipher.Open(sealed, context);
  if (!opened.ok()) {
    MILEAGE_LOG(kWarn) << "data key rotation: a value of " << c.table << "." << c.column
                       << " does not open (" << opened.status().reason() << "); left as it is";
    return false;
  }
  MILEAGE_ASSIGN_OR_RETURN(std::string resealed, cipher.Seal(*opened, context));
  std::vector<db::Value> params{db::Value(resealed)};
  std::string sql = "UPDATE " + c.table + " SET " + c.column + " = ?";
  if (!c.hash_column.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(std::string hash, c.hash(*opened));
    sql += ", " + c.hash_column + " = ?";
    params.emplace_back(std::move(hash));
  }
  sql += " WHERE " + c.column + " = ?";
  params.emplace_back(sealed);
  Result<db::ExecResult> updated = conn.Exec(sql, params);
  if (!updated.ok() && updated.status().code() == StatusCode::kAlreadyExists) {
    MILEAGE_LOG(kWarn) << "data key rotation: the new hash of a value of " << c.table << "."
                       << c.column << " is held by another row; left as it is";
    return false;
  }
  MILEAGE_RETURN_IF_ERROR(updated.status());
  return updated->affected_rows > 0;
}

}  // namespace

Result<ResealProgress> ResealColumn(db::Db& db, const crypto::FieldCipher& cipher,
                                    const SealedColumn& c, int64_t batch, const db::Fence& fence) {
  ResealProgress progress;
  const std::string select =
      "SELECT " + (c.context_columns.empty() ? std::string() : c.context_columns + ", ") +
      c.column + " FROM " + c.table + " WHERE " + StaleCondition(c) + " AND " + c.column +
      " > ? ORDER BY " + c.column + " LIMIT ?";
  std::string after;  // the cursor: skipped values stay behind it
  for (;;) {
    int64_t seen = 0;
    const Status done = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
      MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                               conn.Query(select, {db::Value(PrimaryPattern(cipher)),
                                                   db::Value(after), db::Value(batch)}));
      seen = static_cast<int64_t>(rows.size());
      ResealProgress local;
      std::string last = after;
      for (const db::Row& row : rows) {
        const size_t sealed_at = row.size() - 1;
        MILEAGE_ASSIGN_OR_RETURN(bool rewritten, ResealRow(conn, cipher, c, row, sealed_at));
        ++(rewritten ? local.resealed : local.skipped);
        last = row.Text(sealed_at);
      }
      // Counted once the batch commits (a retried transaction starts again).
      progress.resealed += local.resealed;
      progress.skipped += local.skipped;
      after = last;
      return Status::Ok();
    });
    MILEAGE_RETURN_IF_ERROR(done);
    if (seen < batch) return progress;
  }
}

Result<int64_t> CountStale(db::Connection& conn, const crypto::FieldCipher& cipher,
                           const SealedColumn& c) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT COUNT(*) FROM " + c.table + " WHERE " + StaleCondition(c),
                 {db::Value(PrimaryPattern(cipher))}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

std::vector<SealedColumn> OrgSealedColumns() {
  const auto first_text = [](auto make) {
    return [make](const db::Row& row) { return make(row.Text(0)); };
  };
  return {
      {"merchants", "apiv3_key_sealed", "mchid", first_text(ApiV3KeyContext), "", nullptr},
      {"merchant_api_keys", "key_sealed",
       "(SELECT m.mchid FROM merchants m WHERE m.id = merchant_api_keys.merchant_id)",
       first_text(ApiKeyContext), "", nullptr},
      {"partner_secrets", "secret_sealed",
       "(SELECT p.api_key_id FROM partners p WHERE p.id = partner_secrets.partner_id)",
       first_text(PartnerSecretContext), "", nullptr},
      {"brand_apps", "secret_sealed", "appid", first_text(AppSecretContext), "", nullptr},
  };
}

}  // namespace mileage::org
