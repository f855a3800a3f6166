// Scope and role over HTTP: every console route goes through the console router, an object
// outside the caller's scope answers 404 on every route, lists never leak, and roles that may
// not write get 403 (DESIGN.md section 7; docs/API.md "Console: authorization").
#include <set>

#include "care/activity_types.h"
#include "care/types.h"
#include "common/civil_time.h"
#include "crypto/data_key.h"
#include "growth/feedback_service.h"
#include "members/member_codes.h"
#include "tests/integration/console/console_fixture.h"
#include "tests/integration/console/merchant_bodies.h"
#include "tests/integration/console/role_table.h"

namespace mileage::testing {
namespace {

using Ids = std::set<int64_t>;

std::string Path(std::string path_template, int64_t id) {
  size_t open = path_template.find("{id}");
  if (open != std::string::npos) path_template.replace(open, 4, std::to_string(id));
  return path_template;
}

Ids AsSet(const std::vector<int64_t>& ids) { return Ids(ids.begin(), ids.end()); }

constexpr const char* kTransactionB1 = "4200000000000000000000000000B1";

class ConsoleScopeTest : public ConsoleTest {
 protected:
  // Dealer B also has a payment at store B1, and so a member only dealer B's staff (and the
  // brand's) see.
  void SetUp() override {
    ConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Pay(kOtherMchid, kTransactionB1, "openid-paid-only-at-b1", 10000);
    member_b_ = MemberIdOf("openid-paid-only-at-b1");
    ASSERT_GT(member_b_, 0);
    // Member B's owner-card code, made as the card makes it (valid while the clock stands).
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKey);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    OsRandom random;
    members::MemberCodes codes(*key, random);
    Result<members::MemberCode> code =
        codes.Mint(tree_.brand, member_b_, UnixSeconds(clock_.Now()));
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    member_code_b_ = code->token;
    MakeDealerBCoupons();
    MakeDealerBAppointment();
    MakeDealerBActivity();
    MakeDealerBRating();
  }

  // member_b_ rates their payment at B1 2 (a detractor to follow up).
  void MakeDealerBRating() {
    const int64_t now = UnixSeconds(clock_.Now());
    const members::MemberPrincipal member{member_b_, tree_.brand, ""};
    growth::FeedbackService& feedback = server_->app().growth().feedback();
    Result<std::vector<growth::RateableVisit>> visits = feedback.Visits(member, now);
    ASSERT_TRUE(visits.ok()) << visits.status().ToString();
    const growth::RateableVisit* paid = nullptr;
    for (const growth::RateableVisit& v : *visits) {
      if (v.visit.kind == growth::VisitKind::kPayment) paid = &v;
    }
    ASSERT_NE(paid, nullptr) << "member_b_'s payment at B1";
    Result<growth::Rating> rated = feedback.Rate(
        member, growth::NewRating{growth::VisitKind::kPayment, paid->visit.id, 2, ""}, now);
    ASSERT_TRUE(rated.ok()) << rated.status().ToString();
    rating_b_ = rated->id;
  }

  // An activity of store B1 starting in two days, member_b_ seated in it.
  void MakeDealerBActivity() {
    const int64_t now = UnixSeconds(clock_.Now());
    care::NewActivity a;
    a.node_type = org::NodeType::kStore;
    a.node_id = tree_.store_b1;
    a.title = a.place = "Test-drive day";
    a.starts_at = now + 2 * 86400;
    a.ends_at = a.starts_at + 3600;
    a.capacity = 5;
    a.signup_opens_at = now - 60;
    a.signup_closes_at = a.starts_at;
    Result<care::Activity> made =
        server_->app().care().activities().Create(org::Actor::System("test"), a, now);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    activity_b_ = made->id;
    Result<care::Signup> seated =
        server_->app().care().activities().SignUp({member_b_, tree_.brand, ""}, activity_b_, now);
    ASSERT_TRUE(seated.ok()) << seated.status().ToString();
    signup_b_ = seated->id;
  }

  // A slot at B1 tomorrow and member_b_'s appointment in it.
  void MakeDealerBAppointment() {
    const org::Actor op = org::Actor::System("test");
    const int64_t now = UnixSeconds(clock_.Now());
    care::NewSlot slot{now + 86400, 60, 2, {"wash"}};
    Result<care::Slot> made =
        server_->app().care().schedules().CreateSlot(op, tree_.store_b1, slot, now);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    std::chrono::seconds retry_after{0};
    Result<members::OwnVehicle> car = server_->app().vehicles().Add(
        {member_b_, tree_.brand}, members::NewVehicle{"京B12345", {}, "Golf", {}, 0}, now,
        &retry_after);
    ASSERT_TRUE(car.ok()) << car.status().ToString();
    Result<care::Appointment> booked = server_->app().care().appointments().Book(
        {member_b_, tree_.brand, ""}, care::BookRequest{made->id, car->vehicle.id, "wash", {}},
        now);
    ASSERT_TRUE(booked.ok()) << booked.status().ToString();
    appointment_b_ = booked->id;
  }

  // Dealer B's campaign, a coupon of it for member_b_ and a redemption of another at B1.
  void MakeDealerBCoupons() {
    const org::Actor op = org::Actor::System("test");
    coupons::CouponsModule& c = server_->app().coupons();
    coupons::NewStock stock;
    stock.node_type = org::NodeType::kDealer;
    stock.node_id = tree_.dealer_b;
    stock.name = "Dealer B campaign";
    stock.value_fen = 100;
    stock.valid_days = 10;
    stock.total_quantity = 10;
    stock.per_member_limit = 2;
    stock.channels = {coupons::Channel::kGrant};
    Result<coupons::Stock> created = c.stocks().Create(op, stock);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    stock_b_ = created->id;
    coupons::StockPatch activate;
    activate.state = coupons::StockState::kActive;
    ASSERT_TRUE(c.stocks().Update(op, stock_b_, activate).ok());
    const int64_t now = UnixSeconds(clock_.Now());
    std::vector<std::string> codes;
    for (const char* request : {"scope-1", "scope-2"}) {
      Result<std::vector<coupons::GrantOutcome>> granted =
          c.grants().Grant(op, stock_b_, request, {coupons::GrantTarget{member_b_, ""}}, now);
      ASSERT_TRUE(granted.ok()) << granted.status().ToString();
      ASSERT_TRUE(granted->front().coupon.has_value()) << granted->front().outcome;
      codes.push_back(granted->front().coupon->code);
    }
    coupon_b_code_ = codes[0];
    Result<coupons::RedemptionResult> redeemed = c.redemptions().Redeem(
        op, coupons::RedeemRequest{codes[1], "", tree_.store_b1, 100, "scope-redeem"}, now);
    ASSERT_TRUE(redeemed.ok()) << redeemed.status().ToString();
    redemption_b_ = redeemed->redemption.id;
    coupons::NewPackage package;
    package.store_id = tree_.store_b1;
    package.name = "Dealer B package";
    package.price_fen = 100;
    package.items = {{stock_b_, 1, {}}};
    Result<coupons::Package> sold = c.packages().Create(op, package);
    ASSERT_TRUE(sold.ok()) << sold.status().ToString();
    package_b_ = sold->id;
  }

