#include "growth/grant_job.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "coupons/issuer.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "growth/segment_store.h"
#include "members/member_behaviour.h"

namespace mileage::growth {
namespace {

// How many running grants one run looks at.
constexpr int64_t kGrantsPerRun = 100;

// What one batch did.
struct BatchOutcome {
  int64_t granted = 0;
  int64_t skipped = 0;
  bool more = false;
};

// Issues one member's coupon on the batch's transaction: whether it was issued (false:
// skipped for a refusal). A refusal after the issuer wrote rolls back to a savepoint.
Result<bool> IssueOne(db::Connection& conn, const coupons::Issuer& issuer,
                      const SegmentGrant& grant, const members::TierPolicy& tiers,
                      const members::MemberTierStatus& member, int64_t member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::IssueContext> context,
                           coupons::StockStore(conn).LoadForIssue(grant.stock_id, member_id));
  if (!context.has_value()) return false;
  if (!coupons::MeetsTier(tiers, context->stock.min_tier, member.tier)) return false;
  if (!coupons::Issuer::CheckRoom(*context).ok()) return false;
  MILEAGE_RETURN_IF_ERROR(conn.Exec("SAVEPOINT segment_grant").status());
  Result<coupons::Coupon> issued = issuer.Issue(
      conn, *context,
      {member_id, coupons::Channel::kGrant, "segment:" + std::to_string(grant.id), now});
  if (issued.ok()) {
    MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT segment_grant").status());
    return true;
  }
  if (issued.status().code() != StatusCode::kFailedPrecondition) return issued.status();
  MILEAGE_RETURN_IF_ERROR(conn.Exec("ROLLBACK TO SAVEPOINT segment_grant").status());
  MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT segment_grant").status());
  return false;
}

// Why the grant's stock cannot issue now, or OK.
Status CheckStock(db::Connection& conn, const SegmentGrant& grant, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                           coupons::StockStore(conn).Find(grant.stock_id));
  if (!stock.has_value() || stock->node.brand_id != grant.brand_id) {
    return NotFoundError("the stock is gone", "STOCK_NOT_FOUND");
  }
  return coupons::CheckIssuing(*stock, coupons::Channel::kGrant, now);
}

// One batch of one grant in its own transaction.
Result<BatchOutcome> RunBatch(db::Db& db, int64_t grant_id, const members::TierPolicy& tiers,
                              RandomSource& random, int64_t now, int64_t batch_limit,
                              const db::Fence& fence) {
  BatchOutcome out;
  const coupons::Issuer issuer(random);
  const Status done = db::InTransaction(
      db,
      [&](db::Connection& conn) -> Status {
        MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
        out = BatchOutcome{};
        SegmentStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<SegmentGrant> grant, store.FindGrant(grant_id));
        if (!grant.has_value() || grant->state != kGrantRunning) return Status::Ok();
        if (Status stock = CheckStock(conn, *grant, now); !stock.ok()) {
          if (stock.reason().empty()) return stock;
          return store.Fail(grant_id, std::string(stock.reason()), now);
        }
        MILEAGE_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                                 store.GrantMembers(grant_id, grant->after_member_id, batch_limit));
        const bool last = static_cast<int64_t>(ids.size()) < batch_limit;
        const int64_t after = ids.empty() ? grant->after_member_id : ids.back();
        MILEAGE_ASSIGN_OR_RETURN(bool claimed,
                                 store.ClaimBatch(grant_id, grant->after_member_id, after, now));
        if (!claimed) return Status::Ok();
        MILEAGE_ASSIGN_OR_RETURN(auto standings,
                                 members::MemberBehaviours(conn).Standings(grant->brand_id, ids));
        for (int64_t member_id : ids) {
          auto it = standings.find(member_id);
          bool issued = false;
          if (it != standings.end() && it->second.status == "active") {
            MILEAGE_ASSIGN_OR_RETURN(
                issued, IssueOne(conn, issuer, *grant, tiers, it->second, member_id, now));
          }
          ++(issued ? out.granted : out.skipped);
        }
        MILEAGE_RETURN_IF_ERROR(store.AddCounts(grant_id, out.granted, out.skipped, last, now));
        out.more = !last;
        return Status::Ok();
      },
      coupons::kIssueAttempts);
  MILEAGE_RETURN_IF_ERROR(done);
  return out;
}

}  // namespace

Result<int64_t> RunSegmentGrants(db::Db& db, const members::TierPolicy& tiers, RandomSource& random,
                                 int64_t now, int64_t batch_limit, const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  std::vector<SegmentGrant> running;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(running, SegmentStore(*conn).RunningGrants(kGrantsPerRun));
  }
  int64_t granted = 0;
  for (const SegmentGrant& grant : running) {
    for (;;) {
      MILEAGE_ASSIGN_OR_RETURN(BatchOutcome batch,
                               RunBatch(db, grant.id, tiers, random, now, batch_limit, fence));
      granted += batch.granted;
      if (!batch.more) break;
    }
  }
  return granted;
}

}  // namespace mileage::growth
