// Members, payments and earning rules in the console over HTTP, after real (signed) payment
// notifications at stores of dealers A (region 1), A2 (region 1) and B (region 2): the member
// visibility rule on search, profile and points; store transaction and refund lists for every
// role; earning rules changing what the next payment earns; bad input (docs/API.md).
#include <set>

#include "members/member_store.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

constexpr const char* kMchidA3 = "1900000003";
constexpr const char* kTxAlice = "4200000000000000000000000000A1";
constexpr const char* kTxBob = "4200000000000000000000000000B1";
constexpr const char* kTxCarol = "4200000000000000000000000000A3";
constexpr const char* kTxDaveA = "4200000000000000000000000001A1";
constexpr const char* kTxDaveB = "4200000000000000000000000001B1";
constexpr const char* kAlicePhone = "13800138000";

using Strings = std::set<std::string>;

class ConsoleMembersTest : public ConsoleTest {
 protected:
  // alice paid 100.00 at A1 (and has a phone), bob 50.00 at B1, carol 30.00 at A3 (dealer A2),
  // dave at A1 and B1; alice then got 50.00 back.
  void SetUp() override {
    ConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    org::NewMerchant a3{kMchidA3, kAppid, kApiV3Key, WechatPayNotifier::PlatformKeys()};
    Result<org::Merchant> created =
        org().merchants().Create(org::Actor::System("test"), tree_.store_a3, a3);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Pay(kMchid, kTxAlice, "openid-alice", 10000);
    Pay(kOtherMchid, kTxBob, "openid-bob", 5000);
    Pay(kMchidA3, kTxCarol, "openid-carol", 3000);
    Pay(kMchid, kTxDaveA, "openid-dave", 2000);
    Pay(kOtherMchid, kTxDaveB, "openid-dave", 2000);
    RefundPayment(kMchid, "5030000000000000000000000000A1", kTxAlice, 5000, 10000);
    alice_ = MemberIdOf("openid-alice");
    bob_ = MemberIdOf("openid-bob");
    carol_ = MemberIdOf("openid-carol");
    dave_ = MemberIdOf("openid-dave");
    ASSERT_GT(alice_, 0);
    ASSERT_GT(bob_, 0);
    ASSERT_GT(carol_, 0);
    ASSERT_GT(dave_, 0);
    Status phone = db::InTransaction(server_->app().db(), [&](db::Connection& conn) {
      OsRandom random;
      return members::MemberStore(conn, random)
          .AttachPhone(alice_, tree_.brand, kAlicePhone, server_->app().phones(),
                       UnixSeconds(clock_.Now()));
    });
    ASSERT_TRUE(phone.ok()) << phone.ToString();
    Reply profile = Get(MemberPath(alice_), Token("admin"));
    ASSERT_EQ(profile.status, 200) << profile.body;
    alice_number_ = profile.json["number"].GetString();
  }

  static std::string MemberPath(int64_t id, const std::string& suffix = "") {
    return "/api/console/members/" + std::to_string(id) + suffix;
  }

  // The ids of a search's items.
  std::set<int64_t> Search(const std::string& caller, const std::string& q) {
    Reply reply = Get("/api/console/members?q=" + q, Token(caller));
    EXPECT_EQ(reply.status, 200) << caller << " q=" << q << ": " << reply.body;
    std::set<int64_t> ids;
    if (reply.status != 200) return ids;
    for (int64_t id : reply.ItemIds()) ids.insert(id);
    return ids;
  }

  // The transaction_id (or refund_id) of a list answer's items.
  static Strings Field(const Reply& reply, const char* field) {
    Strings out;
    if (!reply.json.IsObject() || !reply.json.HasMember("items")) return out;
    for (const auto& item : reply.json["items"].GetArray()) out.insert(item[field].GetString());
    return out;
  }

  int64_t alice_ = 0, bob_ = 0, carol_ = 0, dave_ = 0;
  std::string alice_number_;
};

