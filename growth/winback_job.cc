#include "growth/winback_job.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "coupons/issuer.h"
#include "coupons/rule_grant.h"
#include "db/outbox.h"
#include "growth/winback_places.h"
#include "growth/winback_store.h"
#include "growth/winback_types.h"
#include "members/member_drift.h"
#include "members/member_profile.h"

namespace mileage::growth {
namespace {

constexpr int64_t kDay = 86400;
// How far back returns are looked for: the come-back window and a week of a stopped scheduler.
constexpr int64_t kReturnLookbackS = kComeBackWindowS + 7 * kDay;

// Whether `member` had a win-back for their current episode or within the cooling-off.
bool Covered(const std::vector<PastWinback>& past, const members::DriftingMember& member,
             int64_t cooling_since) {
  for (const PastWinback& p : past) {
    if (p.member_id != member.id) continue;
    if (p.episode_at == member.last_visit_at || p.created_at > cooling_since) return true;
  }
  return false;
}

// One win-back's work on the batch's transaction.
class WinBacker {
 public:
  WinBacker(db::Connection& conn, const WinbackSettings& settings, const members::TierPolicy& tiers,
            RandomSource& random, Places& places, int64_t now)
      : conn_(conn),
        settings_(settings),
        tiers_(tiers),
        issuer_(random),
        places_(places),
        now_(now) {}

  // The member's win-back for their episode unless another run wrote it first: whether it did.
  Result<bool> WinBack(const members::DriftingMember& member) {
    MILEAGE_ASSIGN_OR_RETURN(Place place, places_.Of(conn_, member.store_id));
    WinbackGrant g;
    g.brand_id = settings_.brand_id;
    g.member_id = member.id;
    g.episode_at = member.last_visit_at;
    g.store_id = member.store_id;
    g.dealer_id = place.path.dealer_id;
    g.outcome = settings_.stock_id.has_value() ? kOutcomeNoCoupon : kOutcomeMessageOnly;
    g.stock_id = settings_.stock_id;
    g.created_at = now_;
    WinbackStore store(conn_);
    // The row comes first: the claim on the episode that a concurrent run waits on.
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, store.InsertGrant(g));
    if (!id.has_value()) return false;
    coupons::RuleGrant given;
    if (settings_.stock_id.has_value()) {
      coupons::RuleGrantRequest request;
      request.brand_id = settings_.brand_id;
      request.stock_id = *settings_.stock_id;
      request.member_id = member.id;
      request.member_tier = member.tier;
      request.source_ref = "winback:" + std::to_string(*id);
      request.now = now_;
      MILEAGE_ASSIGN_OR_RETURN(given, coupons::GrantForRule(conn_, issuer_, tiers_, request));
      if (given.coupon_id.has_value()) g.outcome = kOutcomeCoupon;
    }
    MILEAGE_ASSIGN_OR_RETURN(bool consent, members::MemberProfiles::Granted(
                                               conn_, member.id, members::ConsentKind::kMarketing));
    if (consent) {
      MILEAGE_RETURN_IF_ERROR(
          db::AddOutboxEvent(conn_, kWinbackTopic, settings_.brand_id, std::to_string(*id),
                             db::PayloadJson({{"winback_id", *id},
                                              {"member_id", member.id},
                                              {"brand_id", settings_.brand_id},
                                              {"last_visit_at", member.last_visit_at},
                                              {"store_id", member.store_id},
                                              {"dealer_id", g.dealer_id},
                                              {"days_away", (now_ - member.last_visit_at) / kDay},
                                              {"coupon_id", given.coupon_id.value_or(0)},
                                              {"outcome", g.outcome},
                                              {"reason", given.reason}}),
                             now_));
    }
    MILEAGE_RETURN_IF_ERROR(
        store.SetOutcome(*id, g.outcome, given.reason, given.coupon_id, consent));
    return true;
  }

