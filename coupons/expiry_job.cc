#include "coupons/expiry_job.h"

#include <vector>

#include "coupons/coupon_store.h"
#include "db/outbox.h"

namespace mileage::coupons {

Result<int64_t> RunCouponExpiry(db::Db& db, int64_t now, int64_t batch_limit) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  int64_t total = 0;
  for (;;) {
    int64_t found = 0;
    int64_t expired = 0;
    const Status batch = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      CouponStore coupons(conn);
      MILEAGE_ASSIGN_OR_RETURN(std::vector<Coupon> due, coupons.LockDueForExpiry(now, batch_limit));
      found = static_cast<int64_t>(due.size());
      std::vector<int64_t> ids;
      ids.reserve(due.size());
      for (const Coupon& coupon : due) ids.push_back(coupon.id);
      MILEAGE_ASSIGN_OR_RETURN(expired, coupons.MarkExpired(ids, now));
      for (const Coupon& coupon : due) {
        MILEAGE_RETURN_IF_ERROR(
            db::AddOutboxEvent(conn, "coupon.expired", coupon.brand_id, std::to_string(coupon.id),
                               db::PayloadJson({{"coupon_id", coupon.id},
                                                {"stock_id", coupon.stock_id},
                                                {"member_id", coupon.member_id},
                                                {"expires_at", coupon.expires_at}}),
                               now));
      }
      return Status::Ok();
    });
    MILEAGE_RETURN_IF_ERROR(batch);
    total += expired;
    // A short batch means nothing more is due.
    if (found < batch_limit) break;
  }
  return total;
}

}  // namespace mileage::coupons
