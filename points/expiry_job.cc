#include "points/expiry_job.h"

#include <vector>

#include "points/ledger.h"

namespace mileage::points {

Result<int64_t> RunPointsExpiry(db::Db& db, int64_t now, int64_t batch_limit,
                                const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  std::vector<int64_t> brands;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        conn->Query("SELECT DISTINCT brand_id FROM point_lots WHERE active = 1 AND "
                    "expires_at > 0 AND expires_at <= ? ORDER BY brand_id",
                    {db::Value(now)}));
    for (const db::Row& row : rows) brands.push_back(row.Int(0));
  }
  int64_t total = 0;
  for (int64_t brand_id : brands) {
    for (;;) {
      int64_t expired = 0;
      const Status batch = db::InTransaction(db, [&](db::Connection& conn) -> Status {
        MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
        Ledger ledger(conn);
        MILEAGE_ASSIGN_OR_RETURN(expired, ledger.ExpireDue(brand_id, now, batch_limit));
        return Status::Ok();
      });
      MILEAGE_RETURN_IF_ERROR(batch);
      total += expired;
      // A short batch means nothing more is due (or the rest changed meanwhile; next run).
      if (expired < batch_limit) break;
    }
  }
  return total;
}

}  // namespace mileage::points
