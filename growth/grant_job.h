#pragma once

#include <cstdint>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/types.h"

namespace mileage::growth {

// The segment grants runner (docs/OPERATIONS.md "Segment grants"): each running grant
// (segment_grants) issues its stock's coupons to its members (segment_grant_members, fixed
// when it was created) in member id order, `batch_limit` members per transaction, through
// coupons::Issuer on the grant channel with source_ref "segment:<grant id>" (so the stock's
// total, daily quantity, per-member limit and counters hold; the coupons table's unique key
// on (stock, member, source_ref) makes one coupon per member per grant). Each batch's
// transaction first claims the batch by moving the grant's cursor with a conditional UPDATE,
// then issues, then adds the batch's granted and skipped counts: the cursor, the coupons and
// the counts commit together, so a run killed at any point resumes after the last committed
// batch and grants every member exactly once, and two concurrent runners never issue the same
// batch. A member is skipped (counted, no coupon) when no longer an active member of the
// brand, below the stock's lowest tier (`tiers`), at the stock's per-member limit, or when the
// stock is sold out. A grant whose stock is gone, of another brand, or no longer issuing
// (paused, ended, not taking grants) ends as failed with the reason in detail. Each
// transaction first checks `fence`. Returns the number of coupons issued. InvalidArgument for
// batch_limit <= 0; the fence's and the db errors; Aborted when a batch lost
// coupons::kIssueAttempts races for the stock's counters (the next run resumes it).
Result<int64_t> RunSegmentGrants(db::Db& db, const members::TierPolicy& tiers, RandomSource& random,
                                 int64_t now, int64_t batch_limit, const db::Fence& fence = {});

}  // namespace mileage::growth
