// The dashboard reports over HTTP (docs/API.md "Reports"), after real (signed) payment
// notifications, grants and redemptions at stores of dealers A and B on both backends: what the
// brand admin, a region manager, a dealer manager and a clerk see, a Beijing day boundary, zero
// days, node filters inside and outside the scope, and bad parameters. Every expected number is
// counted by hand from the rows the test made.
#include "common/civil_time.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

// The Beijing day D all the tests centre on: the fake clock's start (2027-01-15 16:00 Beijing).
const civil::Date kDayD{2027, 1, 15};

std::string DateText(int64_t days_after_d) {
  return civil::FormatDate(civil::CivilFromDays(civil::DaysFromCivil(kDayD) + days_after_d));
}

// One scope's numbers of one day, as the summary shows them.
struct Expected {
  int64_t payments = 0, amount_fen = 0, refunded_fen = 0, new_members = 0;
  int64_t coupons_issued = 0, coupons_redeemed = 0, points_issued = 0;
};

class ConsoleReportsTest : public ConsoleTest {
 protected:
  // With 2 points per yuan (no tier multipliers):
  //   D-1 23:59:59  u1 pays 100.00 at A1 (new member, enrolled at A1)        200 points
  //   D   00:00:00  u1 pays 200.00 at A1; u2 pays 50.00 at B1 (new at B1)    400 + 100
  //   D   01:00:00  u3 pays 300.00 at A1 (new at A1), 120.00 refunded        600 (240 back)
  //   D   02:00:00  dealer A's campaign grants u3 two coupons, one redeemed at A1; dealer B's
  //                 campaign grants u2 one, redeemed at B1
  // Then the clock moves to D+2 10:00 (today).
  void SetUp() override {
    ConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Reply rule = Put("/api/console/brands/" + std::to_string(tree_.brand) + "/earning-rule",
                     Token("admin"), R"({"points_per_yuan":2})");
    ASSERT_EQ(rule.status, 200) << rule.body;
    const int64_t d = civil::BeijingStartOfDay(kDayD);
    clock_.SetUnixSeconds(d - 1);
    Pay(kMchid, "4200000000000000000000000000R1", "u1", 10000);
    clock_.SetUnixSeconds(d);
    Pay(kMchid, "4200000000000000000000000000R2", "u1", 20000);
    Pay(kOtherMchid, "4200000000000000000000000000R3", "u2", 5000);
    clock_.SetUnixSeconds(d + 3600);
    Pay(kMchid, "4200000000000000000000000000R4", "u3", 30000);
    RefundPayment(kMchid, "50300000000000000000000000R4", "4200000000000000000000000000R4", 12000,
                  30000);
    clock_.SetUnixSeconds(d + 7200);
    stock_a_ = Campaign(tree_.dealer_a, "Dealer A campaign", MemberIdOf("u3"), 2, tree_.store_a1);
    stock_b_ = Campaign(tree_.dealer_b, "Dealer B campaign", MemberIdOf("u2"), 1, tree_.store_b1);
    clock_.SetUnixSeconds(d + 2 * civil::kSecondsPerDay + 10 * 3600);
    tokens_.clear();  // log in again at the new time
  }

  // A dealer's campaign granting `member` `count` coupons now, the first redeemed at `store`.
  int64_t Campaign(int64_t dealer, const std::string& name, int64_t member, int count,
                   int64_t store) {
    const std::string request = "grant-" + std::to_string(dealer) + "-";
    const org::Actor op = org::Actor::System("test");
    coupons::CouponsModule& c = server_->app().coupons();
    coupons::NewStock stock;
    stock.node_type = org::NodeType::kDealer;
    stock.node_id = dealer;
    stock.name = name;
    stock.value_fen = 100;
    stock.valid_days = 10;
    stock.total_quantity = 10;
    stock.per_member_limit = 5;
    stock.channels = {coupons::Channel::kGrant};
    Result<coupons::Stock> created = c.stocks().Create(op, stock);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    coupons::StockPatch activate;
    activate.state = coupons::StockState::kActive;
    EXPECT_TRUE(c.stocks().Update(op, created->id, activate).ok());
    const int64_t now = UnixSeconds(clock_.Now());
    std::string first_code;
    for (int i = 0; i < count; ++i) {
      Result<std::vector<coupons::GrantOutcome>> granted = c.grants().Grant(
          op, created->id, request + std::to_string(i), {coupons::GrantTarget{member, ""}}, now);
      EXPECT_TRUE(granted.ok()) << granted.status().ToString();
      if (!granted.ok() || !granted->front().coupon.has_value()) return 0;
      if (i == 0) first_code = granted->front().coupon->code;
    }
    Result<coupons::RedemptionResult> redeemed = c.redemptions().Redeem(
        op, coupons::RedeemRequest{first_code, "", store, 100, request + "redeem"}, now);
    EXPECT_TRUE(redeemed.ok()) << redeemed.status().ToString();
    return created->id;
  }