TEST_P(ConsoleMembersTest, SearchFindsTheMemberOnlyWhereTheyPaid) {
  ASSERT_EQ(alice_number_.size(), 12u);
  const std::set<int64_t> alice = {alice_};
  const std::set<int64_t> none;
  // Every form of the query: member number, openid, phone (also written +86 and with spaces).
  for (const std::string& q : {alice_number_, std::string("openid-alice"), std::string(kAlicePhone),
                               std::string("%2B86%20138%200013%208000")}) {
    for (const char* caller : {"admin", "analyst_brand", "region1_manager", "dealer_a_manager",
                               "clerk_a1", "analyst_a"}) {
      EXPECT_EQ(Search(caller, q), alice) << caller << " q=" << q;
    }
    for (const char* caller : {"region2_manager", "dealer_b_manager", "clerk_b1"}) {
      EXPECT_EQ(Search(caller, q), none) << caller << " q=" << q;
    }
  }
  // Carol paid at dealer A2 (region 1): her region sees her, dealer A does not.
  EXPECT_EQ(Search("region1_manager", "openid-carol"), std::set<int64_t>{carol_});
  EXPECT_EQ(Search("dealer_a_manager", "openid-carol"), none);
  // Dave paid at A1 and B1: both dealers see him.
  EXPECT_EQ(Search("clerk_a1", "openid-dave"), std::set<int64_t>{dave_});
  EXPECT_EQ(Search("clerk_b1", "openid-dave"), std::set<int64_t>{dave_});
  // Nobody is found by a phone nobody has.
  EXPECT_EQ(Search("admin", "13900139000"), none);

  // The phone is never shown in clear.
  Reply found = Get("/api/console/members?q=" + std::string(kAlicePhone), Token("admin"));
  EXPECT_EQ(found.body.find(kAlicePhone), std::string::npos) << found.body;
  Reply profile = Get(MemberPath(alice_), Token("admin"));
  EXPECT_EQ(profile.body.find(kAlicePhone), std::string::npos) << profile.body;
  EXPECT_NE(profile.body.find("138****8000"), std::string::npos) << profile.body;
}

TEST_P(ConsoleMembersTest, AMemberOutsideTheScopeLooksLikeOneThatDoesNotExist) {
  for (const std::string suffix : {"", "/points"}) {
    for (const char* caller : {"admin", "analyst_brand", "region1_manager", "dealer_a_manager",
                               "clerk_a1", "analyst_a"}) {
      EXPECT_EQ(Get(MemberPath(alice_, suffix), Token(caller)).status, 200) << caller << suffix;
    }
    for (const char* caller : {"region2_manager", "dealer_b_manager", "clerk_b1"}) {
      Reply hidden = Get(MemberPath(alice_, suffix), Token(caller));
      Reply missing = Get(MemberPath(999999, suffix), Token(caller));
      EXPECT_EQ(hidden.status, 404) << caller << suffix << ": " << hidden.body;
      EXPECT_EQ(hidden.code(), "MEMBER_NOT_FOUND") << caller << suffix;
      EXPECT_EQ(missing.code(), "MEMBER_NOT_FOUND") << caller << suffix;
      EXPECT_EQ(std::string(hidden.json["message"].GetString()),
                "member " + std::to_string(alice_) + " not found");
      EXPECT_EQ(std::string(missing.json["message"].GetString()), "member 999999 not found");
    }
    // Carol (dealer A2) is hidden from dealer A, seen by region 1.
    EXPECT_EQ(Get(MemberPath(carol_, suffix), Token("dealer_a_manager")).code(),
              "MEMBER_NOT_FOUND");
    EXPECT_EQ(Get(MemberPath(carol_, suffix), Token("region1_manager")).status, 200);
  }
}

