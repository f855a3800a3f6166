#include "coupons/access.h"

namespace mileage::coupons {

Status NotFoundOf(std::string_view what, int64_t id, std::string_view reason) {
  return NotFoundError(std::string(what) + " " + std::to_string(id) + " not found",
                       std::string(reason));
}

bool StockAccess::Owns(const org::NodePath& scope, const Stock& stock) {
  return org::Authorizer::InSubtree(scope, stock.node);
}

bool StockAccess::Sees(const org::NodePath& scope, const Stock& stock) {
  if (Owns(scope, stock)) return true;
  if (!org::Authorizer::IsAncestor(stock.node, scope)) return false;
  if (stock.stores.empty()) return true;  // every store below the stock's node, scope's included
  for (const org::NodePath& store : stock.stores) {
    if (org::Authorizer::InSubtree(scope, store)) return true;
  }
  return false;
}

bool StockAccess::RedeemableAt(const Stock& stock, const org::NodePath& store) {
  if (stock.stores.empty()) return org::Authorizer::InSubtree(stock.node, store);
  for (const org::NodePath& listed : stock.stores) {
    if (listed.store_id == store.store_id) return true;
  }
  return false;
}

Status StockAccess::CheckSees(const org::Actor& actor, const Stock& stock, org::Action action,
                              const Status& not_found) const {
  if (actor.is_system()) return Status::Ok();
  if (!actor.staff.has_value()) return authorizer_.CheckRole(actor, action);
  if (!Sees(actor.staff->scope, stock)) return not_found;
  return authorizer_.CheckRole(actor, action);
}

Status StockAccess::CheckOwns(const org::Actor& actor, const Stock& stock, org::Action action,
                              const Status& not_found) const {
  if (actor.is_system()) return Status::Ok();
  if (!actor.staff.has_value()) return authorizer_.CheckRole(actor, action);
  if (!Sees(actor.staff->scope, stock)) return not_found;
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, action));
  if (!Owns(actor.staff->scope, stock)) {
    return PermissionDeniedError("only staff of the node stock " + std::to_string(stock.id) +
                                 " was created at (or above it) may do " +
                                 std::string(org::ActionName(action)) + " on it");
  }
  return Status::Ok();
}

Status StockAccess::CheckRedemption(const org::Actor& actor, const Redemption& redemption,
                                    const Stock& stock, org::Action action,
                                    const Status& not_found) const {
  if (actor.is_system()) return Status::Ok();
  if (!actor.staff.has_value()) return authorizer_.CheckRole(actor, action);
  const org::NodePath& scope = actor.staff->scope;
  if (!org::Authorizer::InSubtree(scope, redemption.store) && !Owns(scope, stock)) {
    return not_found;
  }
  return authorizer_.CheckRole(actor, action);
}

}  // namespace mileage::coupons
