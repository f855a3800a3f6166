// The one authorization decision: visibility by scope (404) before the role matrix (403).
#include "org/authorizer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace mileage::org {
namespace {

// Brand 1: region 10 -> dealer 100 -> stores 1000, 1001; dealer 101 -> store 1010.
//          region 20 -> dealer 200 -> store 2000.
// Brand 2: region 30 -> dealer 300 -> store 3000.
const NodePath kBrand1 = NodePath::Brand(1);
const NodePath kRegion10 = kBrand1.Child(10);
const NodePath kRegion20 = kBrand1.Child(20);
const NodePath kDealer100 = kRegion10.Child(100);
const NodePath kDealer101 = kRegion10.Child(101);
const NodePath kDealer200 = kRegion20.Child(200);
const NodePath kStore1000 = kDealer100.Child(1000);
const NodePath kStore1001 = kDealer100.Child(1001);
const NodePath kStore1010 = kDealer101.Child(1010);
const NodePath kStore2000 = kDealer200.Child(2000);
const NodePath kBrand2 = NodePath::Brand(2);
const NodePath kStore3000 = kBrand2.Child(30).Child(300).Child(3000);

const std::vector<Action> kAllActions = {Action::kSelf,
                                         Action::kBrandRead,
                                         Action::kBrandWrite,
                                         Action::kRegionRead,
                                         Action::kRegionWrite,
                                         Action::kDealerRead,
                                         Action::kDealerWrite,
                                         Action::kStoreRead,
                                         Action::kStoreWrite,
                                         Action::kMerchantRead,
                                         Action::kMerchantWrite,
                                         Action::kAppRead,
                                         Action::kAppWrite,
                                         Action::kPartnerRead,
                                         Action::kPartnerWrite,
                                         Action::kStaffRead,
                                         Action::kStaffWrite,
                                         Action::kAuditRead,
                                         Action::kMemberRead,
                                         Action::kPaymentRead,
                                         Action::kEarningRuleRead,
                                         Action::kEarningRuleWrite,
                                         Action::kStockRead,
                                         Action::kStockWrite,
                                         Action::kCouponGrant,
                                         Action::kCouponRedeem,
                                         Action::kRedemptionRead,
                                         Action::kRedemptionReverse,
                                         Action::kSettlementRead,
                                         Action::kSettlementClose,
                                         Action::kAppointmentRead,
                                         Action::kScheduleWrite,
                                         Action::kAppointmentWrite,
                                         Action::kActivityRead,
                                         Action::kActivityWrite,
                                         Action::kCareRuleRead,
                                         Action::kCareRuleWrite,
                                         Action::kCareGreetingRead,
                                         Action::kSubscriptionRead,
                                         Action::kSubscriptionWrite,
                                         Action::kServiceIntervalRead,
                                         Action::kServiceIntervalWrite,
                                         Action::kReferralRead,
                                         Action::kReferralWrite,
                                         Action::kFeedbackRead,
                                         Action::kFeedbackFollowUp,
                                         Action::kWinbackRead,
                                         Action::kWinbackWrite,
                                         Action::kSegmentRead,
                                         Action::kSegmentWrite,
                                         Action::kSegmentGrant,
                                         Action::kTagWrite};

Principal Make(Role role, const NodePath& scope) { return Principal{7, "p", role, scope}; }

TEST(AuthorizerTest, PathsKnowTheirAncestors) {
  EXPECT_EQ(kStore1000.brand_id, 1);
  EXPECT_EQ(kStore1000.region_id, 10);
  EXPECT_EQ(kStore1000.dealer_id, 100);
  EXPECT_EQ(kStore1000.id(), 1000);
  EXPECT_TRUE(Authorizer::InSubtree(kRegion10, kStore1000));
  EXPECT_TRUE(Authorizer::InSubtree(kStore1000, kStore1000));
  EXPECT_FALSE(Authorizer::InSubtree(kDealer100, kStore1010));
  EXPECT_FALSE(Authorizer::InSubtree(kBrand1, kStore3000));
  EXPECT_TRUE(Authorizer::IsAncestor(kDealer100, kStore1000));
  EXPECT_TRUE(Authorizer::IsAncestor(kBrand1, kStore1000));
  EXPECT_FALSE(Authorizer::IsAncestor(kStore1000, kStore1000));
  EXPECT_FALSE(Authorizer::IsAncestor(kDealer101, kStore1000));
}

// The role matrix of docs/API.md, written out independently of the implementation.
const std::map<Role, std::set<Action>>& Matrix() {
  static const auto* matrix = new std::map<Role, std::set<Action>>{
      {Role::kBrandAdmin, std::set<Action>(kAllActions.begin(), kAllActions.end())},
      {Role::kRegionManager,
       {Action::kSelf,
        Action::kBrandRead,
        Action::kRegionRead,
        Action::kDealerRead,
        Action::kDealerWrite,
        Action::kStoreRead,
        Action::kStoreWrite,
        Action::kMerchantRead,
        Action::kStaffRead,
        Action::kStaffWrite,
        Action::kMemberRead,
        Action::kPaymentRead,
        Action::kEarningRuleRead,
        Action::kEarningRuleWrite,
        Action::kStockRead,
        Action::kStockWrite,
        Action::kCouponGrant,
        Action::kCouponRedeem,
        Action::kRedemptionRead,
        Action::kRedemptionReverse,
        Action::kAppointmentRead,
        Action::kScheduleWrite,
        Action::kAppointmentWrite,
        Action::kActivityRead,
        Action::kActivityWrite,
        Action::kCareGreetingRead,
        Action::kFeedbackRead,
        Action::kFeedbackFollowUp,
        Action::kWinbackRead,
        Action::kTagWrite}},
      {Role::kDealerManager,
       {Action::kSelf,
        Action::kBrandRead,
        Action::kDealerRead,
        Action::kStoreRead,
        Action::kStoreWrite,
        Action::kMerchantRead,
        Action::kStaffRead,
        Action::kStaffWrite,
        Action::kMemberRead,
        Action::kPaymentRead,
        Action::kEarningRuleRead,
        Action::kEarningRuleWrite,
        Action::kStockRead,
        Action::kStockWrite,
        Action::kCouponGrant,
        Action::kCouponRedeem,
        Action::kRedemptionRead,
        Action::kRedemptionReverse,
        Action::kAppointmentRead,
        Action::kScheduleWrite,
        Action::kAppointmentWrite,
        Action::kActivityRead,
        Action::kActivityWrite,
        Action::kCareGreetingRead,
        Action::kFeedbackRead,
        Action::kFeedbackFollowUp,
        Action::kWinbackRead,
        Action::kTagWrite}},
      {Role::kStoreClerk,
       {Action::kSelf, Action::kBrandRead, Action::kStoreRead, Action::kMemberRead,
        Action::kPaymentRead, Action::kEarningRuleRead, Action::kStockRead, Action::kCouponRedeem,
        Action::kRedemptionRead, Action::kAppointmentRead, Action::kAppointmentWrite,
        Action::kActivityRead, Action::kActivityWrite, Action::kFeedbackRead}},
      {Role::kAnalyst,
       {Action::kSelf,
        Action::kBrandRead,
        Action::kRegionRead,
        Action::kDealerRead,
        Action::kStoreRead,
        Action::kMerchantRead,
        Action::kAppRead,
        Action::kPartnerRead,
        Action::kStaffRead,
        Action::kMemberRead,
        Action::kPaymentRead,
        Action::kEarningRuleRead,
        Action::kStockRead,
        Action::kRedemptionRead,
        Action::kSettlementRead,
        Action::kAppointmentRead,
        Action::kActivityRead,
        Action::kCareRuleRead,
        Action::kCareGreetingRead,
        Action::kSubscriptionRead,
        Action::kServiceIntervalRead,
        Action::kReferralRead,
        Action::kFeedbackRead,
        Action::kWinbackRead,
        Action::kSegmentRead}},
  };
  return *matrix;
}

TEST(AuthorizerTest, RoleMatrix) {
  Authorizer authorizer;
  for (const auto& [role, allowed] : Matrix()) {
    for (Action action : kAllActions) {
      EXPECT_EQ(authorizer.RoleAllows(role, action), allowed.count(action) == 1)
          << RoleName(role) << " " << ActionName(action);
    }
  }
}

struct Case {
  Role role;
  NodePath scope;
};

TEST(AuthorizerTest, OutOfScopeIsNotFoundForEveryActionAndRole) {
  Authorizer authorizer;
  const std::vector<Case> cases = {{Role::kStoreClerk, kStore1000},
                                   {Role::kDealerManager, kDealer100},
                                   {Role::kAnalyst, kDealer100},
                                   {Role::kRegionManager, kRegion10},
                                   {Role::kBrandAdmin, kBrand1}};
  // Objects outside each case's visible part: another brand always; siblings for the others.
  const std::map<Role, std::vector<NodePath>> outside = {
      {Role::kStoreClerk,
       {kStore1001, kStore1010, kDealer101, kStore2000, kDealer200, kRegion20, kStore3000}},
      {Role::kDealerManager, {kDealer101, kStore1010, kStore2000, kRegion20, kStore3000}},
      {Role::kAnalyst, {kDealer101, kStore1010, kStore2000, kRegion20, kStore3000}},
      {Role::kRegionManager, {kRegion20, kDealer200, kStore2000, kStore3000, kBrand2}},
      {Role::kBrandAdmin, {kStore3000, kBrand2}}};
  for (const Case& c : cases) {
    const Principal principal = Make(c.role, c.scope);
    for (const NodePath& object : outside.at(c.role)) {
      for (Action action : kAllActions) {
        EXPECT_EQ(authorizer.Decide(principal, action, object), Decision::kNotFound)
            << RoleName(c.role) << " " << ActionName(action) << " on " << NodeTypeName(object.type)
            << " " << object.id();
      }
    }
  }
}

TEST(AuthorizerTest, InsideTheScopeTheRoleDecides) {
  Authorizer authorizer;
  const Principal clerk = Make(Role::kStoreClerk, kStore1000);
  EXPECT_EQ(authorizer.Decide(clerk, Action::kStoreRead, kStore1000), Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(clerk, Action::kStoreWrite, kStore1000), Decision::kForbidden);
  EXPECT_EQ(authorizer.Decide(clerk, Action::kMerchantRead, kStore1000), Decision::kForbidden);

  const Principal dealer_manager = Make(Role::kDealerManager, kDealer100);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kStoreWrite, kStore1001), Decision::kAllow);
  // Merchant keys decide whose payments are believed: managers read merchants, never write.
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kMerchantRead, kStore1001), Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kMerchantWrite, kStore1001),
            Decision::kForbidden);
  EXPECT_EQ(
      authorizer.Decide(Make(Role::kRegionManager, kRegion10), Action::kMerchantWrite, kStore1001),
      Decision::kForbidden);
  // Apps belong to the brand node: an ancestor of a dealer's scope, so not found.
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kAppRead, kBrand1), Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(Make(Role::kAnalyst, kBrand1), Action::kAppRead, kBrand1),
            Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(Make(Role::kBrandAdmin, kBrand2), Action::kAppWrite, kBrand1),
            Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kStoreWrite, kDealer100), Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kDealerWrite, kDealer100),
            Decision::kForbidden);

  const Principal analyst = Make(Role::kAnalyst, kRegion10);
  EXPECT_EQ(authorizer.Decide(analyst, Action::kStoreRead, kStore1010), Decision::kAllow);
  for (Action write : {Action::kRegionWrite, Action::kDealerWrite, Action::kStoreWrite,
                       Action::kMerchantWrite, Action::kStaffWrite}) {
    EXPECT_EQ(authorizer.Decide(analyst, write, kStore1010), Decision::kForbidden)
        << ActionName(write);
  }

  const Principal admin = Make(Role::kBrandAdmin, kBrand1);
  for (Action action : kAllActions) {
    EXPECT_EQ(authorizer.Decide(admin, action, kStore2000), Decision::kAllow) << ActionName(action);
  }
}