TEST_P(ConsoleMembersTest, AMemberEnrolledAtAStoreIsSeenThereWithoutAPayment) {
  // Enrolled at store A2 (as a payment there would), with no payment recorded anywhere.
  int64_t enrolled = 0;
  Status written = db::InTransaction(server_->app().db(), [&](db::Connection& conn) -> Status {
    OsRandom random;
    members::PayerIdentity payer{tree_.brand, kAppid, "openid-enrolled-at-a2", std::nullopt};
    MILEAGE_ASSIGN_OR_RETURN(members::Enrollment enrollment,
                             members::MemberStore(conn, random)
                                 .FindOrEnroll(payer, "silver", "wechat_pay", tree_.store_a2,
                                               UnixSeconds(clock_.Now())));
    enrolled = enrollment.member.id;
    return Status::Ok();
  });
  ASSERT_TRUE(written.ok()) << written.ToString();
  for (const char* caller : {"admin", "region1_manager", "dealer_a_manager", "analyst_a"}) {
    EXPECT_EQ(Search(caller, "openid-enrolled-at-a2"), std::set<int64_t>{enrolled}) << caller;
    EXPECT_EQ(Get(MemberPath(enrolled), Token(caller)).status, 200) << caller;
  }
  for (const char* caller : {"clerk_a1", "dealer_b_manager", "region2_manager"}) {
    EXPECT_EQ(Search(caller, "openid-enrolled-at-a2"), std::set<int64_t>()) << caller;
    EXPECT_EQ(Get(MemberPath(enrolled), Token(caller)).code(), "MEMBER_NOT_FOUND") << caller;
  }
}

TEST_P(ConsoleMembersTest, AnotherBrandsMemberIsNeverFound) {
  // The same WeChat user pays at a store of another brand: that brand's member, not ours.
  const org::Actor op = org::Actor::System("test");
  org::HierarchyService& h = org().hierarchy();
  Result<org::Node> brand = h.CreateBrand(op, "Other brand");
  ASSERT_TRUE(brand.ok());
  Result<org::Node> region = h.Create(op, org::NodeType::kRegion, brand->path.id(), "R");
  ASSERT_TRUE(region.ok());
  Result<org::Node> dealer = h.Create(op, org::NodeType::kDealer, region->path.id(), "D");
  ASSERT_TRUE(dealer.ok());
  Result<org::Node> store = h.Create(op, org::NodeType::kStore, dealer->path.id(), "S");
  ASSERT_TRUE(store.ok());
  // Appids are one brand's only: the other brand pays through its own app.
  const std::string other_appid = "wx9999999999999999";
  ASSERT_TRUE(
      org().apps().Create(op, brand->path.id(), {other_appid, "miniprogram", "Other", ""}).ok());
  org::NewMerchant m{"1900000099", other_appid, kApiV3Key, WechatPayNotifier::PlatformKeys()};
  ASSERT_TRUE(org().merchants().Create(op, store->path.id(), m).ok());
  PaymentSpec spec{"4200000000000000000000000000X1", "openid-elsewhere", 1000, "1900000099"};
  spec.appid = other_appid;
  auto paid = WechatPayNotifier::Post(*server_->Client(), notifier_->Payment(spec), "1900000099");
  ASSERT_TRUE(paid);
  ASSERT_EQ(paid->status, 204) << paid->body;
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<db::Row>> rows = (*conn)->Query(
      "SELECT id, number FROM members WHERE brand_id = ?", {db::Value(brand->path.id())});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const int64_t other = (*rows)[0].Int(0);
  const std::string number = (*rows)[0].Text(1);
  for (const char* caller : {"admin", "analyst_brand", "clerk_a1"}) {
    EXPECT_EQ(Search(caller, "openid-elsewhere"), std::set<int64_t>()) << caller;
    EXPECT_EQ(Search(caller, number), std::set<int64_t>()) << caller;
    EXPECT_EQ(Get(MemberPath(other), Token(caller)).code(), "MEMBER_NOT_FOUND") << caller;
    EXPECT_EQ(Get(MemberPath(other, "/points"), Token(caller)).code(), "MEMBER_NOT_FOUND");
    EXPECT_EQ(Get("/api/console/transactions/4200000000000000000000000000X1", Token(caller)).code(),
              "TRANSACTION_NOT_FOUND");
    EXPECT_EQ(Get("/api/console/stores/" + std::to_string(store->path.id()) + "/transactions",
                  Token(caller))
                  .code(),
              "NOT_FOUND");
  }
}