  static void ExpectSummary(const Reply& r, const std::string& date, const std::string& type,
                            int64_t id, const Expected& e) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["date"].GetString(), date);
    EXPECT_EQ(r.json["scope"]["type"].GetString(), type);
    EXPECT_EQ(r.json["scope"]["id"].GetInt64(), id);
    EXPECT_EQ(r.json["payments"]["count"].GetInt64(), e.payments) << r.body;
    EXPECT_EQ(r.json["payments"]["amount_fen"].GetInt64(), e.amount_fen) << r.body;
    EXPECT_EQ(r.json["payments"]["refunded_fen"].GetInt64(), e.refunded_fen) << r.body;
    EXPECT_EQ(r.json["new_members"].GetInt64(), e.new_members) << r.body;
    EXPECT_EQ(r.json["coupons"]["issued"].GetInt64(), e.coupons_issued) << r.body;
    EXPECT_EQ(r.json["coupons"]["redeemed"].GetInt64(), e.coupons_redeemed) << r.body;
    EXPECT_EQ(r.json["points"]["issued"].GetInt64(), e.points_issued) << r.body;
  }

  static void ExpectDay(const rapidjson::Value& day, const std::string& date, const Expected& e) {
    EXPECT_EQ(day["date"].GetString(), date);
    EXPECT_EQ(day["payments"].GetInt64(), e.payments) << date;
    EXPECT_EQ(day["amount_fen"].GetInt64(), e.amount_fen) << date;
    EXPECT_EQ(day["new_members"].GetInt64(), e.new_members) << date;
    EXPECT_EQ(day["coupons_issued"].GetInt64(), e.coupons_issued) << date;
    EXPECT_EQ(day["coupons_redeemed"].GetInt64(), e.coupons_redeemed) << date;
    EXPECT_EQ(day["points_issued"].GetInt64(), e.points_issued) << date;
  }

  std::string Summary(const std::string& query) { return "/api/console/reports/summary" + query; }

  int64_t stock_a_ = 0;
  int64_t stock_b_ = 0;
};

// Day D by scope, counted from the rows above.
const Expected kBrandD{3, 55000, 12000, 2, 3, 2, 1100};
const Expected kDealerAD{2, 50000, 12000, 1, 2, 1, 1000};
const Expected kStoreA1D{2, 50000, 12000, 1, 0, 1, 1000};  // the campaigns are dealer A's
const Expected kDealerBD{1, 5000, 0, 1, 1, 1, 100};
const Expected kDealerAMinus1{1, 10000, 0, 1, 0, 0, 200};

TEST_P(ConsoleReportsTest, SummaryShowsEachCallerItsOwnScope) {
  const std::string d = "?date=" + DateText(0);
  Reply admin = Get(Summary(d), Token("admin"));
  ExpectSummary(admin, DateText(0), "brand", tree_.brand, kBrandD);
  EXPECT_EQ(admin.json["points"]["spent"].GetInt64(), 0);
  // 200 + 400 (u1) + 100 (u2) + 600 - 240 (u3's refund of 120.00 of 300.00).
  EXPECT_EQ(admin.json["points"]["outstanding"].GetInt64(), 1060);

  Reply region = Get(Summary(d), Token("region1_manager"));
  ExpectSummary(region, DateText(0), "region", tree_.region1, kDealerAD);
  Reply dealer = Get(Summary(d), Token("dealer_a_manager"));
  ExpectSummary(dealer, DateText(0), "dealer", tree_.dealer_a, kDealerAD);
  // Points spent and outstanding belong to the brand, not to a store.
  EXPECT_TRUE(dealer.json["points"]["spent"].IsNull());
  EXPECT_TRUE(dealer.json["points"]["outstanding"].IsNull());
  Reply clerk = Get(Summary(d), Token("clerk_a1"));
  ExpectSummary(clerk, DateText(0), "store", tree_.store_a1, kStoreA1D);
  Reply dealer_b = Get(Summary(d), Token("dealer_b_manager"));
  ExpectSummary(dealer_b, DateText(0), "dealer", tree_.dealer_b, kDealerBD);
  Reply clerk_b = Get(Summary(d), Token("clerk_b1"));
  ExpectSummary(clerk_b, DateText(0), "store", tree_.store_b1, {1, 5000, 0, 1, 0, 1, 100});
}

