#include "org/authorizer.h"

#include <string>

namespace mileage::org {
namespace {

bool IsRead(Action action) {
  switch (action) {
    case Action::kBrandRead:
    case Action::kRegionRead:
    case Action::kDealerRead:
    case Action::kStoreRead:
    case Action::kMerchantRead:
    case Action::kAppRead:
    case Action::kPartnerRead:
    case Action::kWebhookRead:
    case Action::kStaffRead:
    case Action::kAuditRead:
    case Action::kMemberRead:
    case Action::kPaymentRead:
    case Action::kEarningRuleRead:
    case Action::kStockRead:
    case Action::kRedemptionRead:
    case Action::kSettlementRead:
    case Action::kAppointmentRead:
    case Action::kActivityRead:
    case Action::kCareRuleRead:
    case Action::kCareGreetingRead:
    case Action::kSubscriptionRead:
    case Action::kServiceIntervalRead:
    case Action::kReferralRead:
    case Action::kFeedbackRead:
    case Action::kWinbackRead:
    case Action::kSegmentRead:
      return true;
    default:
      return false;
  }
}

// What region and dealer managers may do with members, payments and earning rules: all of it.
bool IsMembershipAction(Action action) {
  return action == Action::kMemberRead || action == Action::kPaymentRead ||
         action == Action::kEarningRuleRead || action == Action::kEarningRuleWrite;
}

// What region and dealer managers may do with coupons: all of it.
bool IsCouponAction(Action action) {
  return action == Action::kStockRead || action == Action::kStockWrite ||
         action == Action::kCouponGrant || action == Action::kCouponRedeem ||
         action == Action::kRedemptionRead || action == Action::kRedemptionReverse;
}

// What region and dealer managers may do with appointments and activities: all of it.
bool IsAppointmentAction(Action action) {
  return action == Action::kAppointmentRead || action == Action::kScheduleWrite ||
         action == Action::kAppointmentWrite || action == Action::kActivityRead ||
         action == Action::kActivityWrite;
}

Status NotFound(std::string_view what) { return NotFoundError(std::string(what) + " not found"); }

Status NoActor() { return PermissionDeniedError("no signed-in staff member or operator"); }

Status Forbidden(Action action) {
  return PermissionDeniedError("your role may not do " + std::string(ActionName(action)) + " here");
}

Status FromDecision(Decision decision, Action action, std::string_view what) {
  switch (decision) {
    case Decision::kAllow:
      return Status::Ok();
    case Decision::kNotFound:
      return NotFound(what);
    case Decision::kForbidden:
      return Forbidden(action);
  }
  return InternalError("unknown authorization decision");
}

}  // namespace

bool IsReadAction(Action action) { return action == Action::kSelf || IsRead(action); }

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kSelf:
      return "self";
    case Action::kBrandRead:
      return "brand.read";
    case Action::kBrandWrite:
      return "brand.write";
    case Action::kRegionRead:
      return "region.read";
    case Action::kRegionWrite:
      return "region.write";
    case Action::kDealerRead:
      return "dealer.read";
    case Action::kDealerWrite:
      return "dealer.write";
    case Action::kStoreRead:
      return "store.read";
    case Action::kStoreWrite:
      return "store.write";
    case Action::kMerchantRead:
      return "merchant.read";
    case Action::kMerchantWrite:
      return "merchant.write";
    case Action::kAppRead:
      return "app.read";
    case Action::kAppWrite:
      return "app.write";
    case Action::kPartnerRead:
      return "partner.read";
    case Action::kPartnerWrite:
      return "partner.write";
    case Action::kStaffRead:
      return "staff.read";
    case Action::kStaffWrite:
      return "staff.write";
    case Action::kAuditRead:
      return "audit.read";
    case Action::kMemberRead:
      return "member.read";
    case Action::kPaymentRead:
      return "payment.read";
    case Action::kEarningRuleRead:
      return "earning_rule.read";
    case Action::kEarningRuleWrite:
      return "earning_rule.write";
    case Action::kStockRead:
      return "stock.read";
    case Action::kStockWrite:
      return "stock.write";
    case Action::kCouponGrant:
      return "coupon.grant";
    case Action::kCouponRedeem:
      return "coupon.redeem";
    case Action::kRedemptionRead:
      return "redemption.read";
    case Action::kRedemptionReverse:
      return "redemption.reverse";
    case Action::kSettlementRead:
      return "settlement.read";
    case Action::kSettlementClose:
      return "settlement.close";
    case Action::kAppointmentRead:
      return "appointment.read";
    case Action::kScheduleWrite:
      return "schedule.write";
    case Action::kAppointmentWrite:
      return "appointment.write";
    case Action::kWebhookRead:
      return "webhook.read";
    case Action::kWebhookWrite:
      return "webhook.write";
    case Action::kActivityRead:
      return "activity.read";
    case Action::kActivityWrite:
      return "activity.write";
    case Action::kCareRuleRead:
      return "care_rule.read";
    case Action::kCareRuleWrite:
      return "care_rule.write";
    case Action::kCareGreetingRead:
      return "care_greeting.read";
    case Action::kSubscriptionRead:
      return "subscription.read";
    case Action::kSubscriptionWrite:
      return "subscription.write";
    case Action::kServiceIntervalRead:
      return "service_interval.read";
    case Action::kServiceIntervalWrite:
      return "service_interval.write";
    case Action::kReferralRead:
      return "referral.read";
    case Action::kReferralWrite:
      return "referral.write";
    case Action::kFeedbackRead:
      return "feedback.read";
    case Action::kFeedbackFollowUp:
      return "feedback.follow_up";
    case Action::kWinbackRead:
      return "winback.read";
    case Action::kWinbackWrite:
      return "winback.write";
    case Action::kSegmentRead:
      return "segment.read";
    case Action::kSegmentWrite:
      return "segment.write";
    case Action::kSegmentGrant:
      return "segment.grant";
    case Action::kTagWrite:
      return "tag.write";
  }
  return "?";
}

