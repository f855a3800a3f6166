// A campaign's numbers per Beijing day over HTTP (docs/API.md "Reports",
// GET /api/console/reports/stocks/{id}/daily) on both backends: claims and grants on two days
// either side of Beijing midnight, redemptions at two stores, a reversal on a later day, zero
// days, who sees the campaign, and bad parameters. Every expected number is counted by hand
// from what the test did.
#include "common/civil_time.h"
#include "tests/integration/console/coupon_fixture.h"

namespace mileage::testing {
namespace {

// The fake clock starts at 2027-01-15 16:00 Beijing: day D.
const civil::Date kDayD{2027, 1, 15};

std::string DateText(int64_t days_after_d) {
  return civil::FormatDate(civil::CivilFromDays(civil::DaysFromCivil(kDayD) + days_after_d));
}

struct Expected {
  int64_t claim = 0, payment = 0, grant = 0, redeemed = 0, reversed = 0, discount_fen = 0;
};

class ConsoleStockDailyTest : public CouponConsoleTest {
 protected:
  // Dealer A's campaign (500 off 3000, claims and grants, every store of dealer A):
  //   D-1 23:00:00  granted to m1 and m2
  //   D-1 23:59:59  claimed by m3
  //   D   00:00:00  granted to m4; m1's coupon redeemed at A1
  //   D+1 10:00:00  m1's redemption reversed; m2's coupon redeemed at A1, m3's at A2
  // Then the clock moves to D+2 10:00 (today).
  void SetUp() override {
    CouponConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const int64_t d = civil::BeijingStartOfDay(kDayD);
    const std::string& admin = Token("admin");
    stock_ = ActiveStock(
        admin, StockBody("dealer", tree_.dealer_a, {{"channels", R"(["grant","claim"])"}}));
    ASSERT_GT(stock_, 0);
    int64_t members[4];
    for (int64_t& m : members) m = NewMember(tree_.store_a1);
    clock_.SetUnixSeconds(d - 3600);
    const Granted g1 = GrantTo(Token("admin"), stock_, members[0]);
    const Granted g2 = GrantTo(Token("admin"), stock_, members[1]);
    clock_.SetUnixSeconds(d - 1);
    Result<coupons::Coupon> claimed =
        coupons().coupons().Claim({members[2], tree_.brand}, stock_, Now());
    ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
    clock_.SetUnixSeconds(d);
    GrantTo(Token("admin"), stock_, members[3]);
    const int64_t redemption = Redeem(g1.code, tree_.store_a1, "r1");
    clock_.SetUnixSeconds(d + civil::kSecondsPerDay + 10 * 3600);
    tokens_.clear();  // log in again at the new time
    Reply reversed = Post("/api/console/redemptions/" + std::to_string(redemption) + "/reverse",
                          Token("dealer_a_manager"), R"({"reason":"wrong car"})");
    ASSERT_EQ(reversed.status, 200) << reversed.body;
    Redeem(g2.code, tree_.store_a1, "r2");
    Redeem(claimed->code, tree_.store_a2, "r3");
    clock_.SetUnixSeconds(d + 2 * civil::kSecondsPerDay + 10 * 3600);
    tokens_.clear();
  }

  // Redeems `code` (either form) at `store` for an order of 50.00 as the dealer's manager;
  // returns the redemption id.
  int64_t Redeem(const std::string& code, int64_t store, const std::string& request_id) {
    Reply r = Post("/api/console/redemptions", Token("dealer_a_manager"),
                   R"({"code":")" + code + R"(","store_id":)" + std::to_string(store) +
                       R"(,"order_amount_fen":5000,"request_id":")" + request_id + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json["redemption"]["id"].GetInt64() : 0;
  }

  std::string Daily(int64_t stock, const std::string& query = "") const {
    return "/api/console/reports/stocks/" + std::to_string(stock) + "/daily" + query;
  }