 private:
  db::Connection& conn_;
  const WinbackSettings& settings_;
  const members::TierPolicy& tiers_;
  const coupons::Issuer issuer_;
  Places& places_;
  const int64_t now_;
};

// Records the returns of recent win-backs, batch by batch: how many.
Result<int64_t> RecordReturns(db::Db& db, int64_t now, int64_t batch_limit,
                              const db::Fence& fence) {
  int64_t total = 0;
  int64_t after_id = 0;
  for (;;) {
    int64_t found = 0;
    int64_t marked = 0;
    int64_t last_id = after_id;
    const Status batch = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
      marked = 0;
      WinbackStore store(conn);
      MILEAGE_ASSIGN_OR_RETURN(std::vector<WinbackGrant> waiting,
                               store.AwaitingReturn(now - kReturnLookbackS, after_id, batch_limit));
      found = static_cast<int64_t>(waiting.size());
      if (waiting.empty()) return Status::Ok();
      last_id = waiting.back().id;
      std::vector<int64_t> members;
      for (const WinbackGrant& g : waiting) members.push_back(g.member_id);
      MILEAGE_ASSIGN_OR_RETURN(auto visits, members::MemberDrift(conn).LastVisits(members));
      for (const WinbackGrant& g : waiting) {
        auto it = visits.find(g.member_id);
        if (it == visits.end() || it->second <= g.created_at) continue;
        MILEAGE_RETURN_IF_ERROR(store.MarkReturned(g.id, it->second));
        ++marked;
      }
      return Status::Ok();
    });
    MILEAGE_RETURN_IF_ERROR(batch);
    total += marked;
    if (found < batch_limit) break;
    after_id = last_id;
  }
  return total;
}

// The win-backs of one brand's drifting owners, batch by batch: how many were written.
Result<int64_t> RunBrand(db::Db& db, const WinbackSettings& settings,
                         const members::TierPolicy& tiers, RandomSource& random, int64_t now,
                         int64_t batch_limit, const db::Fence& fence) {
  const members::DriftCut cut = CutOf(settings, now);
  const int64_t cooling_since = now - settings.cooldown_days * kDay;
  Places places;
  int64_t total = 0;
  std::optional<std::pair<int64_t, int64_t>> after;
  for (;;) {
    int64_t found = 0;
    int64_t written = 0;
    std::optional<std::pair<int64_t, int64_t>> last = after;
    const Status batch = db::InTransaction(
        db,
        [&](db::Connection& conn) -> Status {
          MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
          written = 0;
          members::DriftPage page;
          page.after = after;
          page.limit = batch_limit;
          MILEAGE_ASSIGN_OR_RETURN(std::vector<members::DriftingMember> drifting,
                                   members::MemberDrift(conn).Drifting(cut, page, now));
          found = static_cast<int64_t>(drifting.size());
          if (drifting.empty()) return Status::Ok();
          last = std::make_pair(drifting.back().last_visit_at, drifting.back().id);
          std::vector<int64_t> ids;
          for (const members::DriftingMember& m : drifting) ids.push_back(m.id);
          MILEAGE_ASSIGN_OR_RETURN(std::vector<PastWinback> past, WinbackStore(conn).PastOf(ids));
          WinBacker backer(conn, settings, tiers, random, places, now);
          for (const members::DriftingMember& m : drifting) {
            if (Covered(past, m, cooling_since)) continue;
            MILEAGE_ASSIGN_OR_RETURN(bool wrote, backer.WinBack(m));
            if (wrote) ++written;
          }
          return Status::Ok();
        },
        coupons::kIssueAttempts);
    MILEAGE_RETURN_IF_ERROR(batch);
    total += written;
    if (found < batch_limit) break;
    after = last;
  }
  return total;
}

}  // namespace

Result<WinbackRun> RunWinback(db::Db& db, const members::TierPolicy& tiers, RandomSource& random,
                              int64_t now, int64_t batch_limit, const db::Fence& fence) {
  if (batch_limit <= 0 || batch_limit > 1000) {
    return InvalidArgumentError("batch_limit must be 1..1000");
  }
  WinbackRun run;
  MILEAGE_ASSIGN_OR_RETURN(run.returned, RecordReturns(db, now, batch_limit, fence));
  std::vector<WinbackSettings> enabled;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(enabled, WinbackStore(*conn).EnabledSettings());
  }
  for (const WinbackSettings& settings : enabled) {
    MILEAGE_ASSIGN_OR_RETURN(int64_t granted,
                             RunBrand(db, settings, tiers, random, now, batch_limit, fence));
    run.granted += granted;
  }
  return run;
}

}  // namespace mileage::growth
