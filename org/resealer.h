#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"

namespace mileage::org {

// One column of values sealed with the crypto::FieldCipher ("v1.<key id>.<hex>"), as the
// module that owns the table describes it for a data key rotation: where the context of a row's
// value comes from and, for PII kept searchable, the keyed-hash column to recompute with the
// new key. A value type.
struct SealedColumn {
  std::string table;
  std::string column;
  // The SQL select list the context is made from ("mchid", or a subquery); selected first.
  std::string context_columns;
  // The context of a row from those columns (row values 0..).
  std::function<std::string(const db::Row&)> context;
  // The column of the value's keyed hash ("" when none) and how to compute it from the opened
  // text under the primary key.
  std::string hash_column;
  std::function<Result<std::string>(std::string_view opened)> hash;
};

// How a rotation pass went for one column.
struct ResealProgress {
  int64_t resealed = 0;  // rewritten under the primary key (and re-hashed)
  int64_t skipped = 0;   // did not open (altered or of an unknown key) or the new hash collided
};

// Re-seals the values of `column` sealed under any key but the cipher's primary one, in
// batches of `batch` rows, each batch one transaction that checks `fence` first; each row is
// rewritten with a conditional UPDATE on its old sealed text (a row changed meanwhile is left to
// its writer, who sealed with the primary key). Resumable: the rows it finds are exactly those
// left to do, so a pass that died is continued by the next. Values that do not open are
// skipped (logged without their text) and stay for the operator. Errors: the Connection's and
// the fence's (the work of committed batches stays).
Result<ResealProgress> ResealColumn(db::Db& db, const crypto::FieldCipher& cipher,
                                    const SealedColumn& column, int64_t batch,
                                    const db::Fence& fence);

// How many values of `column` are sealed under a key other than the primary one. Errors: the
// Connection's.
Result<int64_t> CountStale(db::Connection& conn, const crypto::FieldCipher& cipher,
                           const SealedColumn& column);

// org's sealed columns: merchants' API v3 keys and API private keys, partners' secrets and
// brand apps' secrets.
std::vector<SealedColumn> OrgSealedColumns();

}  // namespace mileage::org
