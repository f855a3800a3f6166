#include "coupons/expiry_job.h"

#include <algorithm>
#include <vector>

#include "coupons/coupon_store.h"
#include "db/outbox.h"

namespace mileage::coupons {

Result<int64_t> RunCouponExpiry(db::Db& db, int64_t now, int64_t batch_limit,
                                const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  int64_t total = 0;
  for (;;) {
    int64_t found = 0;
    int64_t expired = 0;
    const Status batch = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
      CouponStore coupons(conn);
      MILEAGE_ASSIGN_OR_RETURN(std::vector<Coupon> due, coupons.DueForExpiry(now, batch_limit));
      found = static_cast<int64_t>(due.size());
      expired = 0;
      // One conditional update per coupon by primary key, in id order: no range locks, so two
      // runs (or a run and redemptions) never deadlock, and each coupon moves once.
      std::sort(due.begin(), due.end(),
                [](const Coupon& a, const Coupon& b) { return a.id < b.id; });
      for (const Coupon& coupon : due) {
        MILEAGE_ASSIGN_OR_RETURN(bool moved, coupons.ExpireOne(coupon.id, now));
        if (!moved) continue;  // redeemed, or expired by a concurrent run
        ++expired;
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