  // A request that addresses one of dealer B's objects (or region 2, dealer B's region),
  // or nothing of dealer B (target.method empty) with the reason why. `code` is what the
  // 404 says.
  struct Target {
    std::string method;
    std::string path;
    std::string body = "{}";
    std::string code = "NOT_FOUND";
  };

  int64_t member_b_ = 0;
  std::string member_code_b_;
  int64_t stock_b_ = 0;
  std::string coupon_b_code_;
  int64_t redemption_b_ = 0;
  int64_t package_b_ = 0;
  int64_t appointment_b_ = 0;
  int64_t activity_b_ = 0;
  int64_t signup_b_ = 0;
  int64_t rating_b_ = 0;

  // Valid input (registration parses the key before it asks the authorizer).
  std::string MerchantBody() const {
    return MerchantJson("1900000999", "wx123", {TestPublicKey()});
  }
  std::string KeyBody() const {
    return PlatformKeyJson("PUB_KEY_ID_0114232134912410000000000999", TestPublicKey().second);
  }

  // Every console route, classified. A route missing here fails the test, so that a new
  // route cannot skip the scope check.
  std::map<std::pair<std::string, std::string>, std::vector<Target>> TargetsOfDealerB() const {
    const OrgTree& t = tree_;
    const std::string r2 = std::to_string(t.region2);
    const std::string b = std::to_string(t.dealer_b);
    const std::string b1 = std::to_string(t.store_b1);
    const int64_t clerk_b1 = t.staff.at("clerk_b1");
    const int64_t now = UnixSeconds(clock_.Now());
    const std::string today = civil::FormatDate(civil::BeijingDate(now));
    return {
        // Routes that address nothing below the brand: the caller's own session or brand.
        {{"POST", "/api/console/login"}, {}},
        {{"POST", "/api/console/logout"}, {}},
        {{"GET", "/api/console/me"}, {}},
        {{"GET", "/api/console/brand"}, {}},
        {{"PATCH", "/api/console/brand"}, {}},
        {{"GET", "/api/console/audit"}, {}},
        {{"POST", "/api/console/regions"}, {}},
        {{"POST", "/api/console/partners"}, {}},
        {{"GET", "/api/console/partners/{id}"}, {}},
        // The brand's apps belong to the brand node (ConsoleMerchantsTest checks the roles).
        {{"POST", "/api/console/apps"}, {}},
        {{"GET", "/api/console/apps"}, {}},
        {{"GET", "/api/console/apps/{id}"}, {}},
        {{"POST", "/api/console/apps/{id}/deactivate"}, {}},
        {{"POST", "/api/console/apps/{id}/reactivate"}, {}},
        {{"POST", "/api/console/partners/{id}/deactivate"}, {}},
        {{"POST", "/api/console/partners/{id}/reactivate"}, {}},
        {{"POST", "/api/console/partners/{id}/secrets"}, {}},
        {{"POST", "/api/console/partners/{id}/secrets/{secret_id}/retire"}, {}},
        {{"GET", "/api/console/partners/{id}/rule"}, {}},
        {{"PUT", "/api/console/partners/{id}/rule"}, {}},
        // Webhooks belong to the brand node, brand admins only (RelayRoutesTest checks the roles
        // and other brands).
        {{"POST", "/api/console/webhooks"}, {}},
        {{"GET", "/api/console/webhooks"}, {}},
        {{"GET", "/api/console/webhooks/{id}"}, {}},
        {{"DELETE", "/api/console/webhooks/{id}"}, {}},
        {{"POST", "/api/console/webhooks/{id}/enable"}, {}},
        {{"POST", "/api/console/webhooks/{id}/disable"}, {}},
        {{"POST", "/api/console/webhooks/{id}/secret"}, {}},
        {{"POST", "/api/console/webhooks/{id}/replay"}, {}},
        {{"GET", "/api/console/webhooks/{id}/deliveries"}, {}},
        {{"GET", "/api/console/webhook-dead-letters"}, {}},
        // Care rules belong to the brand node; the greetings list keeps to the members a scope
        // sees (CareGreetingTest checks roles, other brands and each scope's greetings).
        {{"POST", "/api/console/care-rules"}, {}},
        {{"GET", "/api/console/care-rules"}, {}},
        {{"GET", "/api/console/care-rules/{id}"}, {}},
        {{"PATCH", "/api/console/care-rules/{id}"}, {}},
        {{"DELETE", "/api/console/care-rules/{id}"}, {}},
        {{"GET", "/api/console/care-greetings"}, {}},
        // Win-back: the settings belong to the brand; the drifting list filtered by dealer B or
        // store B1 (WinbackRoutesTest checks the lists' scope and other brands).
        {{"GET", "/api/console/winback/settings"}, {}},
        {{"PATCH", "/api/console/winback/settings"}, {}},
        {{"GET", "/api/console/winback/drifting"},
         {{"GET", "/api/console/winback/drifting?dealer_id=" + b, "{}", "DEALER_NOT_FOUND"},
          {"GET", "/api/console/winback/drifting?store_id=" + b1, "{}", "STORE_NOT_FOUND"}}},
        {{"GET", "/api/console/winback/dealers"}, {}},
        {{"GET", "/api/console/winback/report"}, {}},
        // Subscribe templates belong to the brand node (SubscribeTest checks the roles and other
        // brands).
        {{"GET", "/api/console/subscribe-templates"}, {}},
        {{"POST", "/api/console/subscribe-templates"}, {}},
        {{"GET", "/api/console/subscribe-templates/{id}"}, {}},
        {{"PUT", "/api/console/subscribe-templates/{id}"}, {}},
        {{"DELETE", "/api/console/subscribe-templates/{id}"}, {}},
        // A partner's activity: partner.read on the brand node (PartnerActivityTest checks the
        // roles and other brands).
        {{"GET", "/api/console/partners/{id}/earnings"}, {}},
        {{"GET", "/api/console/partners/{id}/redemptions"}, {}},
        // Partner settlement belongs to the brand node (ConsoleSettlementTest checks roles,
        // analysts below the brand and other brands).
        {{"GET", "/api/console/settlements"}, {}},
        {{"GET", "/api/console/settlements/{period}/parties/{party}"}, {}},
        {{"GET", "/api/console/settlements/{period}/parties/{party}/lines.csv"}, {}},
        {{"GET", "/api/console/settlements/{period}/parties/{party}/lines.json"}, {}},
        {{"GET", "/api/console/settlements/{period}/parties/{party}/trace"}, {}},
        {{"POST", "/api/console/settlements/{period}/close"}, {}},
        // Unfiltered lists: checked by ListsReturnExactlyTheScope instead.
        {{"GET", "/api/console/regions"}, {}},
        {{"GET", "/api/console/partners"}, {}},
        {{"GET", "/api/console/staff"}, {}},
        // Member search filters by the member visibility rule (never 404): checked by
        // ConsoleMembersTest.SearchFindsTheMemberOnlyWhereTheyPaid.
        {{"GET", "/api/console/members"}, {}},
        // Its CSV export is the same search (ConsoleExportsTest).
        {{"GET", "/api/console/exports/members.csv"}, {}},
        // The brand's earning rule: the brand is an ancestor of these callers (403, checked by
        // ConsoleMembersTest); other brands are ConsoleMembersTest's too.
        {{"GET", "/api/console/brands/{id}/earning-rule"}, {}},
        {{"PUT", "/api/console/brands/{id}/earning-rule"}, {}},
        // The member who paid only at B1, B1's payments and earning rule.
        {{"GET", "/api/console/members/{id}"},
         {{"GET", Path("/api/console/members/{id}", member_b_), "{}", "MEMBER_NOT_FOUND"}}},
        {{"POST", "/api/console/member-codes/scan"},
         {{"POST", "/api/console/member-codes/scan", R"({"code":")" + member_code_b_ + R"("})",
           "MEMBER_NOT_FOUND"}}},
        {{"GET", "/api/console/members/{id}/points"},
         {{"GET", Path("/api/console/members/{id}/points", member_b_), "{}", "MEMBER_NOT_FOUND"}}},
        {{"GET", "/api/console/stores/{id}/transactions"},
         {{"GET", "/api/console/stores/" + b1 + "/transactions"}}},
        {{"GET", "/api/console/stores/{id}/refunds"},
         {{"GET", "/api/console/stores/" + b1 + "/refunds"}}},
        {{"GET", "/api/console/transactions/{transaction_id}"},
         {{"GET", std::string("/api/console/transactions/") + kTransactionB1, "{}",
           "TRANSACTION_NOT_FOUND"}}},
        {{"GET", "/api/console/stores/{id}/earning-rule"},
         {{"GET", "/api/console/stores/" + b1 + "/earning-rule"}}},
        {{"PUT", "/api/console/stores/{id}/earning-rule"},
         {{"PUT", "/api/console/stores/" + b1 + "/earning-rule", R"({"points_per_yuan":5})"}}},
        // Reports narrowed to dealer B, its store or its region.
        {{"GET", "/api/console/reports/summary"},
         {{"GET", "/api/console/reports/summary?dealer_id=" + b},
          {"GET", "/api/console/reports/summary?store_id=" + b1}}},
        // Visit feedback of dealer B's store.
        {{"GET", "/api/console/feedback/nps"},
         {{"GET", "/api/console/feedback/nps?dealer_id=" + b},
          {"GET", "/api/console/feedback/nps?store_id=" + b1}}},
        {{"GET", "/api/console/feedback/detractors"},
         {{"GET", "/api/console/feedback/detractors?store_id=" + b1}}},
        {{"POST", "/api/console/feedback/ratings/{id}/follow-up"},
         {{"POST", Path("/api/console/feedback/ratings/{id}/follow-up", rating_b_),
           R"({"state":"contacted"})", "RATING_NOT_FOUND"}}},
        {{"GET", "/api/console/reports/daily"},
         {{"GET", "/api/console/reports/daily?region_id=" + r2}}},
        {{"GET", "/api/console/reports/funnel"},
         {{"GET", "/api/console/reports/funnel?dealer_id=" + b}}},
        {{"GET", "/api/console/reports/stocks/{id}/daily"},
         {{"GET", Path("/api/console/reports/stocks/{id}/daily", stock_b_), "{}",
           "STOCK_NOT_FOUND"}}},
        // Dealer B's campaign, its coupons and its store's redemptions.
        {{"POST", "/api/console/stocks"},
         {{"POST", "/api/console/stocks",
           R"({"node":{"type":"dealer","id":)" + b +
               R"(},"name":"x","type":"cash","value_fen":100,"valid_days":10,)"
               R"("total_quantity":10,"channels":["grant"]})"}}},
        {{"GET", "/api/console/stocks"}, {{"GET", "/api/console/stocks?dealer_id=" + b}}},
        {{"GET", "/api/console/stocks/{id}"},
         {{"GET", Path("/api/console/stocks/{id}", stock_b_), "{}", "STOCK_NOT_FOUND"}}},
        {{"PATCH", "/api/console/stocks/{id}"},
         {{"PATCH", Path("/api/console/stocks/{id}", stock_b_), R"({"name":"x"})",
           "STOCK_NOT_FOUND"}}},
        {{"POST", "/api/console/stocks/{id}/grants"},
         {{"POST", Path("/api/console/stocks/{id}/grants", stock_b_),
           R"({"request_id":"x","members":[)" + std::to_string(member_b_) + "]}",
           "STOCK_NOT_FOUND"}}},
        // Dealer B's package at B1 (the list is the caller's subtree: ListsReturnExactlyTheScope).
        {{"POST", "/api/console/packages"},
         {{"POST", "/api/console/packages",
           R"({"store_id":)" + b1 + R"(,"name":"x","price_fen":100,"items":[{"stock_id":)" +
               std::to_string(stock_b_) + "}]}"}}},
        {{"GET", "/api/console/packages"}, {}},
        {{"GET", "/api/console/packages/{id}"},
         {{"GET", Path("/api/console/packages/{id}", package_b_), "{}", "PACKAGE_NOT_FOUND"}}},
        {{"PATCH", "/api/console/packages/{id}"},
         {{"PATCH", Path("/api/console/packages/{id}", package_b_), R"({"name":"x"})",
           "PACKAGE_NOT_FOUND"}}},
        {{"GET", "/api/console/packages/{id}/orders"},
         {{"GET", Path("/api/console/packages/{id}/orders", package_b_), "{}",
           "PACKAGE_NOT_FOUND"}}},
        {{"GET", "/api/console/coupons"},
         {{"GET", "/api/console/coupons?code=" + coupon_b_code_, "{}", "COUPON_NOT_FOUND"}}},
        {{"POST", "/api/console/redemptions"},
         {{"POST", "/api/console/redemptions",
           R"({"code":")" + coupon_b_code_ + R"(","store_id":)" + b1 +
               R"(,"order_amount_fen":100,"request_id":"x"})",
           "COUPON_NOT_FOUND"}}},
        {{"POST", "/api/console/redemptions/{id}/reverse"},
         {{"POST", Path("/api/console/redemptions/{id}/reverse", redemption_b_),
           R"({"reason":"x"})", "REDEMPTION_NOT_FOUND"}}},
        {{"GET", "/api/console/stores/{id}/redemptions"},
         {{"GET", "/api/console/stores/" + b1 + "/redemptions"}}},
        // B1's schedule, slots and appointments.
        // The brand's service intervals sit on the brand node; a store's service flag.
        {{"GET", "/api/console/service-intervals"}, {}},
        {{"PUT", "/api/console/service-intervals"}, {}},
        {{"DELETE", "/api/console/service-intervals"}, {}},
        // Tags and segments: segments, thresholds, grants and tag names belong to the brand
        // node (nothing below it to address); a member's tags are the member's.
        {{"GET", "/api/console/rfm-thresholds"}, {}},
        {{"PUT", "/api/console/rfm-thresholds"}, {}},
        {{"GET", "/api/console/segments"}, {}},
        {{"POST", "/api/console/segments"}, {}},
        {{"POST", "/api/console/segments/preview"}, {}},
        {{"GET", "/api/console/segments/{id}"}, {}},
        {{"PATCH", "/api/console/segments/{id}"}, {}},
        {{"DELETE", "/api/console/segments/{id}"}, {}},
        {{"GET", "/api/console/segments/{id}/sizes"}, {}},
        {{"POST", "/api/console/segments/{id}/grants"}, {}},
        {{"GET", "/api/console/segment-grants"}, {}},
        {{"GET", "/api/console/segment-grants/{id}"}, {}},
        {{"GET", "/api/console/tag-names"}, {}},
        {{"GET", "/api/console/members/{id}/tags"},
         {{"GET", Path("/api/console/members/{id}/tags", member_b_), "{}", "MEMBER_NOT_FOUND"}}},
        {{"POST", "/api/console/members/{id}/tags"},
         {{"POST", Path("/api/console/members/{id}/tags", member_b_), R"({"name":"VIP"})",
           "MEMBER_NOT_FOUND"}}},
        {{"DELETE", "/api/console/members/{id}/tags"},
         {{"DELETE", Path("/api/console/members/{id}/tags", member_b_) + "?name=VIP", "{}",
           "MEMBER_NOT_FOUND"}}},
        // Referrals (the brand node: the caller's own brand, nothing below it to address).
        {{"GET", "/api/console/referral-rule"}, {}},
        {{"PUT", "/api/console/referral-rule"}, {}},
        {{"GET", "/api/console/referrals"}, {}},
        {{"PUT", "/api/console/stores/{id}/service"},
         {{"PUT", "/api/console/stores/" + b1 + "/service", R"({"service":true})"}}},
        {{"GET", "/api/console/stores/{id}/schedule"},
         {{"GET", "/api/console/stores/" + b1 + "/schedule"}}},
        {{"PUT", "/api/console/stores/{id}/schedule"},
         {{"PUT", "/api/console/stores/" + b1 + "/schedule",
           R"({"hours":["09:00-18:00","","","","","",""],"slot_minutes":60,"capacity":2,)"
           R"("service_types":["wash"]})"}}},
        {{"POST", "/api/console/stores/{id}/slots/generate"},
         {{"POST", "/api/console/stores/" + b1 + "/slots/generate",
           R"({"from":")" + today + R"(","to":")" + today + R"("})"}}},
        {{"POST", "/api/console/stores/{id}/slots"},
         {{"POST", "/api/console/stores/" + b1 + "/slots",
           R"({"starts_at":")" + civil::FormatRfc3339Utc(now + 7 * 86400) +
               R"(","duration_minutes":60,"capacity":1,"service_types":["wash"]})"}}},
        {{"GET", "/api/console/stores/{id}/slots"},
         {{"GET", "/api/console/stores/" + b1 + "/slots"}}},
        {{"GET", "/api/console/stores/{id}/appointments"},
         {{"GET", "/api/console/stores/" + b1 + "/appointments"}}},
        {{"POST", "/api/console/appointments/{id}/check-in"},
         {{"POST", Path("/api/console/appointments/{id}/check-in", appointment_b_),
           R"({"member_code":")" + member_code_b_ + R"("})", "APPOINTMENT_NOT_FOUND"}}},
        {{"POST", "/api/console/appointments/{id}/cancel"},
         {{"POST", Path("/api/console/appointments/{id}/cancel", appointment_b_), "{}",
           "APPOINTMENT_NOT_FOUND"}}},
        {{"POST", "/api/console/appointments/{id}/complete"},
         {{"POST", Path("/api/console/appointments/{id}/complete", appointment_b_), "{}",
           "APPOINTMENT_NOT_FOUND"}}},
        // B1's activity.
        {{"POST", "/api/console/activities"},
         {{"POST", "/api/console/activities",
           R"({"node":{"type":"store","id":)" + b1 + R"(},"title":"t","place":"p","starts_at":")" +
               civil::FormatRfc3339Utc(now + 3 * 86400) + R"(","ends_at":")" +
               civil::FormatRfc3339Utc(now + 4 * 86400) + R"(","capacity":1,"signup_opens_at":")" +
               civil::FormatRfc3339Utc(now) + R"(","signup_closes_at":")" +
               civil::FormatRfc3339Utc(now + 86400) + R"("})"}}},
        {{"GET", "/api/console/activities"},
         {{"GET", "/api/console/activities?node_type=store&node_id=" + b1}}},
        {{"GET", "/api/console/activities/{id}"},
         {{"GET", Path("/api/console/activities/{id}", activity_b_), "{}", "ACTIVITY_NOT_FOUND"}}},
        {{"POST", "/api/console/activities/{id}/cancel"},
         {{"POST", Path("/api/console/activities/{id}/cancel", activity_b_), "{}",
           "ACTIVITY_NOT_FOUND"}}},
        {{"GET", "/api/console/activities/{id}/signups"},
         {{"GET", Path("/api/console/activities/{id}/signups", activity_b_), "{}",
           "ACTIVITY_NOT_FOUND"}}},
        {{"POST", "/api/console/activities/{id}/signups/{signup_id}/cancel"},
         {{"POST",
           Path("/api/console/activities/{id}/signups/", activity_b_) + std::to_string(signup_b_) +
               "/cancel",
           "{}", "ACTIVITY_NOT_FOUND"}}},
        {{"POST", "/api/console/activities/{id}/check-in"},
         {{"POST", Path("/api/console/activities/{id}/check-in", activity_b_),
           R"({"member_code":")" + member_code_b_ + R"("})", "ACTIVITY_NOT_FOUND"}}},
        {{"GET", "/api/console/exports/redemptions.csv"},
         {{"GET", "/api/console/exports/redemptions.csv?store_id=" + b1}}},
        {{"GET", "/api/console/exports/transactions.csv"},
         {{"GET", "/api/console/exports/transactions.csv?store_id=" + b1 +
                      "&from=2027-01-01&to=2027-01-15"}}},
        {{"GET", "/api/console/members/{id}/coupons"},
         {{"GET", Path("/api/console/members/{id}/coupons", member_b_), "{}", "MEMBER_NOT_FOUND"}}},
        // Dealer B's region, dealer, stores, merchants and staff.
        {{"GET", "/api/console/regions/{id}"},
         {{"GET", Path("/api/console/regions/{id}", t.region2)}}},
        {{"PATCH", "/api/console/regions/{id}"},
         {{"PATCH", Path("/api/console/regions/{id}", t.region2), R"({"name":"x"})"}}},
        {{"POST", "/api/console/regions/{id}/deactivate"},
         {{"POST", Path("/api/console/regions/{id}/deactivate", t.region2)}}},
        {{"POST", "/api/console/dealers"},
         {{"POST", "/api/console/dealers", R"({"region_id":)" + r2 + R"(,"name":"x"})"}}},
        {{"GET", "/api/console/dealers"}, {{"GET", "/api/console/dealers?region_id=" + r2}}},
        {{"GET", "/api/console/dealers/{id}"}, {{"GET", "/api/console/dealers/" + b}}},
        {{"PATCH", "/api/console/dealers/{id}"},
         {{"PATCH", "/api/console/dealers/" + b, R"({"name":"x"})"}}},
        {{"POST", "/api/console/dealers/{id}/deactivate"},
         {{"POST", "/api/console/dealers/" + b + "/deactivate"}}},
        {{"POST", "/api/console/stores"},
         {{"POST", "/api/console/stores", R"({"dealer_id":)" + b + R"(,"name":"x"})"}}},
        {{"GET", "/api/console/stores"},
         {{"GET", "/api/console/stores?dealer_id=" + b},
          {"GET", "/api/console/stores?region_id=" + r2}}},
        {{"GET", "/api/console/stores/{id}"}, {{"GET", "/api/console/stores/" + b1}}},
        {{"PATCH", "/api/console/stores/{id}"},
         {{"PATCH", "/api/console/stores/" + b1, R"({"name":"x"})"}}},
        {{"POST", "/api/console/stores/{id}/deactivate"},
         {{"POST", "/api/console/stores/" + b1 + "/deactivate"}}},
        {{"POST", "/api/console/stores/{id}/merchants"},
         {{"POST", "/api/console/stores/" + b1 + "/merchants", MerchantBody()}}},
        {{"GET", "/api/console/merchants"}, {{"GET", "/api/console/merchants?store_id=" + b1}}},
        {{"GET", "/api/console/merchants/{id}"},
         {{"GET", Path("/api/console/merchants/{id}", t.merchant_b1)}}},
        {{"POST", "/api/console/merchants/{id}/platform-keys"},
         {{"POST", Path("/api/console/merchants/{id}/platform-keys", t.merchant_b1), KeyBody()}}},
        {{"POST", "/api/console/merchants/{id}/platform-keys/{serial}/retire"},
         {{"POST", Path("/api/console/merchants/{id}/platform-keys/", t.merchant_b1) +
                       kCertificateSerial + "/retire"}}},
        {{"POST", "/api/console/merchants/{id}/deactivate"},
         {{"POST", Path("/api/console/merchants/{id}/deactivate", t.merchant_b1)}}},
        {{"POST", "/api/console/merchants/{id}/reactivate"},
         {{"POST", Path("/api/console/merchants/{id}/reactivate", t.merchant_b1)}}},
        {{"POST", "/api/console/staff"},
         {{"POST", "/api/console/staff",
           R"({"username":"new_b","password":"pass-word-123","role":"analyst","scope":{"type":"store","id":)" +
               b1 + "}}"}}},
        {{"GET", "/api/console/staff/{id}"}, {{"GET", Path("/api/console/staff/{id}", clerk_b1)}}},
        {{"POST", "/api/console/staff/{id}/deactivate"},
         {{"POST", Path("/api/console/staff/{id}/deactivate", clerk_b1)}}},
        {{"POST", "/api/console/staff/{id}/reactivate"},
         {{"POST", Path("/api/console/staff/{id}/reactivate", clerk_b1)}}},
        {{"POST", "/api/console/staff/{id}/password"},
         {{"POST", Path("/api/console/staff/{id}/password", clerk_b1),
           R"({"password":"pass-word-999"})"}}},
        {{"PATCH", "/api/console/staff/{id}"},
         {{"PATCH", Path("/api/console/staff/{id}", clerk_b1), R"({"role":"analyst"})"}}},
    };
  }
};

TEST_P(ConsoleScopeTest, EveryConsoleRouteIsRegisteredThroughTheConsoleRouter) {
  std::set<std::pair<std::string, std::string>> through_router;
  int public_routes = 0;
  for (const server::ConsoleRouteInfo& route : server_->app().console().routes()) {
    through_router.insert({route.method, route.path_template});
    if (!route.action.has_value()) {
      ++public_routes;
      EXPECT_EQ(route.method + " " + route.path_template, "POST /api/console/login")
          << "only login may skip authentication";
    }
  }
  EXPECT_EQ(public_routes, 1);
  int console_routes = 0;
  for (const server::RouteInfo& route : server_->app().http().routes()) {
    if (route.path_template.rfind("/api/console/", 0) != 0) continue;
    ++console_routes;
    EXPECT_EQ(through_router.count({route.method, route.path_template}), 1u)
        << route.method << " " << route.path_template
        << " was registered without the ConsoleRouter (no authentication, no action)";
  }
  EXPECT_EQ(console_routes, static_cast<int>(through_router.size()));
  EXPECT_GE(console_routes, 30);
}

TEST_P(ConsoleScopeTest, EveryAuthenticatedRouteRefusesAMissingOrForgedTokenBeforeItsHandler) {
  const auto before = RowCounts();
  for (const server::ConsoleRouteInfo& route : server_->app().console().routes()) {
    if (!route.action.has_value()) continue;
    const std::string path = Path(route.path_template, tree_.store_a1);
    Reply missing = Send(route.method, path, "", R"({"name":"x"})");
    EXPECT_EQ(missing.status, 401) << route.method << " " << path;
    EXPECT_EQ(missing.code(), "MISSING_TOKEN") << route.method << " " << path;
    Reply forged = Send(route.method, path, "mst1.forged", R"({"name":"x"})");
    EXPECT_EQ(forged.status, 401) << route.method << " " << path;
    EXPECT_EQ(forged.code(), "INVALID_TOKEN") << route.method << " " << path;
  }
  EXPECT_EQ(RowCounts(), before);
}

// Outside dealer B, a caller whose role has a route's action gets 404 for dealer B's objects,
// exactly as for objects that do not exist; a role without the action gets the router's 403,
// which does not depend on the object at all. Either way nothing tells dealer B exists.
TEST_P(ConsoleScopeTest, DealerBIsNotFoundOnEveryRouteForEveryoneOutsideIt) {
  const auto targets = TargetsOfDealerB();
  std::map<std::pair<std::string, std::string>, std::string> action_of;
  for (const server::ConsoleRouteInfo& route : server_->app().console().routes()) {
    EXPECT_EQ(targets.count({route.method, route.path_template}), 1u)
        << "classify the new route " << route.method << " " << route.path_template
        << " in TargetsOfDealerB";
    if (route.action.has_value()) {
      action_of[{route.method, route.path_template}] = org::ActionName(*route.action);
    }
  }
  const RoleTable roles = ReadDocumentedRoleTable();
  const std::map<std::string, std::string> role_of = {{"clerk_a1", "store_clerk"},
                                                      {"dealer_a_manager", "dealer_manager"},
                                                      {"analyst_a", "analyst"},
                                                      {"region1_manager", "region_manager"}};
  // Reads that take their input in a POST body: not audited, like every read.
  const std::set<std::pair<std::string, std::string>> posted_reads = {
      {"POST", "/api/console/member-codes/scan"}};
  for (const auto& [caller, role] : role_of) {
    const std::string& token = Token(caller);
    for (const auto& [route, requests] : targets) {
      const bool has_action = roles.allows.at(role).count(action_of[route]) == 1;
      const bool write = route.first != "GET" && posted_reads.count(route) == 0;
      for (const Target& target : requests) {
        auto before = RowCounts();
        Reply reply = Send(target.method, target.path, token, target.body);
        if (!has_action) {
          EXPECT_EQ(reply.status, 403)
              << caller << ": " << target.method << " " << target.path << " -> " << reply.body;
          EXPECT_EQ(reply.code(), "PERMISSION_DENIED");
          if (write) ++before["audit_log"];
          EXPECT_EQ(RowCounts(), before) << caller << ": " << target.method << " " << target.path;
          continue;
        }
        EXPECT_EQ(reply.status, 404)
            << caller << ": " << target.method << " " << target.path << " -> " << reply.body;
        EXPECT_EQ(reply.code(), target.code) << caller << ": " << target.path;
        // The message never tells "exists elsewhere" from "does not exist".
        EXPECT_NE(reply.body.find("not found"), std::string::npos) << reply.body;
        auto after = RowCounts();
        if (write) ++before["audit_log"];  // the denied write is on record
        EXPECT_EQ(after, before) << caller << ": " << target.method << " " << target.path;
      }
    }
  }
  // Dealer B's objects are untouched.
  Reply store = Get("/api/console/stores/" + std::to_string(tree_.store_b1), Token("admin"));
  EXPECT_STREQ(store.json["name"].GetString(), "Store B1");
  EXPECT_TRUE(store.json["active"].GetBool());
  Reply staff =
      Get("/api/console/staff/" + std::to_string(tree_.staff["clerk_b1"]), Token("admin"));
  EXPECT_TRUE(staff.json["active"].GetBool());
}

TEST_P(ConsoleScopeTest, AnIdThatDoesNotExistLooksTheSameAsOneOutOfScope) {
  const std::string& token = Token("clerk_a1");
  Reply missing = Get("/api/console/stores/999999", token);
  Reply hidden = Get("/api/console/stores/" + std::to_string(tree_.store_b1), token);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(missing.code(), hidden.code());
  EXPECT_EQ(std::string(missing.json["message"].GetString()), "store 999999 not found");
  EXPECT_EQ(std::string(hidden.json["message"].GetString()),
            "store " + std::to_string(tree_.store_b1) + " not found");
}

TEST_P(ConsoleScopeTest, ListsReturnExactlyTheScope) {
  const OrgTree& t = tree_;
  const auto& s = t.staff;
  const Ids all_staff = {s.at("admin"),
                         s.at("region1_manager"),
                         s.at("region2_manager"),
                         s.at("dealer_a_manager"),
                         s.at("dealer_b_manager"),
                         s.at("clerk_a1"),
                         s.at("clerk_b1"),
                         s.at("analyst_a"),
                         s.at("analyst_brand")};
  const Ids dealer_a_staff = {s.at("dealer_a_manager"), s.at("clerk_a1"), s.at("analyst_a")};
  struct Expected {
    const char* caller;
    const char* list;
    int status;
    Ids ids;
  };
  const std::vector<Expected> expected = {
      {"admin", "regions", 200, {t.region1, t.region2}},
      {"admin", "dealers", 200, {t.dealer_a, t.dealer_a2, t.dealer_b}},
      {"admin", "stores", 200, {t.store_a1, t.store_a2, t.store_a3, t.store_b1}},
      {"admin", "merchants", 200, {t.merchant_a1, t.merchant_b1}},
      {"admin", "partners", 200, {t.partner}},
      {"admin", "staff", 200, all_staff},
      {"analyst_brand", "stores", 200, {t.store_a1, t.store_a2, t.store_a3, t.store_b1}},
      {"analyst_brand", "staff", 200, all_staff},
      {"analyst_brand", "partners", 200, {t.partner}},
      {"region1_manager", "regions", 200, {t.region1}},
      {"region1_manager", "dealers", 200, {t.dealer_a, t.dealer_a2}},
      {"region1_manager", "stores", 200, {t.store_a1, t.store_a2, t.store_a3}},
      {"region1_manager", "merchants", 200, {t.merchant_a1}},
      {"region1_manager", "partners", 403, {}},
      {"region1_manager",
       "staff",
       200,
       {s.at("region1_manager"), s.at("dealer_a_manager"), s.at("clerk_a1"), s.at("analyst_a")}},
      {"region2_manager", "dealers", 200, {t.dealer_b}},
      {"region2_manager", "stores", 200, {t.store_b1}},
      {"region2_manager", "merchants", 200, {t.merchant_b1}},
      {"region2_manager",
       "staff",
       200,
       {s.at("region2_manager"), s.at("dealer_b_manager"), s.at("clerk_b1")}},
      {"dealer_a_manager", "regions", 403, {}},
      {"dealer_a_manager", "dealers", 200, {t.dealer_a}},
      {"dealer_a_manager", "stores", 200, {t.store_a1, t.store_a2}},
      {"dealer_a_manager", "merchants", 200, {t.merchant_a1}},
      {"dealer_a_manager", "staff", 200, dealer_a_staff},
      {"analyst_a", "regions", 200, {}},
      {"analyst_a", "dealers", 200, {t.dealer_a}},
      {"analyst_a", "stores", 200, {t.store_a1, t.store_a2}},
      {"analyst_a", "merchants", 200, {t.merchant_a1}},
      {"analyst_a", "partners", 200, {}},
      {"analyst_a", "staff", 200, dealer_a_staff},
      {"admin", "packages", 200, {package_b_}},
      {"region2_manager", "packages", 200, {package_b_}},
      {"clerk_b1", "packages", 200, {package_b_}},
      {"region1_manager", "packages", 200, {}},
      {"dealer_a_manager", "packages", 200, {}},
      {"clerk_a1", "regions", 403, {}},
      {"clerk_a1", "dealers", 403, {}},
      {"clerk_a1", "stores", 200, {t.store_a1}},
      {"clerk_a1", "merchants", 403, {}},
      {"clerk_a1", "partners", 403, {}},
      {"clerk_a1", "staff", 403, {}},
  };
  for (const Expected& e : expected) {
    Reply reply = Get(std::string("/api/console/") + e.list, Token(e.caller));
    EXPECT_EQ(reply.status, e.status) << e.caller << " " << e.list << ": " << reply.body;
    if (e.status != 200) {
      EXPECT_EQ(reply.code(), "PERMISSION_DENIED") << e.caller << " " << e.list;
      continue;
    }
    EXPECT_EQ(AsSet(reply.ItemIds()), e.ids) << e.caller << " " << e.list;
    EXPECT_EQ(reply.json["total"].GetInt64(), static_cast<int64_t>(e.ids.size()))
        << e.caller << " " << e.list;
  }
}

TEST_P(ConsoleScopeTest, ARegionManagerSeesExactlyTheRegionsDealers) {
  Reply all = Get("/api/console/dealers", Token("region1_manager"));
  EXPECT_EQ(AsSet(all.ItemIds()), (Ids{tree_.dealer_a, tree_.dealer_a2}));
  for (const auto& item : all.json["items"].GetArray()) {
    EXPECT_EQ(item["region_id"].GetInt64(), tree_.region1);
  }
  Reply filtered = Get("/api/console/dealers?region_id=" + std::to_string(tree_.region1),
                       Token("region1_manager"));
  EXPECT_EQ(AsSet(filtered.ItemIds()), (Ids{tree_.dealer_a, tree_.dealer_a2}));
  Reply other = Get("/api/console/dealers?region_id=" + std::to_string(tree_.region2),
                    Token("region1_manager"));
  EXPECT_EQ(other.status, 404);
}

TEST_P(ConsoleScopeTest, ListsArePagedInSql) {
  const std::string& token = Token("admin");
  Reply first = Get("/api/console/stores?page=1&page_size=3", token);
  Reply second = Get("/api/console/stores?page=2&page_size=3", token);
  EXPECT_EQ(first.ItemIds().size(), 3u);
  EXPECT_EQ(second.ItemIds().size(), 1u);
  EXPECT_EQ(first.json["total"].GetInt64(), 4);
  EXPECT_EQ(Get("/api/console/stores?page=0", token).code(), "INVALID_PAGE");
  EXPECT_EQ(Get("/api/console/stores?page_size=201", token).code(), "INVALID_PAGE");
  EXPECT_EQ(Get("/api/console/stores?page=x", token).code(), "INVALID_PAGE");
}

TEST_P(ConsoleScopeTest, AnalystWritesAreForbiddenAndAudited) {
  const std::string& admin = Token("admin");
  const std::string& token = Token("analyst_a");
  const std::string a = std::to_string(tree_.dealer_a);
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::string clerk = std::to_string(tree_.staff["clerk_a1"]);
  const std::vector<Target> writes = {
      {"POST", "/api/console/stores", R"({"dealer_id":)" + a + R"(,"name":"x"})"},
      {"PATCH", "/api/console/stores/" + a1, R"({"name":"x"})"},
      {"POST", "/api/console/stores/" + a1 + "/deactivate", ""},
      {"POST", "/api/console/stores/" + a1 + "/merchants", MerchantBody()},
      {"POST", "/api/console/merchants/" + std::to_string(tree_.merchant_a1) + "/platform-keys",
       KeyBody()},
      {"POST", "/api/console/merchants/" + std::to_string(tree_.merchant_a1) + "/deactivate", ""},
      {"PATCH", "/api/console/dealers/" + a, R"({"name":"x"})"},
      {"POST", "/api/console/dealers/" + a + "/deactivate", ""},
      {"POST", "/api/console/staff",
       R"({"username":"new_a","password":"pass-word-123","role":"analyst","scope":{"type":"store","id":)" +
           a1 + "}}"},
      {"POST", "/api/console/staff/" + clerk + "/deactivate", ""},
  };
  for (const Target& write : writes) {
    auto before = RowCounts();
    Reply reply = Send(write.method, write.path, token, write.body);
    EXPECT_EQ(reply.status, 403) << write.method << " " << write.path << ": " << reply.body;
    EXPECT_EQ(reply.code(), "PERMISSION_DENIED");
    ++before["audit_log"];
    EXPECT_EQ(RowCounts(), before) << write.method << " " << write.path;
  }
  const std::string& brand_analyst = Token("analyst_brand");
  const int64_t audit_before = AuditRows();
  EXPECT_EQ(Post("/api/console/regions", brand_analyst, R"({"name":"x"})").status, 403);
  EXPECT_EQ(
      Post("/api/console/partners", brand_analyst, R"({"name":"x","category":"fuel"})").status,
      403);
  EXPECT_EQ(Patch("/api/console/brand", brand_analyst, R"({"name":"x"})").status, 403);
  EXPECT_EQ(Get("/api/console/audit", brand_analyst).status, 403);

  EXPECT_EQ(AuditRows(), audit_before + 3);
  Reply audit = Get("/api/console/audit?page_size=1", admin);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto& newest = audit.json["items"][0];
  EXPECT_STREQ(newest["outcome"].GetString(), "denied");
  EXPECT_STREQ(newest["action"].GetString(), "brand.write");  // the router's refusal
  EXPECT_STREQ(newest["object_type"].GetString(), "brand");
  EXPECT_STREQ(newest["staff_username"].GetString(), "analyst_brand");
}

TEST_P(ConsoleScopeTest, ManagersWorkInsideTheirScope) {
  const std::string& token = Token("dealer_a_manager");
  Reply store = Post("/api/console/stores", token,
                     R"({"dealer_id":)" + std::to_string(tree_.dealer_a) + R"(,"name":"新店 A4"})");
  ASSERT_EQ(store.status, 201) << store.body;
  const std::string store_id = std::to_string(store.json["id"].GetInt64());
  EXPECT_EQ(store.json["region_id"].GetInt64(), tree_.region1);
  Reply renamed = Patch("/api/console/stores/" + store_id, token, R"({"name":"A4"})");
  EXPECT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_STREQ(renamed.json["name"].GetString(), "A4");

  Reply clerk = Post(
      "/api/console/staff", token,
      R"({"username":"Clerk_A4","password":"pass-word-456","role":"store_clerk","scope":{"type":"store","id":)" +
          store_id + "}}");
  ASSERT_EQ(clerk.status, 201) << clerk.body;
  EXPECT_STREQ(clerk.json["username"].GetString(), "clerk_a4");
  EXPECT_EQ(LoginReply("clerk_a4", "pass-word-456").status, 200);

  // Not their own role or above, not their own dealer.
  EXPECT_EQ(
      Post(
          "/api/console/staff", token,
          R"({"username":"peer","password":"pass-word-456","role":"dealer_manager","scope":{"type":"dealer","id":)" +
              std::to_string(tree_.dealer_a) + "}}")
          .status,
      403);
  EXPECT_EQ(
      Patch("/api/console/dealers/" + std::to_string(tree_.dealer_a), token, R"({"name":"x"})")
          .status,
      403);
  EXPECT_EQ(
      Post("/api/console/staff/" + std::to_string(tree_.staff["dealer_a_manager"]) + "/deactivate",
           token)
          .status,
      403);

  // A store with active... none below it: it can be deactivated; a dealer with stores cannot.
  Reply gone = Post("/api/console/stores/" + store_id + "/deactivate", token);
  EXPECT_EQ(gone.status, 200) << gone.body;
  EXPECT_FALSE(gone.json["active"].GetBool());
  Reply again = Post("/api/console/stores/" + store_id + "/deactivate", token);
  EXPECT_EQ(again.status, 200);
  Reply busy = Post("/api/console/dealers/" + std::to_string(tree_.dealer_a) + "/deactivate",
                    Token("region1_manager"));
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(busy.code(), "HAS_ACTIVE_CHILDREN");
  Reply under_inactive = Post(
      "/api/console/staff", token,
      R"({"username":"late","password":"pass-word-456","role":"store_clerk","scope":{"type":"store","id":)" +
          store_id + "}}");
  EXPECT_EQ(under_inactive.status, 409);
  EXPECT_EQ(under_inactive.code(), "PARENT_INACTIVE");
}

TEST_P(ConsoleScopeTest, AncestorsAnswerLikeUnknownObjectsButTheBrandIsReadable) {
  // An analyst of dealer A has region.read, partner.read and earning_rule.read, but region 1,
  // the brand's partners and the brand's earning rule sit above its scope.
  const std::string& analyst = Token("analyst_a");
  Reply brand = Get("/api/console/brand", analyst);
  EXPECT_EQ(brand.status, 200) << brand.body;
  EXPECT_EQ(brand.json["id"].GetInt64(), tree_.brand);
  const std::string region1 = std::to_string(tree_.region1);
  for (const auto& [path, missing] : std::vector<std::pair<std::string, std::string>>{
           {"/api/console/regions/" + region1, "/api/console/regions/999999"},
           {"/api/console/partners/" + std::to_string(tree_.partner),
            "/api/console/partners/999999"},
           {"/api/console/brands/" + std::to_string(tree_.brand) + "/earning-rule",
            "/api/console/brands/999999/earning-rule"}}) {
    Reply ancestor = Get(path, analyst);
    Reply unknown = Get(missing, analyst);
    EXPECT_EQ(ancestor.status, 404) << path << ": " << ancestor.body;
    EXPECT_EQ(ancestor.code(), unknown.code()) << path;
    EXPECT_EQ(unknown.status, 404) << missing;
  }
  EXPECT_EQ(Get("/api/console/dealers/" + std::to_string(tree_.dealer_a), analyst).status, 200);
  // A write at an ancestor is the same 404, and on record as denied.
  const std::string& manager = Token("dealer_a_manager");
  const int64_t audit_before = AuditRows();
  Reply staff_above = Post("/api/console/staff", manager,
                           R"({"username":"above","password":"pass-word-123","role":"analyst",)"
                           R"("scope":{"type":"region","id":)" +
                               region1 + "}}");
  EXPECT_EQ(staff_above.status, 404) << staff_above.body;
  EXPECT_EQ(staff_above.json["message"].GetString(), "region " + region1 + " not found");
  EXPECT_EQ(AuditRows(), audit_before + 1);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleScopeTest);

}  // namespace
}  // namespace mileage::testing
