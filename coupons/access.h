#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "coupons/types.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::coupons {

// Who among the staff sees and acts on a stock, its coupons and its redemptions: the one
// visibility rule of the coupons domain (docs/API.md, "Coupons (domain)"), on top of
// org::Authorizer's role table.
//
// A staff member sees a stock when it was created in their subtree (they "own" it), or at an
// ancestor of their scope node and it is redeemable at a store of their subtree (a brand
// campaign is visible to the dealers whose stores take it). Anything else answers NotFound with
// the object's own reason (STOCK_NOT_FOUND, COUPON_NOT_FOUND, REDEMPTION_NOT_FOUND), exactly
// like an unknown id, so dealer A learns nothing about dealer B's campaigns. Changing a stock
// and granting it need ownership: a visible stock that is not owned answers PermissionDenied.
// A redemption is seen by the staff of its store's subtree and the owners of its stock. The
// system actor sees and may do everything. Stateless; safe for concurrent use.
class StockAccess {
 public:
  explicit StockAccess(const org::Authorizer& authorizer) : authorizer_(authorizer) {}

  // OK when `actor` sees `stock` and the role has `action` (read-like actions: stock.read,
  // coupon.redeem, redemption.read); NotFound `not_found` / PermissionDenied otherwise.
  Status CheckSees(const org::Actor& actor, const Stock& stock, org::Action action,
                   const Status& not_found) const;
  // OK when `actor` owns `stock` and the role has `action` (stock.write, coupon.grant);
  // NotFound `not_found` when the stock is not visible, PermissionDenied when it is visible
  // but not owned or the role lacks the action.
  Status CheckOwns(const org::Actor& actor, const Stock& stock, org::Action action,
                   const Status& not_found) const;
  // OK when `actor` sees `redemption` (of `stock`) and the role has `action`.
  Status CheckRedemption(const org::Actor& actor, const Redemption& redemption, const Stock& stock,
                         org::Action action, const Status& not_found) const;

  static bool Owns(const org::NodePath& scope, const Stock& stock);
  static bool Sees(const org::NodePath& scope, const Stock& stock);
  // Whether a coupon of `stock` may be redeemed at `store` (its store list, or its node's
  // subtree when the list is empty); payment rewards use the same stores.
  static bool RedeemableAt(const Stock& stock, const org::NodePath& store);

 private:
  const org::Authorizer& authorizer_;
};

// NotFound "<what> <id> not found" with `reason` (STOCK_NOT_FOUND, COUPON_NOT_FOUND...).
Status NotFoundOf(std::string_view what, int64_t id, std::string_view reason);

}  // namespace mileage::coupons