TEST(AuthorizerTest, AncestorsAnswerLikeUnknownObjectsButTheBrandIsReadable) {
  Authorizer authorizer;
  const std::vector<Case> cases = {{Role::kStoreClerk, kStore1000},
                                   {Role::kDealerManager, kDealer100},
                                   {Role::kAnalyst, kStore1000},
                                   {Role::kRegionManager, kRegion10}};
  for (const Case& c : cases) {
    const Principal principal = Make(c.role, c.scope);
    for (const NodePath& ancestor : {kBrand1, kRegion10, kDealer100}) {
      if (!Authorizer::IsAncestor(ancestor, c.scope)) continue;
      for (Action action : kAllActions) {
        const bool brand_read = action == Action::kBrandRead && ancestor == kBrand1;
        EXPECT_EQ(authorizer.Decide(principal, action, ancestor),
                  brand_read ? Decision::kAllow : Decision::kNotFound)
            << RoleName(c.role) << " " << ActionName(action) << " on "
            << NodeTypeName(ancestor.type) << " " << ancestor.id();
      }
    }
  }
}

TEST(AuthorizerTest, ADefaultActorIsNotTheSystemAndIsRefusedEverything) {
  Authorizer authorizer;
  const Actor nobody;
  EXPECT_FALSE(nobody.is_system());
  EXPECT_FALSE(nobody.staff.has_value());
  EXPECT_TRUE(Actor::System("cli").is_system());
  EXPECT_FALSE(Actor::ForStaff(Make(Role::kBrandAdmin, kBrand1), "r", "a").is_system());
  for (Action action : kAllActions) {
    EXPECT_EQ(authorizer.Check(nobody, action, kStore1000, "store 1000").code(),
              StatusCode::kPermissionDenied)
        << ActionName(action);
    EXPECT_EQ(authorizer.CheckRole(nobody, action).code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(authorizer.CheckList(nobody, action, std::nullopt, "").code(),
              StatusCode::kPermissionDenied);
    EXPECT_EQ(authorizer.CheckList(nobody, action, kDealer100, "dealer 100").code(),
              StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(
      authorizer.CheckStaffManagement(nobody, Role::kAnalyst, kStore1000, "store 1000").code(),
      StatusCode::kPermissionDenied);
}

TEST(AuthorizerTest, CheckRoleIsTheRoleMatrixAlone) {
  Authorizer authorizer;
  for (const auto& [role, allowed] : Matrix()) {
    // Scoped far from anything: CheckRole never looks at objects.
    const Actor actor = Actor::ForStaff(Make(role, kStore3000), "r", "a");
    for (Action action : kAllActions) {
      EXPECT_EQ(authorizer.CheckRole(actor, action).ok(), allowed.count(action) == 1)
          << RoleName(role) << " " << ActionName(action);
    }
  }
  for (Action action : kAllActions) {
    EXPECT_TRUE(authorizer.CheckRole(Actor::System("cli"), action).ok()) << ActionName(action);
  }
}

TEST(AuthorizerTest, ReadActionsAreTheOnesThatChangeNothing) {
  for (Action action : kAllActions) {
    const std::string_view name = ActionName(action);
    const bool reads = name == "self" || name.substr(name.find('.') + 1) == "read";
    EXPECT_EQ(IsReadAction(action), reads) << name;
  }
}

TEST(AuthorizerTest, StatusFormsMapTheDecision) {
  Authorizer authorizer;
  const Actor clerk = Actor::ForStaff(Make(Role::kStoreClerk, kStore1000), "r", "a");
  Status not_found = authorizer.Check(clerk, Action::kStoreRead, kStore2000, "store 2000");
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(), "store 2000 not found");
  EXPECT_EQ(authorizer.Check(clerk, Action::kStoreWrite, kStore1000, "store 1000").code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(authorizer.Check(clerk, Action::kStoreRead, kStore1000, "store 1000").ok());
  EXPECT_TRUE(authorizer.Check(Actor::System("cli"), Action::kStaffWrite, kStore3000, "x").ok());
}

TEST(AuthorizerTest, ListsNeedTheRoleAndAVisibleParent) {
  Authorizer authorizer;
  const Actor clerk = Actor::ForStaff(Make(Role::kStoreClerk, kStore1000), "r", "a");
  EXPECT_TRUE(authorizer.CheckList(clerk, Action::kStoreRead, std::nullopt, "").ok());
  EXPECT_TRUE(authorizer.CheckList(clerk, Action::kStoreRead, kDealer100, "dealer 100").ok());
  EXPECT_EQ(authorizer.CheckList(clerk, Action::kStoreRead, kDealer200, "dealer 200").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(authorizer.CheckList(clerk, Action::kStaffRead, std::nullopt, "").code(),
            StatusCode::kPermissionDenied);
  // Visibility first: an invisible parent is NotFound even when the role lacks the action.
  EXPECT_EQ(authorizer.CheckList(clerk, Action::kMerchantRead, kStore2000, "store 2000").code(),
            StatusCode::kNotFound);
}

TEST(AuthorizerTest, StaffMayOnlyManageRolesBelowTheirOwn) {
  Authorizer authorizer;
  const Actor dealer_manager = Actor::ForStaff(Make(Role::kDealerManager, kDealer100), "r", "a");
  EXPECT_TRUE(
      authorizer.CheckStaffManagement(dealer_manager, Role::kStoreClerk, kStore1000, "store 1000")
          .ok());
  EXPECT_TRUE(
      authorizer.CheckStaffManagement(dealer_manager, Role::kAnalyst, kDealer100, "dealer 100")
          .ok());
  EXPECT_EQ(
      authorizer
          .CheckStaffManagement(dealer_manager, Role::kDealerManager, kDealer100, "dealer 100")
          .code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(
      authorizer.CheckStaffManagement(dealer_manager, Role::kRegionManager, kRegion10, "region 10")
          .code(),
      StatusCode::kNotFound)
      << "the region is an ancestor of the dealer manager's scope";
  EXPECT_EQ(
      authorizer.CheckStaffManagement(dealer_manager, Role::kStoreClerk, kStore1010, "store 1010")
          .code(),
      StatusCode::kNotFound);
  const Actor admin = Actor::ForStaff(Make(Role::kBrandAdmin, kBrand1), "r", "a");
  EXPECT_EQ(authorizer.CheckStaffManagement(admin, Role::kBrandAdmin, kBrand1, "brand 1").code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      authorizer.CheckStaffManagement(admin, Role::kRegionManager, kRegion20, "region 20").ok());
  const Actor analyst = Actor::ForStaff(Make(Role::kAnalyst, kBrand1), "r", "a");
  EXPECT_EQ(
      authorizer.CheckStaffManagement(analyst, Role::kAnalyst, kStore1000, "store 1000").code(),
      StatusCode::kPermissionDenied);
}

TEST(AuthorizerTest, BrandAdminsManageOtherBrandAdminsButNeverCreateOneOrActOnThemselves) {
  Authorizer authorizer;
  Principal me = Make(Role::kBrandAdmin, kBrand1);
  me.staff_id = 7;
  const Actor admin = Actor::ForStaff(me, "r", "a");
  EXPECT_TRUE(
      authorizer.CheckStaffManagement(admin, Role::kBrandAdmin, kBrand1, "staff 8", 8).ok());
  EXPECT_EQ(authorizer.CheckStaffManagement(admin, Role::kBrandAdmin, kBrand1, "staff 7", 7).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(authorizer.CheckStaffManagement(admin, Role::kBrandAdmin, kBrand1, "brand 1").code(),
            StatusCode::kPermissionDenied)
      << "creating a brand admin is the operator's";
  EXPECT_EQ(authorizer.CheckStaffManagement(admin, Role::kBrandAdmin, kBrand2, "staff 9", 9).code(),
            StatusCode::kNotFound);
  Principal region_manager = Make(Role::kRegionManager, kRegion10);
  region_manager.staff_id = 11;
  const Actor manager = Actor::ForStaff(region_manager, "r", "a");
  EXPECT_EQ(
      authorizer.CheckStaffManagement(manager, Role::kRegionManager, kRegion10, "staff 12", 12)
          .code(),
      StatusCode::kPermissionDenied)
      << "only brand admins have peers they may manage";
  EXPECT_EQ(
      authorizer.CheckStaffManagement(manager, Role::kDealerManager, kDealer100, "staff 11", 11)
          .code(),
      StatusCode::kPermissionDenied)
      << "nobody acts on their own account";
}

TEST(AuthorizerTest, OnlyBrandStaffWriteTheBrandsEarningRuleManagersWriteTheirStores) {
  Authorizer authorizer;
  const Principal admin = Make(Role::kBrandAdmin, kBrand1);
  const Principal region_manager = Make(Role::kRegionManager, kRegion10);
  const Principal dealer_manager = Make(Role::kDealerManager, kDealer100);
  const Principal clerk = Make(Role::kStoreClerk, kStore1000);
  EXPECT_EQ(authorizer.Decide(admin, Action::kEarningRuleWrite, kBrand1), Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(region_manager, Action::kEarningRuleWrite, kBrand1),
            Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kEarningRuleWrite, kBrand1),
            Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kEarningRuleRead, kBrand1),
            Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(region_manager, Action::kEarningRuleWrite, kStore1010),
            Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kEarningRuleWrite, kStore1000),
            Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(dealer_manager, Action::kEarningRuleWrite, kStore1010),
            Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(clerk, Action::kEarningRuleWrite, kStore1000), Decision::kForbidden);
  EXPECT_EQ(authorizer.Decide(clerk, Action::kPaymentRead, kStore1000), Decision::kAllow);
  EXPECT_EQ(authorizer.Decide(clerk, Action::kPaymentRead, kStore2000), Decision::kNotFound);
  EXPECT_EQ(authorizer.Decide(admin, Action::kPaymentRead, kStore3000), Decision::kNotFound);
}

}  // namespace
}  // namespace mileage::org
