#pragma once

#include <cstdint>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/types.h"

namespace mileage::growth {

// What one run of the win-back job did.
struct WinbackRun {
  int64_t granted = 0;   // win-backs written (one per member and drift episode)
  int64_t returned = 0;  // earlier win-backs whose member was seen back
};

// The win-back job (docs/OPERATIONS.md "Win-back"). First it records returns: each win-back
// of the last 37 days (the 30-day window and a week for a stopped scheduler) not yet returned
// whose member's last visit is later than the grant gets returned_at = that visit. Then, for
// every brand whose win-back rule is enabled, each drifting owner (growth::CutOf, longest
// away first, `batch_limit` per transaction) gets one win-back for their drift episode unless
// they had one for it, or had any within the rule's cooldown_days: a winback_grants row,
// unique per (member, last visit) and written first so that a concurrent run waits on it and
// then skips the member, committed with the rule's coupon (coupons::GrantForRule, source_ref
// "winback:<id>"; none left: outcome no_coupon with the reason) and, only when the member's
// latest marketing consent is a grant, a "winback.drifted" outbox event that the
// subscribe-message consumer turns into a WeChat message (without consent the coupon still
// goes, silently). Each transaction first checks `fence` (the scheduler's lease), whose error
// rolls it back and ends the run; earlier batches stay committed, so a stopped run resumes
// where the members still lack their win-back. `tiers` decides a stock's lowest tier;
// `random` draws coupon codes. Errors: InvalidArgument for batch_limit outside 1..1000; the
// fence's and the db errors; Aborted when a batch lost coupons::kIssueAttempts races.
Result<WinbackRun> RunWinback(db::Db& db, const members::TierPolicy& tiers, RandomSource& random,
                              int64_t now, int64_t batch_limit, const db::Fence& fence = {});

}  // namespace mileage::growth