  static void ExpectDay(const rapidjson::Value& day, const std::string& date, const Expected& e) {
    EXPECT_EQ(day["date"].GetString(), date);
    EXPECT_EQ(day["issued"].GetInt64(), e.claim + e.payment + e.grant) << date;
    EXPECT_EQ(day["issued_claim"].GetInt64(), e.claim) << date;
    EXPECT_EQ(day["issued_payment"].GetInt64(), e.payment) << date;
    EXPECT_EQ(day["issued_grant"].GetInt64(), e.grant) << date;
    EXPECT_EQ(day["redeemed"].GetInt64(), e.redeemed) << date;
    EXPECT_EQ(day["reversed"].GetInt64(), e.reversed) << date;
    EXPECT_EQ(day["discount_fen"].GetInt64(), e.discount_fen) << date;
  }

  int64_t stock_ = 0;
};

// Counted from SetUp: 500 fen off each redemption.
const Expected kDMinus1{1, 0, 2, 0, 0, 0};
const Expected kD{0, 0, 1, 1, 0, 500};
const Expected kDPlus1{0, 0, 0, 2, 1, 500};  // two made (1000), one of D's taken back (500)

TEST_P(ConsoleStockDailyTest, EveryDayOfTheWindowOldestFirstWithItsOwnCounts) {
  Reply r = Get(Daily(stock_, "?from=" + DateText(-2) + "&to=" + DateText(2)), Token("admin"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["stock_id"].GetInt64(), stock_);
  EXPECT_EQ(r.json["from"].GetString(), DateText(-2));
  EXPECT_EQ(r.json["to"].GetString(), DateText(2));
  const rapidjson::Value& days = r.json["days"];
  ASSERT_EQ(days.Size(), 5u) << r.body;
  ExpectDay(days[0], DateText(-2), {});
  ExpectDay(days[1], DateText(-1), kDMinus1);  // 23:59:59 is still D-1 in Beijing
  ExpectDay(days[2], DateText(0), kD);         // 00:00:00 is D
  ExpectDay(days[3], DateText(1), kDPlus1);
  ExpectDay(days[4], DateText(2), {});

  Reply one = Get(Daily(stock_, "?from=" + DateText(1) + "&to=" + DateText(1)), Token("admin"));
  ASSERT_EQ(one.status, 200) << one.body;
  ASSERT_EQ(one.json["days"].Size(), 1u);
  ExpectDay(one.json["days"][0], DateText(1), kDPlus1);
}

TEST_P(ConsoleStockDailyTest, DefaultsToTheLast30DaysAndDaysCountsBackFromTo) {
  Reply r = Get(Daily(stock_), Token("admin"));
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Value& days = r.json["days"];
  ASSERT_EQ(days.Size(), 30u);
  EXPECT_EQ(r.json["from"].GetString(), DateText(-27));
  EXPECT_EQ(r.json["to"].GetString(), DateText(2));
  ExpectDay(days[0], DateText(-27), {});
  ExpectDay(days[26], DateText(-1), kDMinus1);
  ExpectDay(days[27], DateText(0), kD);
  ExpectDay(days[28], DateText(1), kDPlus1);
  ExpectDay(days[29], DateText(2), {});

  Reply week = Get(Daily(stock_, "?days=3"), Token("admin"));
  ASSERT_EQ(week.status, 200) << week.body;
  ASSERT_EQ(week.json["days"].Size(), 3u);
  ExpectDay(week.json["days"][0], DateText(0), kD);

  Reply ending = Get(Daily(stock_, "?days=2&to=" + DateText(-1)), Token("admin"));
  ASSERT_EQ(ending.status, 200) << ending.body;
  ASSERT_EQ(ending.json["days"].Size(), 2u);
  ExpectDay(ending.json["days"][0], DateText(-2), {});
  ExpectDay(ending.json["days"][1], DateText(-1), kDMinus1);

  Reply quarter = Get(Daily(stock_, "?days=92"), Token("admin"));
  ASSERT_EQ(quarter.status, 200) << quarter.body;
  EXPECT_EQ(quarter.json["days"].Size(), 92u);
  Reply span = Get(Daily(stock_, "?from=" + DateText(-89) + "&to=" + DateText(2)), Token("admin"));
  ASSERT_EQ(span.status, 200) << span.body;
  EXPECT_EQ(span.json["days"].Size(), 92u);
}

// Whoever sees the campaign sees its own numbers, brand-wide: the clerk of A1 also counts
// m3's redemption at A2 (as the funnel and GET /stocks/{id} count).
TEST_P(ConsoleStockDailyTest, EveryoneWhoSeesTheCampaignSeesItsNumbers) {
  for (const char* user : {"region1_manager", "dealer_a_manager", "clerk_a1", "analyst_a"}) {
    Reply r = Get(Daily(stock_, "?days=3"), Token(user));
    ASSERT_EQ(r.status, 200) << user << " " << r.body;
    ExpectDay(r.json["days"][1], DateText(1), kDPlus1);
  }
}

TEST_P(ConsoleStockDailyTest, AStockTheCallerDoesNotSeeIsNotFound) {
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> brand = org().hierarchy().CreateBrand(op, "Other brand");
  ASSERT_TRUE(brand.ok()) << brand.status().ToString();
  coupons::NewStock other;
  other.node_type = org::NodeType::kBrand;
  other.node_id = brand->path.id();
  other.name = "Other brand campaign";
  other.value_fen = 100;
  other.valid_days = 10;
  other.total_quantity = 10;
  other.channels = {coupons::Channel::kGrant};
  Result<coupons::Stock> other_stock = coupons().stocks().Create(op, other);
  ASSERT_TRUE(other_stock.ok()) << other_stock.status().ToString();
  const int64_t stock_b = ActiveStock(Token("admin"), StockBody("dealer", tree_.dealer_b));

  struct Case {
    std::string user;
    int64_t stock;
  };
  const std::vector<Case> hidden = {
      {"admin", other_stock->id},
      {"dealer_a_manager", other_stock->id},
      {"dealer_b_manager", stock_},
      {"clerk_b1", stock_},
      {"region2_manager", stock_},
      {"clerk_a1", stock_b},
      {"admin", 999999},
  };
  for (const Case& c : hidden) Token(c.user);  // logging in is audited
  const auto before = RowCounts();
  for (const Case& c : hidden) {
    Reply r = Get(Daily(c.stock), Token(c.user));
    EXPECT_EQ(r.status, 404) << c.user << " " << c.stock << " " << r.body;
    EXPECT_EQ(r.code(), "STOCK_NOT_FOUND") << c.user << " " << c.stock;
  }
  EXPECT_EQ(RowCounts(), before);
}

TEST_P(ConsoleStockDailyTest, BadParametersAnswerACodeAndWriteNothing) {
  const std::string& token = Token("admin");  // logging in is audited
  const auto before = RowCounts();
  const std::string s = "/api/console/reports/stocks/" + std::to_string(stock_) + "/daily";
  struct Case {
    std::string path, code;
  };
  const std::vector<Case> cases = {
      {s + "?from=2027-13-01", "INVALID_FIELD"},
      {s + "?to=2027-02-30", "INVALID_FIELD"},
      {s + "?from=yesterday", "INVALID_FIELD"},
      {s + "?to=", "INVALID_FIELD"},
      {s + "?from=1999-12-31&to=2000-01-01", "INVALID_FIELD"},
      {s + "?to=2200-01-01", "INVALID_FIELD"},
      {s + "?from=2027-01-15T00:00:00Z", "INVALID_FIELD"},
      {s + "?from=2027-01-16&to=2027-01-15", "INVALID_FIELD"},
      {s + "?from=2026-10-15&to=2027-01-15", "INVALID_FIELD"},  // 93 days
      {s + "?from=2027-01-01&days=7", "INVALID_FIELD"},
      {s + "?days=0", "INVALID_FIELD"},
      {s + "?days=93", "INVALID_FIELD"},
      {s + "?days=-1", "INVALID_FIELD"},
      {s + "?days=ten", "INVALID_FIELD"},
      {s + "?days=", "INVALID_FIELD"},
      {"/api/console/reports/stocks/0/daily", "INVALID_ID"},
      {"/api/console/reports/stocks/abc/daily", "INVALID_ID"},
      {"/api/console/reports/stocks/-3/daily", "INVALID_ID"},
  };
  for (const Case& c : cases) {
    Reply r = Get(c.path, token);
    EXPECT_EQ(r.status, 400) << c.path << " " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.path;
  }
  EXPECT_EQ(RowCounts(), before);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleStockDailyTest);

}  // namespace
}  // namespace mileage::testing