Action ReadActionFor(NodeType type) {
  switch (type) {
    case NodeType::kBrand:
      return Action::kBrandRead;
    case NodeType::kRegion:
      return Action::kRegionRead;
    case NodeType::kDealer:
      return Action::kDealerRead;
    case NodeType::kStore:
      return Action::kStoreRead;
  }
  return Action::kBrandRead;
}

Action WriteActionFor(NodeType type) {
  switch (type) {
    case NodeType::kBrand:
      return Action::kBrandWrite;
    case NodeType::kRegion:
      return Action::kRegionWrite;
    case NodeType::kDealer:
      return Action::kDealerWrite;
    case NodeType::kStore:
      return Action::kStoreWrite;
  }
  return Action::kBrandWrite;
}

bool Authorizer::RoleAllows(Role role, Action action) const {
  if (action == Action::kSelf || action == Action::kBrandRead) return true;
  switch (role) {
    case Role::kBrandAdmin:
      return true;
    case Role::kRegionManager:
      return action == Action::kRegionRead || action == Action::kDealerRead ||
             action == Action::kDealerWrite || action == Action::kStoreRead ||
             action == Action::kStoreWrite || action == Action::kMerchantRead ||
             action == Action::kStaffRead || action == Action::kStaffWrite ||
             IsMembershipAction(action) || IsCouponAction(action) || IsAppointmentAction(action) ||
             action == Action::kCareGreetingRead || action == Action::kFeedbackRead ||
             action == Action::kFeedbackFollowUp || action == Action::kWinbackRead ||
             action == Action::kTagWrite;
    case Role::kDealerManager:
      return action == Action::kDealerRead || action == Action::kStoreRead ||
             action == Action::kStoreWrite || action == Action::kMerchantRead ||
             action == Action::kStaffRead || action == Action::kStaffWrite ||
             IsMembershipAction(action) || IsCouponAction(action) || IsAppointmentAction(action) ||
             action == Action::kCareGreetingRead || action == Action::kFeedbackRead ||
             action == Action::kFeedbackFollowUp || action == Action::kWinbackRead ||
             action == Action::kTagWrite;
    case Role::kStoreClerk:
      return action == Action::kStoreRead || action == Action::kMemberRead ||
             action == Action::kPaymentRead || action == Action::kEarningRuleRead ||
             action == Action::kStockRead || action == Action::kCouponRedeem ||
             action == Action::kRedemptionRead || action == Action::kAppointmentRead ||
             action == Action::kAppointmentWrite || action == Action::kActivityRead ||
             action == Action::kActivityWrite || action == Action::kFeedbackRead;
    case Role::kAnalyst:
      return IsRead(action) && action != Action::kAuditRead && action != Action::kWebhookRead;
  }
  return false;
}