TEST_P(ConsoleMembersTest, ProfileAndPointsShowTheBalanceAndReasonsAfterARefund) {
  Reply profile = Get(MemberPath(alice_), Token("clerk_a1"));
  ASSERT_EQ(profile.status, 200) << profile.body;
  const auto& p = profile.json;
  EXPECT_EQ(p["id"].GetInt64(), alice_);
  EXPECT_STREQ(p["tier"].GetString(), "silver");
  EXPECT_STREQ(p["status"].GetString(), "active");
  EXPECT_STREQ(p["enrolled_via"].GetString(), "wechat_pay");
  EXPECT_EQ(p["enrolled_store_id"].GetInt64(), tree_.store_a1);
  // 100 points for 100.00 yuan (the default rule), 50 reversed by the refund of 50.00.
  EXPECT_EQ(p["balance"]["balance"].GetInt64(), 50);
  EXPECT_EQ(p["balance"]["debt"].GetInt64(), 0);
  EXPECT_EQ(p["activity_12m"]["spend_fen"].GetInt64(), 5000);
  EXPECT_EQ(p["activity_12m"]["visits"].GetInt64(), 1);
  Strings kinds;
  for (const auto& identity : p["identities"].GetArray())
    kinds.insert(identity["kind"].GetString());
  EXPECT_EQ(kinds, (Strings{"openid", "phone"}));
  // No clear openid in the view: neither the identity nor the payment's payer.
  EXPECT_EQ(profile.body.find("openid-alice"), std::string::npos) << profile.body;
  ASSERT_EQ(p["recent_payments"].Size(), 1u);
  const auto& payment = p["recent_payments"][0];
  EXPECT_STREQ(payment["transaction_id"].GetString(), kTxAlice);
  EXPECT_EQ(payment["amount_fen"].GetInt64(), 10000);
  EXPECT_EQ(payment["refunded_fen"].GetInt64(), 5000);
  EXPECT_EQ(payment["points_reversed"].GetInt64(), 50);
  EXPECT_STREQ(payment["state"].GetString(), "partially_refunded");

  Reply points = Get(MemberPath(alice_, "/points"), Token("clerk_a1"));
  ASSERT_EQ(points.status, 200) << points.body;
  EXPECT_EQ(points.json["total"].GetInt64(), 2);
  ASSERT_EQ(points.json["items"].Size(), 2u);
  const auto& refund = points.json["items"][0];  // newest first
  EXPECT_EQ(refund["points"].GetInt64(), -50);
  EXPECT_STREQ(refund["reason"].GetString(), "refund");
  EXPECT_STREQ(refund["source_ref"].GetString(), "wxrefund:5030000000000000000000000000A1");
  const auto& earn = points.json["items"][1];
  EXPECT_EQ(earn["points"].GetInt64(), 100);
  EXPECT_STREQ(earn["reason"].GetString(), "payment");
  EXPECT_EQ(earn["source_ref"].GetString(), "wxpay:" + std::string(kTxAlice));
  EXPECT_EQ(earn["rule_version"].GetInt64(), 0);  // the built-in default rule

  Reply second_page = Get(MemberPath(alice_, "/points?page=2&page_size=1"), Token("admin"));
  ASSERT_EQ(second_page.json["items"].Size(), 1u);
  EXPECT_STREQ(second_page.json["items"][0]["reason"].GetString(), "payment");

  // Dave's last payments: each dealer sees the payment made in its scope, the brand both.
  auto payments_seen = [&](const char* caller) {
    Reply reply = Get(MemberPath(dave_), Token(caller));
    Strings ids;
    for (const auto& t : reply.json["recent_payments"].GetArray()) {
      ids.insert(t["transaction_id"].GetString());
    }
    return ids;
  };
  EXPECT_EQ(payments_seen("admin"), (Strings{kTxDaveA, kTxDaveB}));
  EXPECT_EQ(payments_seen("dealer_a_manager"), (Strings{kTxDaveA}));
  EXPECT_EQ(payments_seen("clerk_b1"), (Strings{kTxDaveB}));
}

