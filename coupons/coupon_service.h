#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/paging.h"
#include "common/random.h"
#include "common/result.h"
#include "coupons/issuer.h"
#include "coupons/qr_tokens.h"
#include "coupons/types.h"
#include "db/db.h"
#include "db/transaction_runner.h"
#include "members/types.h"

namespace mileage::coupons {

// A stock a member may claim now, with what is left of it and how many the member holds.
struct ClaimableStock {
  Stock stock;
  int64_t remaining = 0;
  int64_t claimed = 0;
};

// The member side of coupons (the mini-program's /api/mp/ routes): what a member may claim,
// claiming, the member's coupons and their QR tokens. The member comes from the member session
// (MemberRef), never from input; another brand's stock or another member's coupon answers
// NotFound exactly like an unknown id. A claim is one short transaction through `transactions`
// (group commit on SQLite) that issues through the Issuer; a claim that lost a race with a
// concurrent one is run again (kIssueAttempts in all). Owned by the composition root; safe for
// concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID, INVALID_PAGE; the db errors.
class CouponService {
 public:
  // At most this many stocks are offered at once (ClaimableStocks).
  static constexpr int64_t kMaxOffered = 200;

  CouponService(db::Db& db, db::TransactionRunner& transactions, RandomSource& random,
                const QrTokens& tokens, const members::TierPolicy& tiers)
      : db_(db),
        transactions_(transactions),
        random_(random),
        issuer_(random),
        tokens_(tokens),
        tiers_(tiers) {}

  // The stocks of the member's brand the member may claim at `now`: active, taking claims,
  // inside their window, of a tier the member meets, not sold out (nor today's quantity), and
  // below the member's limit; id order, at most kMaxOffered. Errors: NotFound MEMBER_NOT_FOUND.
  Result<std::vector<ClaimableStock>> ClaimableStocks(const MemberRef& member, int64_t now);
  // Issues a coupon of `stock_id` to the member (durably committed when it returns).
  // Errors: NotFound STOCK_NOT_FOUND (unknown or another brand's); FailedPrecondition NOT_ACTIVE
  // (not active, or its window is over), NOT_ELIGIBLE (it takes no claims, or the member's tier
  // is below its min_tier), LIMIT_REACHED, SOLD_OUT (also when today's quantity is gone), in
  // that order; Aborted when it lost kIssueAttempts races in a row.
  Result<Coupon> Claim(const MemberRef& member, int64_t stock_id, int64_t now);
  // The member's coupons as of `now` (WithStocks), newest first, optionally in one state, each
  // with its stock.
  Result<PageOf<CouponDetail>> MemberCoupons(const MemberRef& member,
                                             const std::optional<CouponState>& state,
                                             const PageRequest& page, int64_t now);
  // How many of the member's coupons are usable at the counter as of `now`: issued, not past
  // expires_at and not held for an appointment, in one query.
  Result<int64_t> UsableCount(const MemberRef& member, int64_t now);
  Result<int64_t> UsableCount(db::Connection& conn, const MemberRef& member, int64_t now);
  // The coupon as of `now`. Errors: NotFound COUPON_NOT_FOUND (unknown or another member's).
  Result<CouponDetail> MemberCoupon(const MemberRef& member, int64_t coupon_id, int64_t now);
  // A QR token for the member's coupon, valid QrTokens::kLifetimeS. Errors: NotFound
  // COUPON_NOT_FOUND; FailedPrecondition ALREADY_REDEEMED, COUPON_EXPIRED, COUPON_VOIDED,
  // COUPON_NOT_YET_VALID (rules.h CheckUsable), COUPON_RESERVED (held for an appointment, which
  // redeems it at the visit: the counter would refuse it).
  Result<QrToken> MemberQrToken(const MemberRef& member, int64_t coupon_id, int64_t now);

 private:
  // The work of one claim transaction.
  Result<Coupon> ClaimIn(db::Connection& conn, const MemberRef& member, int64_t stock_id,
                         int64_t now);
  Result<CouponDetail> FindOwned(db::Connection& conn, const MemberRef& member, int64_t coupon_id,
                                 int64_t now);

  db::Db& db_;
  db::TransactionRunner& transactions_;
  RandomSource& random_;
  const Issuer issuer_;
  const QrTokens& tokens_;
  const members::TierPolicy tiers_;
};

// The stocks of `coupons`, each read once (with its stores), paired with its coupons, each
// coupon as of `now`: an issued coupon past its expires_at reads expired (what it is, though the
// coupon_expiry job has not moved it yet), as CouponStore::OfMember's state filter counts it.
Result<std::vector<CouponDetail>> WithStocks(db::Connection& conn, std::vector<Coupon> coupons,
                                             int64_t now);

}  // namespace mileage::coupons
