#pragma once

#include <cstdint>
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
  // Coupons (coupons/access.h decides which stocks, coupons and redemptions a caller sees).
  kStockRead,          // stocks (campaigns) and their numbers
  kStockWrite,         // create and change stocks
  kCouponGrant,        // grant a stock's coupons to members
  kCouponRedeem,       // redeem coupons at a store's counter
  kRedemptionRead,     // a store's redemptions
  kRedemptionReverse,  // take a redemption back
  // Partner settlement (points/settlement.h): the brand's statements; closing a period.
  kSettlementRead,
  kSettlementClose,
  // Service appointments (care/): a store's schedule, slots and appointments; schedules and
  // slots written; arrivals and completions marked (the latter redeems the attached coupon).
  kAppointmentRead,
  kScheduleWrite,
  kAppointmentWrite,
  // The brand's webhook endpoints and their deliveries (relay/): brand admins only, because an
  // endpoint receives every event of the brand (members, payments, coupons).
  kWebhookRead,
  kWebhookWrite,
  // Owner activities (care/): read a node's activities and sign-ups; create and cancel them and
  // check members in at the event.
  kActivityRead,
  kActivityWrite,
  // Birthday and anniversary care (care/): the brand's care rules (they belong to the brand
  // node) read and written; the greetings the job wrote, read in the caller's scope.
  kCareRuleRead,
  kCareRuleWrite,
  kCareGreetingRead,
  // The brand's WeChat subscribe-message templates (care/): brand admins write them; analysts
  // and brand admins read them.
  kSubscriptionRead,
  kSubscriptionWrite,
  // Maintenance reminders (care/): the brand's service intervals; writing them and marking
  // service stores is for brand admins.
  kServiceIntervalRead,
  kServiceIntervalWrite,
  // Referrals (growth/, 老带新): the brand's referral rule and its referrals (they belong to
  // the brand node); brand admins write the rule, brand-scope readers read both.
  kReferralRead,
  kReferralWrite,
  // Visit feedback (growth/feedback_*): NPS reports and detractor lists read in the caller's
  // scope; following a detractor up (open -> contacted -> resolved) at a store of the scope.
  kFeedbackRead,
  kFeedbackFollowUp,
  // Churn and win-back (growth/): the drifting owners of the caller's scope and the come-back
  // report, read by brand admins, region and dealer managers (who follow them up) and analysts;
  // the brand's win-back settings and rule (it spends a brand stock) written by brand admins.
  kWinbackRead,
  kWinbackWrite,
  // Tags and segments (growth/): segments, RFM thresholds and segment grants belong to the
  // brand node, so only brand-scope staff reach them: analysts and brand admins read them,
  // brand admins write them and grant a stock to a segment. Manual tags on a member are
  // written by brand admins and region and dealer managers, on the members they see.
  kSegmentRead,
  kSegmentWrite,
  kSegmentGrant,
  kTagWrite,
};