TEST_P(ConsoleMembersTest, StoreListsNeverLeakAnotherStoresRows) {
  RefundPayment(kOtherMchid, "5030000000000000000000000000B1", kTxBob, 1000, 5000);
  const OrgTree& t = tree_;
  const std::map<int64_t, Strings> transactions = {{t.store_a1, {kTxAlice, kTxDaveA}},
                                                   {t.store_b1, {kTxBob, kTxDaveB}},
                                                   {t.store_a3, {kTxCarol}},
                                                   {t.store_a2, {}}};
  const std::map<int64_t, Strings> refunds = {{t.store_a1, {"5030000000000000000000000000A1"}},
                                              {t.store_b1, {"5030000000000000000000000000B1"}},
                                              {t.store_a3, {}},
                                              {t.store_a2, {}}};
  // The stores each caller sees; every other store answers 404 like a store that does not
  // exist.
  const std::map<std::string, std::set<int64_t>> visible = {
      {"admin", {t.store_a1, t.store_a2, t.store_a3, t.store_b1}},
      {"analyst_brand", {t.store_a1, t.store_a2, t.store_a3, t.store_b1}},
      {"region1_manager", {t.store_a1, t.store_a2, t.store_a3}},
      {"region2_manager", {t.store_b1}},
      {"dealer_a_manager", {t.store_a1, t.store_a2}},
      {"dealer_b_manager", {t.store_b1}},
      {"analyst_a", {t.store_a1, t.store_a2}},
      {"clerk_a1", {t.store_a1}},
      {"clerk_b1", {t.store_b1}},
  };
  for (const auto& [caller, stores] : visible) {
    for (const auto& [store, expected] : transactions) {
      const std::string base = "/api/console/stores/" + std::to_string(store);
      Reply list = Get(base + "/transactions", Token(caller));
      Reply refund_list = Get(base + "/refunds", Token(caller));
      if (stores.count(store) == 0) {
        EXPECT_EQ(list.status, 404) << caller << " " << base << ": " << list.body;
        EXPECT_EQ(list.code(), "NOT_FOUND");
        EXPECT_EQ(refund_list.status, 404) << caller << " " << base;
        EXPECT_EQ(std::string(list.json["message"].GetString()),
                  "store " + std::to_string(store) + " not found");
        continue;
      }
      EXPECT_EQ(list.status, 200) << caller << " " << base << ": " << list.body;
      EXPECT_EQ(Field(list, "transaction_id"), expected) << caller << " " << base;
      EXPECT_EQ(list.json["total"].GetInt64(), static_cast<int64_t>(expected.size()));
      EXPECT_EQ(Field(refund_list, "refund_id"), refunds.at(store)) << caller << " " << base;
      for (const auto& item : list.json["items"].GetArray()) {
        EXPECT_EQ(item["store_id"].GetInt64(), store);
      }
    }
    // One transaction with its refunds: the same rule.
    for (const auto& [store, ids] : transactions) {
      for (const std::string& id : ids) {
        Reply one = Get("/api/console/transactions/" + id, Token(caller));
        if (stores.count(store) == 0) {
          EXPECT_EQ(one.status, 404) << caller << " " << id;
          EXPECT_EQ(one.code(), "TRANSACTION_NOT_FOUND");
          EXPECT_EQ(std::string(one.json["message"].GetString()),
                    "transaction " + id + " not found");
        } else {
          EXPECT_EQ(one.status, 200) << caller << " " << id << ": " << one.body;
          EXPECT_EQ(one.json["store_id"].GetInt64(), store);
        }
      }
    }
  }
  Reply missing = Get("/api/console/transactions/4299999999999999999999999999", Token("admin"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code(), "TRANSACTION_NOT_FOUND");
  Reply alice = Get(std::string("/api/console/transactions/") + kTxAlice, Token("clerk_a1"));
  // The payer's openid reaches staff masked: "openid-alice" has 12 characters, all hidden.
  EXPECT_STREQ(alice.json["payer_openid"].GetString(), "****");
  EXPECT_EQ(alice.body.find("openid-alice"), std::string::npos);
  ASSERT_EQ(alice.json["refunds"].Size(), 1u);
  EXPECT_EQ(alice.json["refunds"][0]["amount_fen"].GetInt64(), 5000);
  EXPECT_STREQ(alice.json["refunds"][0]["status"].GetString(), "success");
  EXPECT_TRUE(alice.json["refunds"][0]["applied"].GetBool());
  // Page parameters work on these lists too.
  Reply page =
      Get("/api/console/stores/" + std::to_string(t.store_a1) + "/transactions?page=2&page_size=1",
          Token("admin"));
  EXPECT_EQ(page.json["items"].Size(), 1u);
  EXPECT_EQ(page.json["total"].GetInt64(), 2);
}

TEST_P(ConsoleMembersTest, EarningRulesDecideWhatTheNextPaymentEarns) {
  const std::string brand_rule =
      "/api/console/brands/" + std::to_string(tree_.brand) + "/earning-rule";
  const std::string a1_rule =
      "/api/console/stores/" + std::to_string(tree_.store_a1) + "/earning-rule";
  const std::string b1_rule =
      "/api/console/stores/" + std::to_string(tree_.store_b1) + "/earning-rule";
  Reply before = Get(brand_rule, Token("admin"));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_STREQ(before.json["source"].GetString(), "default");
  EXPECT_EQ(before.json["points_per_yuan"].GetInt64(), 1);

  const int64_t audit_before = AuditRows();
  Reply put = Put(brand_rule, Token("admin"), R"({"points_per_yuan":2})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["version"].GetInt64(), 1);
  EXPECT_STREQ(put.json["source"].GetString(), "brand");
  EXPECT_EQ(AuditRows(), audit_before + 1);
  Reply audit = Get("/api/console/audit?page_size=1", Token("admin"));
  EXPECT_STREQ(audit.json["items"][0]["action"].GetString(), "earning_rule.update");
  EXPECT_STREQ(audit.json["items"][0]["outcome"].GetString(), "ok");

  // 100.00 yuan at A1 now earns 200 points under brand rule version 1.
  Pay(kMchid, "4200000000000000000000000002A1", "openid-erin", 10000);
  const int64_t erin = MemberIdOf("openid-erin");
  Reply erin_points = Get(MemberPath(erin, "/points"), Token("admin"));
  ASSERT_EQ(erin_points.json["items"].Size(), 1u);
  EXPECT_EQ(erin_points.json["items"][0]["points"].GetInt64(), 200);
  EXPECT_EQ(erin_points.json["items"][0]["rule_version"].GetInt64(), 1);
  EXPECT_EQ(Get("/api/console/transactions/4200000000000000000000000002A1", Token("admin"))
                .json["rule_version"]
                .GetInt64(),
            1);

  // A store rule (by the dealer's manager) overrides the brand's at that store only.
  Reply store_put = Put(
      a1_rule, Token("dealer_a_manager"),
      R"({"points_per_yuan":3,"tier_multiplier_percent":{"silver":200},"cap_per_payment":1000})");
  ASSERT_EQ(store_put.status, 200) << store_put.body;
  EXPECT_STREQ(store_put.json["source"].GetString(), "store");
  EXPECT_EQ(store_put.json["store_id"].GetInt64(), tree_.store_a1);
  EXPECT_EQ(store_put.json["tier_multiplier_percent"]["silver"].GetInt64(), 200);
  Pay(kMchid, "4200000000000000000000000003A1", "openid-frank", 10000);
  Pay(kOtherMchid, "4200000000000000000000000003B1", "openid-gina", 10000);
  Reply frank = Get(MemberPath(MemberIdOf("openid-frank")), Token("admin"));
  EXPECT_EQ(frank.json["balance"]["balance"].GetInt64(), 600);  // 3/yuan x 200% for silver
  Reply gina = Get(MemberPath(MemberIdOf("openid-gina")), Token("admin"));
  EXPECT_EQ(gina.json["balance"]["balance"].GetInt64(), 200);  // the brand's rule at B1
  EXPECT_STREQ(Get(b1_rule, Token("clerk_b1")).json["source"].GetString(), "brand");
  EXPECT_STREQ(Get(a1_rule, Token("clerk_a1")).json["source"].GetString(), "store");
  // A second change of the same rule is version 2.
  Reply again = Put(a1_rule, Token("admin"), R"({"points_per_yuan":4})");
  EXPECT_EQ(again.json["version"].GetInt64(), 2);
  EXPECT_EQ(again.json["cap_per_payment"].GetInt64(), 0);

  // Refusals write no rule (a denial is on record). Logins are audited too: log in first.
  for (const char* caller : {"clerk_a1", "analyst_brand", "dealer_a_manager", "region1_manager"}) {
    Token(caller);
  }
  auto counts = RowCounts();
  Reply clerk = Put(a1_rule, Token("clerk_a1"), R"({"points_per_yuan":9})");
  EXPECT_EQ(clerk.status, 403) << clerk.body;
  EXPECT_EQ(clerk.code(), "PERMISSION_DENIED");
  Reply analyst = Put(a1_rule, Token("analyst_brand"), R"({"points_per_yuan":9})");
  EXPECT_EQ(analyst.status, 403);
  Reply other_dealer = Put(b1_rule, Token("dealer_a_manager"), R"({"points_per_yuan":9})");
  EXPECT_EQ(other_dealer.status, 404);
  EXPECT_EQ(other_dealer.code(), "NOT_FOUND");
  // The brand is an ancestor of these callers' scopes: its rule answers like an unknown one.
  Reply manager_brand = Put(brand_rule, Token("dealer_a_manager"), R"({"points_per_yuan":9})");
  EXPECT_EQ(manager_brand.status, 404);
  EXPECT_EQ(manager_brand.code(), "NOT_FOUND");
  Reply region_brand = Put(brand_rule, Token("region1_manager"), R"({"points_per_yuan":9})");
  EXPECT_EQ(region_brand.status, 404);
  EXPECT_EQ(Get(brand_rule, Token("clerk_a1")).status, 404);
  counts["audit_log"] += 5;
  EXPECT_EQ(RowCounts(), counts);

  // Another brand does not exist for these staff.
  Result<org::Node> other = org().hierarchy().CreateBrand(org::Actor::System("test"), "Other");
  ASSERT_TRUE(other.ok());
  const std::string other_rule =
      "/api/console/brands/" + std::to_string(other->path.id()) + "/earning-rule";
  EXPECT_EQ(Get(other_rule, Token("admin")).status, 404);
  EXPECT_EQ(Put(other_rule, Token("admin"), R"({"points_per_yuan":9})").code(), "NOT_FOUND");
  EXPECT_EQ(Get("/api/console/brands/999999/earning-rule", Token("admin")).code(), "NOT_FOUND");
}

TEST_P(ConsoleMembersTest, BadInputGetsAStableCodeAndWritesNothing) {
  const std::string a1 = "/api/console/stores/" + std::to_string(tree_.store_a1);
  const std::string rule = a1 + "/earning-rule";
  struct Case {
    std::string method, path, body, code;
  };
  const std::vector<Case> cases = {
      {"PUT", rule, "{", "MALFORMED_JSON"},
      {"PUT", rule, "[1]", "BODY_NOT_OBJECT"},
      {"PUT", rule, "{}", "MISSING_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":"2"})", "INVALID_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":2.5})", "INVALID_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":99999999999999999999})", "INVALID_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":-1})", "INVALID_EARNING_RULE"},
      {"PUT", rule, R"({"points_per_yuan":10001})", "INVALID_EARNING_RULE"},
      {"PUT", rule, R"({"points_per_yuan":1,"cap_per_payment":-5})", "INVALID_EARNING_RULE"},
      {"PUT", rule, R"({"points_per_yuan":1,"cap_per_payment":true})", "INVALID_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":1,"tier_multiplier_percent":{"diamond":150}})",
       "UNKNOWN_TIER"},
      {"PUT", rule, R"({"points_per_yuan":1,"tier_multiplier_percent":{"gold":-1}})",
       "INVALID_EARNING_RULE"},
      {"PUT", rule, R"({"points_per_yuan":1,"tier_multiplier_percent":[150]})", "INVALID_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":1,"tier_multiplier_percent":{"gold":"x"}})",
       "INVALID_FIELD"},
      {"PUT", rule, R"({"points_per_yuan":1,"points":5})", "UNKNOWN_FIELD"},
      {"PUT", "/api/console/stores/abc/earning-rule", R"({"points_per_yuan":1})", "INVALID_ID"},
      {"PUT", "/api/console/stores/0/earning-rule", R"({"points_per_yuan":1})", "INVALID_ID"},
      {"PUT", "/api/console/brands/-3/earning-rule", R"({"points_per_yuan":1})", "INVALID_ID"},
      {"GET", "/api/console/brands/x/earning-rule", "", "INVALID_ID"},
      {"GET", "/api/console/members", "", "INVALID_QUERY"},
      {"GET", "/api/console/members?q=", "", "INVALID_QUERY"},
      {"GET", "/api/console/members?q=" + std::string(129, 'o'), "", "INVALID_QUERY"},
      {"GET", "/api/console/members?q=not%20an%20openid!", "", "INVALID_QUERY"},
      {"GET", "/api/console/members?q=123456789012", "", "INVALID_MEMBER_NUMBER"},
      {"GET", "/api/console/members?q=12345", "", "INVALID_PHONE"},
      {"GET", "/api/console/members/abc", "", "INVALID_ID"},
      {"GET", "/api/console/members/0", "", "INVALID_ID"},
      {"GET", "/api/console/members/99999999999999999999", "", "INVALID_ID"},
      {"GET", MemberPath(alice_, "/points?page=0"), "", "INVALID_PAGE"},
      {"GET", MemberPath(alice_, "/points?page_size=201"), "", "INVALID_PAGE"},
      {"GET", MemberPath(alice_, "/points?page=x"), "", "INVALID_PAGE"},
      {"GET", "/api/console/stores/x/transactions", "", "INVALID_ID"},
      {"GET", a1 + "/transactions?page=-1", "", "INVALID_PAGE"},
      {"GET", a1 + "/refunds?page_size=0", "", "INVALID_PAGE"},
      {"GET", "/api/console/transactions/bad%24id", "", "INVALID_TRANSACTION_ID"},
      {"GET", "/api/console/transactions/" + std::string(65, '4'), "", "INVALID_TRANSACTION_ID"},
  };
  // An invalid check digit: a valid number with its last digit changed.
  std::string bad_number = alice_number_;
  bad_number.back() = bad_number.back() == '9' ? '0' : static_cast<char>(bad_number.back() + 1);
  const auto before = RowCounts();
  for (const Case& c : cases) {
    Reply reply = Send(c.method, c.path, Token("admin"), c.body);
    EXPECT_EQ(reply.status, 400) << c.method << " " << c.path << " " << c.body << " -> "
                                 << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path << " " << c.body;
  }
  Reply bad = Get("/api/console/members?q=" + bad_number, Token("admin"));
  EXPECT_EQ(bad.code(), "INVALID_MEMBER_NUMBER") << bad_number;
  EXPECT_EQ(RowCounts(), before);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleMembersTest);

}  // namespace
}  // namespace mileage::testing