TEST_P(ConsoleReportsTest, APaymentAtMidnightBeijingBelongsToTheNextDay) {
  // u1's payments at 23:59:59 and 00:00:00 Beijing fall on D-1 and D.
  ExpectSummary(Get(Summary("?date=" + DateText(-1)), Token("dealer_a_manager")), DateText(-1),
                "dealer", tree_.dealer_a, kDealerAMinus1);
  ExpectSummary(Get(Summary("?date=" + DateText(-2)), Token("dealer_a_manager")), DateText(-2),
                "dealer", tree_.dealer_a, {});
  // Without a date: today (D+2), nothing yet.
  ExpectSummary(Get(Summary(""), Token("admin")), DateText(2), "brand", tree_.brand, {});
}

TEST_P(ConsoleReportsTest, DailyHasEveryDayOldestFirstIncludingEmptyOnes) {
  Reply admin = Get("/api/console/reports/daily?days=5", Token("admin"));
  ASSERT_EQ(admin.status, 200) << admin.body;
  const rapidjson::Value& days = admin.json["days"];
  ASSERT_EQ(days.Size(), 5u) << admin.body;
  ExpectDay(days[0], DateText(-2), {});
  ExpectDay(days[1], DateText(-1), kDealerAMinus1);
  ExpectDay(days[2], DateText(0), kBrandD);
  ExpectDay(days[3], DateText(1), {});
  ExpectDay(days[4], DateText(2), {});

  Reply dealer = Get("/api/console/reports/daily?days=3", Token("dealer_a_manager"));
  ASSERT_EQ(dealer.status, 200) << dealer.body;
  ASSERT_EQ(dealer.json["days"].Size(), 3u);
  ExpectDay(dealer.json["days"][0], DateText(0), kDealerAD);
  Reply clerk = Get("/api/console/reports/daily?days=4", Token("clerk_a1"));
  ASSERT_EQ(clerk.status, 200) << clerk.body;
  ExpectDay(clerk.json["days"][0], DateText(-1), kDealerAMinus1);
  ExpectDay(clerk.json["days"][1], DateText(0), kStoreA1D);
  Reply dealer_b = Get("/api/console/reports/daily?days=4", Token("dealer_b_manager"));
  ASSERT_EQ(dealer_b.status, 200) << dealer_b.body;
  ExpectDay(dealer_b.json["days"][0], DateText(-1), {});
  ExpectDay(dealer_b.json["days"][1], DateText(0), kDealerBD);

  Reply defaults = Get("/api/console/reports/daily", Token("admin"));
  ASSERT_EQ(defaults.status, 200) << defaults.body;
  ASSERT_EQ(defaults.json["days"].Size(), 30u);
  EXPECT_EQ(defaults.json["days"][29]["date"].GetString(), DateText(2));
  EXPECT_EQ(defaults.json["days"][27]["payments"].GetInt64(), 3);
  EXPECT_EQ(Get("/api/console/reports/daily?days=90", Token("admin")).json["days"].Size(), 90u);
}

TEST_P(ConsoleReportsTest, FunnelShowsTheCampaignsTheCallerSees) {
  Reply admin = Get("/api/console/reports/funnel?days=7", Token("admin"));
  ASSERT_EQ(admin.status, 200) << admin.body;
  ASSERT_EQ(admin.json["items"].Size(), 2u) << admin.body;
  EXPECT_EQ(admin.json["items"][0]["stock_id"].GetInt64(), stock_a_);
  EXPECT_EQ(admin.json["items"][0]["name"].GetString(), std::string("Dealer A campaign"));
  EXPECT_EQ(admin.json["items"][0]["issued"].GetInt64(), 2);
  EXPECT_EQ(admin.json["items"][0]["redeemed"].GetInt64(), 1);
  EXPECT_EQ(admin.json["items"][1]["stock_id"].GetInt64(), stock_b_);
  EXPECT_EQ(admin.json["items"][1]["issued"].GetInt64(), 1);
  EXPECT_EQ(admin.json["items"][1]["redeemed"].GetInt64(), 1);
  for (const char* user : {"dealer_a_manager", "clerk_a1"}) {
    Reply r = Get("/api/console/reports/funnel", Token(user));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json["items"].Size(), 1u) << user << " " << r.body;
    EXPECT_EQ(r.json["items"][0]["stock_id"].GetInt64(), stock_a_) << user;
  }
  Reply b = Get("/api/console/reports/funnel", Token("dealer_b_manager"));
  ASSERT_EQ(b.json["items"].Size(), 1u) << b.body;
  EXPECT_EQ(b.json["items"][0]["stock_id"].GetInt64(), stock_b_);
  // The coupons were issued on D: a window of today and yesterday holds none.
  EXPECT_EQ(Get("/api/console/reports/funnel?days=2", Token("admin")).json["items"].Size(), 0u);
}