// "store.write" etc., for logs, route listings and the audit records of refused routes.
std::string_view ActionName(Action action);
// Whether the action only reads (kSelf counts as a read: it changes nothing but the caller's
// own session).
bool IsReadAction(Action action);
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
// The rule: a caller sees the subtree of their scope node. An object outside it answers
// NotFound, exactly as an id that does not exist, so nothing leaks about other dealers or
// brands; that includes the ancestors of the scope node, with one exception: every caller may
// read its own brand (kBrandRead). Inside the subtree, the role decides; a denial answers
// PermissionDenied. Routes declare their action and the console router refuses a role that
// never has it (CheckRole) before anything else, so a role without an action learns nothing
// about objects either.
//
// Roles: brand_admin may do everything in the brand; region_manager reads its region and
// manages dealers, stores and staff in it; dealer_manager reads its dealer and manages its
// stores and staff; both read the merchants in their scope but never write them, because a
// merchant's platform keys decide whose payment notifications are believed (and so which
// points are credited), so registering merchants and changing their keys is for brand admins
// and the operator CLI only; store_clerk reads its store; analyst has every read action but
// the audit log, in its scope. The brand's apps belong to the brand node: brand-level staff
// read them, brand admins write them. Staff may only create or manage staff with a role
// strictly below their own, inside their scope; a brand admin may also manage another brand
// admin of the brand (never create one, never act on itself). Members, payments and earning
// rules: every role reads them in its scope; region and dealer managers and brand admins write
// earning rules (a brand's rule sits on the brand node, so only brand-scope staff reach it).
// Which members a caller sees is decided by payments::MemberViews, which then asks for
// kMemberRead at the caller's scope node. Coupons: every role reads stocks and redemptions in
// its scope; region and dealer managers and brand admins write stocks, grant coupons and
// reverse redemptions; they and store clerks redeem. Which stocks a caller sees beyond its
// subtree (an ancestor's campaign its stores take) is coupons::StockAccess's rule.
// Appointments: every role reads them in its scope; region and dealer managers and brand
// admins write schedules and slots; they and store clerks check members in and complete.
// Webhooks: brand admins only (an analyst does not read them either: an endpoint receives every
// member event of the brand).
// Activities: as appointments' reads and writes (every role reads them in its scope; managers,
// brand admins and store clerks create, cancel and check in).
// Care rules: brand admins write them; brand-scope readers (an analyst at the brand) read them.
// Care greetings: brand admins, region and dealer managers and analysts read them in their
// scope; store clerks do not.
// Subscribe-message templates: brand admins only write them (they decide what reaches every
// member of the brand); analysts read them as every other read.
// Service intervals and service stores: brand admins write them; they and analysts read the
// intervals (which sit on the brand node, so only brand-scope staff reach them).
// Referrals: brand admins write the brand's referral rule; they and analysts read the rule and
// the brand's referrals (brand node: only brand-scope staff reach them). Region and dealer
// managers and store clerks do not: a referral links two members of anywhere in the brand.
// Visit feedback: every role reads NPS and detractors in its scope (analysts too); brand
// admins, region and dealer managers follow detractors up at their stores; store clerks and
// analysts do not (a follow-up is a manager's call to an unhappy owner).
//
// Actors: the system actor (the operator CLI, Actor::System) is always allowed; an Actor that
// is neither staff nor the system is always refused (PermissionDenied). Stateless; safe for
// concurrent use.
class Authorizer {
 public:
  Decision Decide(const Principal& principal, Action action, const NodePath& object) const;
  bool RoleAllows(Role role, Action action) const;

  // Decide as a Status: OK; NotFound "<what> not found"; PermissionDenied.
  Status Check(const Actor& actor, Action action, const NodePath& object,
               std::string_view what) const;
  // PermissionDenied unless the actor's role may ever do `action` (what the console router
  // checks before a route's handler runs). OK for the system actor.
  Status CheckRole(const Actor& actor, Action action) const;
  // For a list: PermissionDenied when the role never has `action`; when the list is filtered
  // by a parent node, NotFound "<parent_what> not found" when that node is neither in the
  // caller's subtree nor one of its ancestors (the list itself stays inside the subtree).
  Status CheckList(const Actor& actor, Action action, const std::optional<NodePath>& parent,
                   std::string_view parent_what) const;
  // Creating or managing (deactivating, reactivating, resetting the password of, changing the
  // role or scope of) a staff account with `target_role` at `target_scope`: Check of
  // kStaffWrite on the scope node, then PermissionDenied unless the target role ranks strictly
  // below the caller's. `existing_staff_id` names the account when it exists already: a brand
  // admin may then manage another brand admin (but not itself).
  Status CheckStaffManagement(const Actor& actor, Role target_role, const NodePath& target_scope,
                              std::string_view what,
                              std::optional<int64_t> existing_staff_id = std::nullopt) const;

  // Whether `object` lies in the subtree of `scope` (the scope node itself included).
  static bool InSubtree(const NodePath& scope, const NodePath& object);
  // Whether `object` is a strict ancestor of `scope`.
  static bool IsAncestor(const NodePath& object, const NodePath& scope);
};

}  // namespace mileage::org
