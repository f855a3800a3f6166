#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/db.h"
#include "members/types.h"

namespace mileage::members {

// The tier downgrade job, run periodically (e.g. daily) by the composition root. Walks every
// member above the policy's first tier, `batch_limit` members per scan query, and for each
// member whose rolling 12-month activity qualifies for a lower tier than theirs:
//  - starts the grace period (tier_below_since = now) when it has not started;
//  - once now - tier_below_since >= grace_days days, moves them down to the tier they qualify
//    for in one step and records a TierChange ("grace ended: spend X fen, N visits in 12
//    months").
// A member who qualifies for their tier again has the grace period cleared. Members in a tier
// the policy does not name are left alone. Each member is decided and written in its own
// short transaction, re-reading its state under a row lock, so payments that land meanwhile
// are taken into account. Safe to run again at any time (idempotent for a given `now`); two
// concurrent runs do no harm but waste work.
//
// Each member's transaction first checks `fence` (db::Fence; the scheduler's lease), whose error
// rolls it back and ends the run.
//
// Returns the number of members moved down. Errors: InvalidArgument INVALID_TIER_POLICY
// (ValidateTierPolicy) or INVALID_FIELD when batch_limit is not 1..10000; the fence's or the db
// errors of the first member that failed (members before it keep their changes).
Result<int64_t> RunTierDowngrades(db::Db& db, const TierPolicy& policy, int64_t now,
                                  int64_t batch_limit, const db::Fence& fence = {});

}  // namespace mileage::members