bool Authorizer::InSubtree(const NodePath& scope, const NodePath& object) {
  if (scope.brand_id == 0 || object.brand_id != scope.brand_id) return false;
  if (static_cast<int>(object.type) < static_cast<int>(scope.type)) return false;
  return object.IdAt(scope.type) == scope.id();
}

bool Authorizer::IsAncestor(const NodePath& object, const NodePath& scope) {
  if (object.brand_id == 0 || object.brand_id != scope.brand_id) return false;
  if (static_cast<int>(object.type) >= static_cast<int>(scope.type)) return false;
  return scope.IdAt(object.type) == object.id();
}

Decision Authorizer::Decide(const Principal& principal, Action action,
                            const NodePath& object) const {
  if (InSubtree(principal.scope, object)) {
    return RoleAllows(principal.role, action) ? Decision::kAllow : Decision::kForbidden;
  }
  // Every caller may read its own brand (the name /me and the console show); every other
  // action on an ancestor answers like an object that does not exist.
  if (action == Action::kBrandRead && object.type == NodeType::kBrand &&
      IsAncestor(object, principal.scope)) {
    return Decision::kAllow;
  }
  return Decision::kNotFound;
}

Status Authorizer::Check(const Actor& actor, Action action, const NodePath& object,
                         std::string_view what) const {
  if (actor.is_system()) return Status::Ok();
  if (!actor.staff.has_value()) return NoActor();
  return FromDecision(Decide(*actor.staff, action, object), action, what);
}

Status Authorizer::CheckRole(const Actor& actor, Action action) const {
  if (actor.is_system()) return Status::Ok();
  if (!actor.staff.has_value()) return NoActor();
  if (!RoleAllows(actor.staff->role, action)) return Forbidden(action);
  return Status::Ok();
}

Status Authorizer::CheckList(const Actor& actor, Action action,
                             const std::optional<NodePath>& parent,
                             std::string_view parent_what) const {
  if (actor.is_system()) return Status::Ok();
  if (!actor.staff.has_value()) return NoActor();
  const Principal& principal = *actor.staff;
  if (parent.has_value() && !InSubtree(principal.scope, *parent) &&
      !IsAncestor(*parent, principal.scope)) {
    return NotFound(parent_what);
  }
  return CheckRole(actor, action);
}

Status Authorizer::CheckStaffManagement(const Actor& actor, Role target_role,
                                        const NodePath& target_scope, std::string_view what,
                                        std::optional<int64_t> existing_staff_id) const {
  MILEAGE_RETURN_IF_ERROR(Check(actor, Action::kStaffWrite, target_scope, what));
  if (actor.is_system()) return Status::Ok();
  const Principal& caller = *actor.staff;
  if (existing_staff_id.has_value() && *existing_staff_id == caller.staff_id) {
    return PermissionDeniedError("you may not manage your own account");
  }
  const bool brand_admin_peer = existing_staff_id.has_value() && caller.role == Role::kBrandAdmin &&
                                target_role == Role::kBrandAdmin;
  if (!brand_admin_peer && RoleRank(target_role) >= RoleRank(caller.role)) {
    return PermissionDeniedError("you may only manage staff whose role ranks below " +
                                 std::string(RoleName(caller.role)));
  }
  return Status::Ok();
}

}  // namespace mileage::org
