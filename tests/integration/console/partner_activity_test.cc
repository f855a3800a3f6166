// GET /api/console/partners/{id}/earnings and /redemptions over HTTP against a real server, on
// SQLite and MariaDB + Redis (docs/API.md "Partner activity"): the lists show exactly the signed
// earnings, reversals and burns the test made, newest first and paged; a cancelled burn has its
// cancelled_at; another brand's partner is 404; roles without partner.read get what GET
// /partners/{id} gives them; bad pages and ids are 400. Expected values are worked out from the
// requests the test makes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/civil_time.h"
#include "tests/integration/console/partner_fixture.h"

namespace mileage::testing {
namespace {

class PartnerActivityTest : public PartnerTest {
 protected:
  void SetUp() override {
    PartnerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    fuel_ = CreatePartner("Fuel Co", "fuel");
    Reply put = Put("/api/console/partners/" + std::to_string(fuel_.id) + "/rule", Token("admin"),
                    R"({"points_per_yuan":2})");
    ASSERT_EQ(put.status, 200) << put.body;
    // Three members with 100 points each from a 100.00 yuan payment.
    for (int i = 1; i <= 3; ++i) {
      const std::string openid = "openid-activity-" + std::to_string(i);
      Pay(kMchid, "42000000000000000000000000AC" + std::to_string(i), openid, 10000);
      members_.push_back(MemberIdOf(openid));
      ASSERT_GT(members_.back(), 0);
    }
  }

  int64_t Now() { return UnixSeconds(clock_.Now()); }

  // Member i (1-based) earns `amount_fen` at fuel under `request_id`, a purchase 60 s ago.
  void Earn(int i, const std::string& request_id, int64_t amount_fen) {
    Reply earned =
        PartnerPost(fuel_, "/api/partner/v1/earnings",
                    R"({"request_id":")" + request_id + R"(","member":{"code":")" +
                        Code(members_[i - 1]) + R"("},"amount_fen":)" + std::to_string(amount_fen) +
                        R"(,"occurred_at":")" + civil::FormatRfc3339Utc(Now() - 60) +
                        R"(","detail":{"millilitres":1000,"grade":"95"}})");
    ASSERT_EQ(earned.status, 201) << earned.body;
  }

  void Burn(int i, const std::string& request_id, int64_t points) {
    Reply burned =
        PartnerPost(fuel_, "/api/partner/v1/redemptions",
                    R"({"request_id":")" + request_id + R"(","member":{"code":")" +
                        Code(members_[i - 1]) + R"("},"points":)" + std::to_string(points) + "}");
    ASSERT_EQ(burned.status, 201) << burned.body;
  }

  std::string Path(const std::string& list, const std::string& query = "") const {
    return "/api/console/partners/" + std::to_string(fuel_.id) + "/" + list + query;
  }

  TestPartner fuel_;
  std::vector<int64_t> members_;
};

