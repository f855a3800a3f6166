#include "members/tier_job.h"

#include <vector>

#include "members/member_store.h"
#include "members/rules.h"

namespace mileage::members {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMaxBatch = 10000;

// Decides and applies one member's step inside the caller's transaction; sets `downgraded`.
Status StepMember(MemberStore& store, const TierPolicy& policy, int64_t member_id, int64_t now,
                  bool& downgraded) {
  downgraded = false;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<TierState> state, store.LockTierState(member_id, now));
  if (!state.has_value()) return Status::Ok();
  const std::optional<size_t> current = TierRank(policy, state->tier);
  if (!current.has_value()) return Status::Ok();
  const size_t qualified = QualifiedRank(policy, state->spend_fen, state->visits);
  if (qualified >= *current) {
    if (!state->tier_below_since.has_value()) return Status::Ok();
    return store.SetTierBelowSince(member_id, std::nullopt, now);
  }
  if (!state->tier_below_since.has_value()) return store.SetTierBelowSince(member_id, now, now);
  if (now - *state->tier_below_since < policy.grace_days * kSecondsPerDay) return Status::Ok();
  MILEAGE_RETURN_IF_ERROR(
      store
          .ChangeTier(member_id, state->tier, policy.tiers[qualified].name,
                      "grace ended: " + ActivitySummary(state->spend_fen, state->visits), now)
          .status());
  downgraded = true;
  return Status::Ok();
}

}  // namespace

Result<int64_t> RunTierDowngrades(db::Db& db, const TierPolicy& policy, int64_t now,
                                  int64_t batch_limit, const db::Fence& fence) {
  MILEAGE_RETURN_IF_ERROR(ValidateTierPolicy(policy));
  if (batch_limit < 1 || batch_limit > kMaxBatch) {
    return InvalidArgumentError("batch_limit must be 1..10000", "INVALID_FIELD");
  }
  OsRandom no_draws;  // MemberStore wants a source; the job never enrolls, so never draws.
  int64_t downgraded_total = 0;
  int64_t after_id = 0;
  for (;;) {
    // The scan is a hint read outside any transaction; each member is re-read under its lock.
    std::vector<TierState> batch;
    {
      MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
      MemberStore store(*conn, no_draws);
      MILEAGE_ASSIGN_OR_RETURN(
          batch, store.ScanTiers(policy.tiers.front().name, after_id, batch_limit, now));
    }
    for (const TierState& seen : batch) {
      after_id = seen.member_id;
      const std::optional<size_t> current = TierRank(policy, seen.tier);
      if (!current.has_value()) continue;
      const bool below = QualifiedRank(policy, seen.spend_fen, seen.visits) < *current;
      // Nothing to do for a qualifying member without a grace period running.
      if (!below && !seen.tier_below_since.has_value()) continue;
      bool downgraded = false;
      const Status stepped = db::InTransaction(db, [&](db::Connection& conn) {
        MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
        MemberStore store(conn, no_draws);
        return StepMember(store, policy, seen.member_id, now, downgraded);
      });
      MILEAGE_RETURN_IF_ERROR(stepped);
      if (downgraded) ++downgraded_total;
    }
    if (static_cast<int64_t>(batch.size()) < batch_limit) break;
  }
  return downgraded_total;
}

}  // namespace mileage::members
