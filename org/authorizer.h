#pragma once

#include <optional>
#include <string_view>

#include "common/status.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::org {

// What a console route does. Every console route declares one (server/console/console_router.h).
enum class Action {
  kSelf,  // the caller's own session: /me, logout
  kBrandRead,
  kBrandWrite,
  kRegionRead,
  kRegionWrite,
  kDealerRead,
  kDealerWrite,
  kStoreRead,
  kStoreWrite,
  kMerchantRead,
  kMerchantWrite,  // register merchants, add/retire platform keys, (de)activate: brand admins
  kAppRead,        // the brand's WeChat apps (they belong to the brand node)
  kAppWrite,
  kPartnerRead,
  kPartnerWrite,
  kStaffRead,
  kStaffWrite,
  kAuditRead,
  kMemberRead,       // search members, read profiles and points (payments::MemberViews)
  kPaymentRead,      // transactions and refunds (payments::PaymentViews)
  kEarningRuleRead,  // earning rules of the brand or a store
  kEarningRuleWrite,
};

// "store.write" etc., for logs and route listings.
std::string_view ActionName(Action action);
// The read and write actions on hierarchy nodes of `type`.
Action ReadActionFor(NodeType type);
Action WriteActionFor(NodeType type);

// The answer to "may this principal do this action on this object?".
enum class Decision {
  kAllow,
  kNotFound,   // the object is outside the part of the hierarchy the caller can see: 404
  kForbidden,  // the caller can see the object but the role may not do this: 403
};

// The one place that decides console permissions from role and scope (DESIGN.md section 7).
// An object is identified by the path of the node it belongs to (a store's merchants belong
// to the store, partners and the audit log to the brand, a staff account to its scope node).
//
// The rule: a caller sees the subtree of their scope node and the chain of its ancestors (which
// /me names anyway). An object outside that answers NotFound, exactly as an id that does not
// exist, so nothing leaks about other dealers or brands. Inside it, the role decides; a denial
// answers PermissionDenied. On ancestors only kBrandRead is ever allowed.
//
// Roles: brand_admin may do everything in the brand; region_manager reads its region and
// manages dealers, stores and staff in it; dealer_manager reads its dealer and manages its
// stores and staff; both read the merchants in their scope but never write them, because a
// merchant's platform keys decide whose payment notifications are believed (and so which
// points are credited), so registering merchants and changing their keys is for brand admins
// and the operator CLI only; store_clerk reads its store; analyst has every read action but
// the audit log, in its scope. The brand's apps belong to the brand node: brand-level staff
// read them, brand admins write them. Staff may only create or deactivate staff
// with a role strictly below their own, inside their scope. Members, payments and earning
// rules: every role reads them in its scope; region and dealer managers and brand admins
// write earning rules (a brand's rule sits on the brand node, an ancestor of every scope but
// the brand's, so only brand admins write it). Which members a caller sees is decided by
// payments::MemberViews, which then asks for kMemberRead at the caller's scope node.
//
// Stateless; safe for concurrent use. System actors (the operator CLI) are always allowed.
class Authorizer {
 public:
  Decision Decide(const Principal& principal, Action action, const NodePath& object) const;
  bool RoleAllows(Role role, Action action) const;

  // Decide as a Status: OK; NotFound "<what> not found"; PermissionDenied.
  Status Check(const Actor& actor, Action action, const NodePath& object,
               std::string_view what) const;
  // For a list: PermissionDenied when the role never has `action`; when the list is filtered
  // by a parent node, NotFound "<parent_what> not found" when that node is not visible.
  Status CheckList(const Actor& actor, Action action, const std::optional<NodePath>& parent,
                   std::string_view parent_what) const;
  // Creating or deactivating a staff account with `target_role` at `target_scope`: Check of
  // kStaffWrite on the scope node, then PermissionDenied unless the target role ranks strictly
  // below the caller's.
  Status CheckStaffManagement(const Actor& actor, Role target_role, const NodePath& target_scope,
                              std::string_view what) const;

  // Whether `object` lies in the subtree of `scope` (the scope node itself included).
  static bool InSubtree(const NodePath& scope, const NodePath& object);
  // Whether `object` is a strict ancestor of `scope`.
  static bool IsAncestor(const NodePath& object, const NodePath& scope);
};

}  // namespace mileage::org