TEST_P(PartnerActivityTest, EarningsAreListedNewestFirstWithTheirReversals) {
  const int64_t t1 = Now();
  Earn(1, "e-1", 1000);  // 10.00 yuan at 2 points a yuan: 20 points
  clock_.Advance(std::chrono::seconds(60));
  const int64_t t2 = Now();
  Earn(2, "e-2", 3000);  // 60 points
  clock_.Advance(std::chrono::seconds(60));
  const int64_t t3 = Now();
  Earn(3, "e-3", 500);  // 10 points
  // Half of e-2 taken back: 15.00 yuan, 30 points.
  Reply reversed = PartnerPost(fuel_, "/api/partner/v1/earnings/e-2/reversal",
                               R"({"reversal_id":"rv-1","amount_fen":1500})");
  ASSERT_EQ(reversed.status, 201) << reversed.body;

  Reply list = Get(Path("earnings"), Token("admin"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"].GetInt64(), 3);
  ASSERT_EQ(list.json["items"].Size(), 3u) << list.body;
  struct Expected {
    const char* request_id;
    int64_t member, amount_fen, points, reversed_fen, reversed_points, at;
  };
  const Expected expected[] = {{"e-3", members_[2], 500, 10, 0, 0, t3},
                               {"e-2", members_[1], 3000, 60, 1500, 30, t2},
                               {"e-1", members_[0], 1000, 20, 0, 0, t1}};
  for (size_t i = 0; i < 3; ++i) {
    const auto& item = list.json["items"][static_cast<rapidjson::SizeType>(i)];
    const Expected& e = expected[i];
    EXPECT_STREQ(item["request_id"].GetString(), e.request_id) << i;
    EXPECT_EQ(item["member_id"].GetInt64(), e.member) << i;
    EXPECT_EQ(item["amount_fen"].GetInt64(), e.amount_fen) << i;
    EXPECT_EQ(item["points"].GetInt64(), e.points) << i;
    EXPECT_EQ(item["rule_version"].GetInt64(), 1) << i;
    EXPECT_EQ(item["reversed_fen"].GetInt64(), e.reversed_fen) << i;
    EXPECT_EQ(item["reversed_points"].GetInt64(), e.reversed_points) << i;
    EXPECT_EQ(item["created_at"].GetString(), civil::FormatRfc3339Utc(e.at)) << i;
    EXPECT_EQ(item["occurred_at"].GetString(), civil::FormatRfc3339Utc(e.at - 60)) << i;
  }

  // The brand's analyst reads it too; the second page of two holds the oldest.
  Reply page2 = Get(Path("earnings", "?page=2&page_size=2"), Token("analyst_brand"));
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(page2.json["total"].GetInt64(), 3);
  ASSERT_EQ(page2.json["items"].Size(), 1u) << page2.body;
  EXPECT_STREQ(page2.json["items"][0]["request_id"].GetString(), "e-1");
}

TEST_P(PartnerActivityTest, RedemptionsShowTheCancelledOnes) {
  const int64_t t1 = Now();
  Burn(1, "b-1", 30);
  clock_.Advance(std::chrono::seconds(90));
  const int64_t t2 = Now();
  Burn(2, "b-2", 40);
  clock_.Advance(std::chrono::seconds(30));
  const int64_t cancelled_at = Now();
  Reply cancelled = PartnerPost(fuel_, "/api/partner/v1/redemptions/b-1/cancel", "{}");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;

  Reply list = Get(Path("redemptions"), Token("admin"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"].GetInt64(), 2);
  ASSERT_EQ(list.json["items"].Size(), 2u) << list.body;
  const auto& newest = list.json["items"][0];
  EXPECT_STREQ(newest["request_id"].GetString(), "b-2");
  EXPECT_EQ(newest["member_id"].GetInt64(), members_[1]);
  EXPECT_EQ(newest["points"].GetInt64(), 40);
  EXPECT_EQ(newest["discount_fen"].GetInt64(), 40);  // the default 1 fen a point
  EXPECT_EQ(newest["created_at"].GetString(), civil::FormatRfc3339Utc(t2));
  EXPECT_TRUE(newest["cancelled_at"].IsNull()) << list.body;
  const auto& oldest = list.json["items"][1];
  EXPECT_STREQ(oldest["request_id"].GetString(), "b-1");
  EXPECT_EQ(oldest["member_id"].GetInt64(), members_[0]);
  EXPECT_EQ(oldest["points"].GetInt64(), 30);
  EXPECT_EQ(oldest["discount_fen"].GetInt64(), 30);
  EXPECT_EQ(oldest["created_at"].GetString(), civil::FormatRfc3339Utc(t1));
  ASSERT_TRUE(oldest["cancelled_at"].IsString()) << list.body;
  EXPECT_EQ(oldest["cancelled_at"].GetString(), civil::FormatRfc3339Utc(cancelled_at));

  Reply page1 = Get(Path("redemptions", "?page=1&page_size=1"), Token("admin"));
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.json["total"].GetInt64(), 2);
  ASSERT_EQ(page1.json["items"].Size(), 1u);
  EXPECT_STREQ(page1.json["items"][0]["request_id"].GetString(), "b-2");
  // Nothing for a partner that did nothing.
  const TestPartner idle = CreatePartner("Idle Co", "carwash");
  Reply empty =
      Get("/api/console/partners/" + std::to_string(idle.id) + "/redemptions", Token("admin"));
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json["total"].GetInt64(), 0);
  EXPECT_EQ(empty.json["items"].Size(), 0u);
}

TEST_P(PartnerActivityTest, OthersAreRefusedAsGetPartnerRefusesThem) {
  Earn(1, "e-1", 1000);
  Burn(1, "b-1", 10);
  const std::string detail = "/api/console/partners/" + std::to_string(fuel_.id);
  for (const char* user : {"dealer_b_manager", "region1_manager", "clerk_a1", "analyst_a"}) {
    const std::string token = Token(user);
    const int want = Get(detail, token).status;
    EXPECT_NE(want, 200) << user;
    for (const char* list : {"earnings", "redemptions"}) {
      Reply got = Get(Path(list), token);
      EXPECT_EQ(got.status, want) << user << " " << list << ": " << got.body;
      EXPECT_FALSE(got.body.find("e-1") != std::string::npos ||
                   got.body.find("b-1") != std::string::npos)
          << got.body;
    }
  }
  EXPECT_EQ(Get(Path("earnings"), Token("dealer_b_manager")).status, 403);

  // Another brand's partner, with activity of its own, is not found.
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Brand 2");
  ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
  Result<org::CreatedPartner> other =
      org().partners().Create(op, brand2->path.brand_id, "Fuel Two", "fuel");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  for (const char* list : {"earnings", "redemptions"}) {
    const std::string path =
        "/api/console/partners/" + std::to_string(other->partner.id) + "/" + list;
    Reply foreign = Get(path, Token("admin"));
    EXPECT_EQ(foreign.status, 404) << list << ": " << foreign.body;
    EXPECT_EQ(foreign.code(), "NOT_FOUND") << foreign.body;
    Reply unknown = Get("/api/console/partners/999999/" + std::string(list), Token("admin"));
    EXPECT_EQ(unknown.status, 404) << list << ": " << unknown.body;
  }
}

TEST_P(PartnerActivityTest, BadPagesAndIdsAre400) {
  const std::string admin = Token("admin");
  const auto before = RowCounts();
  for (const char* list : {"earnings", "redemptions"}) {
    for (const char* query : {"?page=0", "?page_size=0", "?page_size=201", "?page=x",
                              "?page=1000001", "?page_size=-1"}) {
      Reply bad = Get(Path(list, query), admin);
      EXPECT_EQ(bad.status, 400) << list << query << ": " << bad.body;
      EXPECT_EQ(bad.code(), "INVALID_PAGE") << list << query << ": " << bad.body;
    }
    for (const char* id : {"0", "-3", "abc", "99999999999999999999"}) {
      Reply bad = Get("/api/console/partners/" + std::string(id) + "/" + list, admin);
      EXPECT_EQ(bad.status, 400) << list << " " << id << ": " << bad.body;
      EXPECT_EQ(bad.code(), "INVALID_ID") << list << " " << id << ": " << bad.body;
    }
  }
  auto after = RowCounts();
  EXPECT_EQ(after, before);
}

MILEAGE_CONSOLE_TEST_SUITE(PartnerActivityTest);

}  // namespace
}  // namespace mileage::testing