TEST_P(ConsoleReportsTest, NodeFiltersNarrowInsideTheScopeAndAnswerNotFoundOutsideIt) {
  const std::string d = "&date=" + DateText(0);
  const std::string a = std::to_string(tree_.dealer_a);
  ExpectSummary(Get(Summary("?dealer_id=" + a + d), Token("admin")), DateText(0), "dealer",
                tree_.dealer_a, kDealerAD);
  ExpectSummary(
      Get(Summary("?store_id=" + std::to_string(tree_.store_a2) + d), Token("dealer_a_manager")),
      DateText(0), "store", tree_.store_a2, {});
  ExpectSummary(Get(Summary("?region_id=" + std::to_string(tree_.region2) + d), Token("admin")),
                DateText(0), "region", tree_.region2, kDealerBD);
  Reply funnel = Get("/api/console/reports/funnel?dealer_id=" + std::to_string(tree_.dealer_b),
                     Token("admin"));
  ASSERT_EQ(funnel.json["items"].Size(), 1u) << funnel.body;
  EXPECT_EQ(funnel.json["items"][0]["stock_id"].GetInt64(), stock_b_);

  // Another dealer's store, the caller's own ancestors and unknown nodes: 404 on every route.
  struct Case {
    std::string user, query;
  };
  const std::vector<Case> outside = {
      {"dealer_a_manager", "store_id=" + std::to_string(tree_.store_b1)},
      {"dealer_a_manager", "dealer_id=" + std::to_string(tree_.dealer_b)},
      {"dealer_a_manager", "region_id=" + std::to_string(tree_.region1)},
      {"clerk_a1", "dealer_id=" + a},
      {"clerk_a1", "store_id=" + std::to_string(tree_.store_a2)},
      {"region1_manager", "region_id=" + std::to_string(tree_.region2)},
      {"admin", "store_id=999999"},
  };
  for (const Case& c : outside) {
    for (const char* route : {"summary", "daily", "funnel"}) {
      Reply r = Get(std::string("/api/console/reports/") + route + "?" + c.query, Token(c.user));
      EXPECT_EQ(r.status, 404) << c.user << " " << route << "?" << c.query << " " << r.body;
      EXPECT_EQ(r.code(), "NOT_FOUND") << c.user << " " << route << "?" << c.query;
    }
  }
}

TEST_P(ConsoleReportsTest, BadParametersAnswerACodeAndWriteNothing) {
  const std::string& token = Token("admin");  // logging in is audited
  const auto before = RowCounts();
  const std::string a = std::to_string(tree_.store_a1);
  struct Case {
    std::string path, code;
  };
  const std::vector<Case> cases = {
      {"summary?date=2027-13-01", "INVALID_FIELD"},
      {"summary?date=2027-02-30", "INVALID_FIELD"},
      {"summary?date=yesterday", "INVALID_FIELD"},
      {"summary?date=", "INVALID_FIELD"},
      {"summary?date=1999-12-31", "INVALID_FIELD"},
      {"summary?date=2027-01-15T00:00:00Z", "INVALID_FIELD"},
      {"daily?days=0", "INVALID_FIELD"},
      {"daily?days=91", "INVALID_FIELD"},
      {"daily?days=-1", "INVALID_FIELD"},
      {"daily?days=ten", "INVALID_FIELD"},
      {"daily?days=", "INVALID_FIELD"},
      {"funnel?days=1000", "INVALID_FIELD"},
      {"funnel?days=7x", "INVALID_FIELD"},
      {"summary?store_id=" + a + "&dealer_id=" + std::to_string(tree_.dealer_a), "INVALID_FIELD"},
      {"daily?store_id=" + a + "&region_id=" + std::to_string(tree_.region1), "INVALID_FIELD"},
      {"summary?store_id=abc", "INVALID_ID"},
      {"funnel?dealer_id=0", "INVALID_ID"},
      {"daily?region_id=-5", "INVALID_ID"},
  };
  for (const Case& c : cases) {
    Reply r = Get("/api/console/reports/" + c.path, token);
    EXPECT_EQ(r.status, 400) << c.path << " " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.path;
  }
  EXPECT_EQ(RowCounts(), before);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleReportsTest);

}  // namespace
}  // namespace mileage::testing
