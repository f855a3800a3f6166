#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "coupons/types.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::coupons {

// The SQL of coupons and coupon_redemptions on one connection, usually inside the caller's
// transaction. State changes are conditional updates on the state the change starts from, so
// that of concurrent writers exactly one moves a coupon (they return false when the coupon was
// not in that state). Lives for one use of its connection; not safe for concurrent use.
// Errors: the db::Connection errors (AlreadyExists when an insert hits a unique key).
class CouponStore {
 public:
  explicit CouponStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the coupon (its id is ignored) and returns the new id. AlreadyExists on the code,
  // the (stock, member, slot) or the (stock, member, source_ref) key.
  Result<int64_t> Insert(const Coupon& coupon);
  // `lock` reads the latest version and locks the row until commit (MySQL FOR UPDATE; SQLite's
  // write transaction holds the lock already).
  Result<std::optional<Coupon>> Find(int64_t id, bool lock = false);
  // The stock of each coupon of `coupon_ids` that exists, by coupon id; one statement.
  Result<std::map<int64_t, int64_t>> StocksOf(const std::vector<int64_t>& coupon_ids);
  Result<std::optional<Coupon>> FindByCode(std::string_view code);
  Result<std::optional<Coupon>> FindBySource(int64_t stock_id, int64_t member_id,
                                             std::string_view source_ref);
  // The member's coupons in the issued state (expired or not, held or not), id order.
  Result<std::vector<Coupon>> IssuedOfMember(int64_t member_id);
  // The member's coupons of any stock with `source_ref` (a payment's rewards), id order.
  Result<std::vector<Coupon>> OfMemberBySource(int64_t member_id, std::string_view source_ref);
  // The member's coupons whose source_ref starts with one of `prefixes` (an order's coupons:
  // "order:<id>:"), id order, in one query; none for no prefixes. Prefixes hold no LIKE
  // wildcards.
  Result<std::vector<Coupon>> OfMemberBySourcePrefixes(int64_t member_id,
                                                       const std::vector<std::string>& prefixes);
  // A page of the member's coupons, newest first, optionally in one state as of `now` (an
  // issued coupon past its expires_at counts as expired, not issued); with `viewer`, only those
  // whose stock staff scoped there see (coupons/access.h).
  Result<PageOf<Coupon>> OfMember(int64_t member_id, const std::optional<CouponState>& state,
                                  const PageRequest& page, int64_t now,
                                  const std::optional<org::NodePath>& viewer = std::nullopt);

  // How many coupons the member holds, optionally in one state as of `now` (OfMember's filter),
  // in one query.
  Result<int64_t> CountOfMember(int64_t member_id, const std::optional<CouponState>& state,
                                int64_t now);
  // How many of the member's coupons the counter would take at `now`: issued, not expired and
  // not held for an appointment, in one query.
  Result<int64_t> CountUsableOfMember(int64_t member_id, int64_t now);

  // issued -> redeemed with `redemption_id`, when the coupon is usable at `now` (valid_from <=
  // now <= expires_at) and held by `reservation` ("": held by nothing); clears the hold.
  Result<bool> MarkRedeemed(int64_t id, int64_t redemption_id, int64_t now,
                            std::string_view reservation = "");
  // Holds the member's issued, unheld coupon for `holder` (1..64 characters, e.g.
  // "appointment:7"); false when it is not the member's, not issued or held already.
  Result<bool> Reserve(int64_t id, int64_t member_id, std::string_view holder, int64_t now);
  // Frees the coupon when `holder` holds it; false otherwise.
  Result<bool> Release(int64_t id, std::string_view holder, int64_t now);
  // redeemed (by `redemption_id`) -> issued; or -> voided ("payment refunded") when its
  // payment was refunded below the reward rule while it was redeemed.
  Result<bool> Unredeem(int64_t id, int64_t redemption_id, int64_t now);
  // issued -> voided with `reason`.
  Result<bool> Void(int64_t id, std::string_view reason, int64_t now);
  // Sets reward_refunded_after_redemption on a redeemed coupon (false when it was set already
  // or the coupon is not redeemed).
  Result<bool> FlagRefundedAfterRedemption(int64_t id, int64_t now);

  // Moves the expiry of the stock's issued coupons that expire at `from` to `to` (a fixed
  // window made longer); returns how many moved.
  Result<int64_t> ExtendExpiry(int64_t stock_id, int64_t from, int64_t to, int64_t now);

  // Up to `limit` issued coupons whose expires_at is before `now`, oldest expiry first. A plain
  // read: ExpireOne decides.
  Result<std::vector<Coupon>> DueForExpiry(int64_t now, int64_t limit);
  // issued -> expired when the coupon is still issued and expires_at is before `now`.
  Result<bool> ExpireOne(int64_t id, int64_t now);

 private:
  db::Connection& conn_;
};

// The SQL of coupon_redemptions, as CouponStore. Errors: the db::Connection errors
// (AlreadyExists for a request id the brand used).
class RedemptionStore {
 public:
  explicit RedemptionStore(db::Connection& conn) : conn_(conn) {}

  Result<int64_t> Insert(const Redemption& redemption);
  Result<std::optional<Redemption>> Find(int64_t id);
  Result<std::optional<Redemption>> FindByRequest(int64_t brand_id, std::string_view request_id);
  // Records the reversal when the redemption was not reversed yet (false otherwise).
  Result<bool> MarkReversed(int64_t id, std::optional<int64_t> staff_id, std::string_view reason,
                            int64_t now);
  // The member's redemptions made at or after `since` (reversed ones included), newest first,
  // at most `limit`: the visits a member may rate (growth/feedback_visits.h).
  Result<std::vector<Redemption>> OfMemberSince(int64_t member_id, int64_t since, int64_t limit);
  // A page of one store's redemptions, newest first; with `window`, only those made in
  // [first, second).
  Result<PageOf<Redemption>> AtStore(int64_t store_id,
                                     const std::optional<std::pair<int64_t, int64_t>>& window,
                                     const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::coupons
