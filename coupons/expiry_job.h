#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/db.h"

namespace mileage::coupons {

// The coupon expiry job: issued coupons whose expires_at is before `now` become expired, with
// a coupon.expired outbox event each, in transactions of at most `batch_limit` coupons (short,
// so that claims and redemptions are not held up) until none is due. Safe to run concurrently
// with itself and with redemptions: each coupon moves with a conditional update of its own row
// (still issued, still past its expiry), so a coupon expires once and a redeemed one never
// does, and no run holds range locks another could deadlock on. Each batch's transaction first
// checks `fence` (db::Fence; the scheduler's lease), whose error rolls the batch back and ends
// the run. Returns the number of coupons expired. InvalidArgument for batch_limit <= 0; the
// fence's and the db errors (a failed batch rolls back alone; the batches before it stay
// committed).
Result<int64_t> RunCouponExpiry(db::Db& db, int64_t now, int64_t batch_limit,
                                const db::Fence& fence = {});

}  // namespace mileage::coupons
