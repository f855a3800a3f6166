// The partner routes over HTTP against a real server, on SQLite and MariaDB + Redis
// (docs/API.md "Partner API"): member lookup, earnings with their category detail, reversals,
// redemptions and their cancellation, the console's partner earning rule; every bad input
// answers 400 with its code and writes nothing; another partner or brand finds nothing.
// Expected points are worked out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/console/console_json.h"
#include "tests/integration/console/partner_fixture.h"

namespace mileage::testing {
namespace {

constexpr const char* kOpenid = "openid-partner-member";

class PartnerRoutesTest : public PartnerTest {
 protected:
  void SetUp() override {
    PartnerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // 100.00 yuan at A1 earns the member 100 brand points (the default rule: 1 point a yuan).
    Pay(kMchid, "4200000000000000000000000000P1", kOpenid, 10000);
    member_ = MemberIdOf(kOpenid);
    ASSERT_GT(member_, 0);
    ASSERT_EQ(Balance(member_), 100);
    fuel_ = CreatePartner("Fuel Co", "fuel");
    parking_ = CreatePartner("Park Co", "parking");
    PutRule(fuel_, R"({"points_per_yuan":2})");
    PutRule(parking_, R"({"points_per_yuan":1})");
  }

  void PutRule(const TestPartner& p, const std::string& body) {
    Reply put =
        Put("/api/console/partners/" + std::to_string(p.id) + "/rule", Token("admin"), body);
    ASSERT_EQ(put.status, 200) << put.body;
  }

  int64_t Scalar(const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
  }
  int64_t Balance(int64_t member) {
    return Scalar(
        "SELECT COALESCE(SUM(balance), 0) FROM point_accounts WHERE kind = 'member' "
        "AND owner_id = ?",
        {db::Value(member)});
  }

  // RFC 3339 UTC text of now + offset, as a partner would send occurred_at.
  std::string Now(int64_t offset = 0) {
    return server::Rfc3339(UnixSeconds(clock_.Now()) + offset);
  }

  std::string CodeRef() { return R"({"code":")" + Code(member_) + R"("})"; }

  std::string Earning(const std::string& id, const std::string& member, int64_t amount,
                      const std::string& detail) {
    return R"({"request_id":")" + id + R"(","member":)" + member + R"(,"amount_fen":)" +
           std::to_string(amount) + R"(,"occurred_at":")" + Now(-60) + R"(","detail":)" + detail +
           "}";
  }

  // Expects 400 `code` for `body` at `target` and nothing written.
  void ExpectBad(const TestPartner& p, const std::string& target, const std::string& body,
                 const std::string& code) {
    const auto before = RowCounts();
    const int64_t balance = Balance(member_);
    Reply reply = PartnerPost(p, target, body);
    EXPECT_EQ(reply.status, 400) << body << ": " << reply.body;
    EXPECT_EQ(reply.code(), code) << body << ": " << reply.body;
    EXPECT_EQ(RowCounts(), before) << body;
    EXPECT_EQ(Balance(member_), balance) << body;
  }

  int64_t member_ = 0;
  TestPartner fuel_, parking_;
};

TEST_P(PartnerRoutesTest, ACodeLookupShowsTheBalanceOtherLookupsDoNot) {
  Reply by_code =
      PartnerPost(fuel_, "/api/partner/v1/members/lookup", R"({"member":)" + CodeRef() + "}");
  ASSERT_EQ(by_code.status, 200) << by_code.body;
  const std::string pmid = by_code.json["partner_member_id"].GetString();
  EXPECT_EQ(pmid.rfind("pm_", 0), 0u);
  EXPECT_EQ(pmid.size(), 35u);
  EXPECT_STREQ(by_code.json["tier"].GetString(), "silver");
  EXPECT_EQ(by_code.json["balance"].GetInt64(), 100);
  EXPECT_EQ(by_code.body.find(std::to_string(member_) + ","), std::string::npos);

  Reply by_id = PartnerPost(fuel_, "/api/partner/v1/members/lookup",
                            R"({"member":{"partner_member_id":")" + pmid + R"("}})");
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.json["partner_member_id"].GetString(), pmid);
  EXPECT_TRUE(by_id.json["balance"].IsNull());

  // Another partner does not know the id; plates are for parking and tolls only.
  Reply foreign = PartnerPost(parking_, "/api/partner/v1/members/lookup",
                              R"({"member":{"partner_member_id":")" + pmid + R"("}})");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.code(), "MEMBER_NOT_FOUND");
  Reply plate =
      PartnerPost(fuel_, "/api/partner/v1/members/lookup", R"({"member":{"plate":"京A12345"}})");
  EXPECT_EQ(plate.status, 403);
  EXPECT_EQ(plate.code(), "PLATE_LOOKUP_NOT_ALLOWED");

  const std::string target = "/api/partner/v1/members/lookup";
  const std::string code = Code(member_);
  ExpectBad(fuel_, target, R"({"member":{}})", "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, R"({})", "MISSING_FIELD");
  ExpectBad(fuel_, target,
            R"({"member":{"code":")" + code + R"(","partner_member_id":")" + pmid + R"("}})",
            "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, R"({"member":{"number":"000000000001"}})", "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, R"({"member":{"code":12}})", "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, R"({"member":"mc1"})", "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, R"({"member":{"code":")" + std::string(129, 'a') + R"("}})",
            "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, R"({"member":{"code":"mc1.x"}})", "INVALID_MEMBER_CODE");
  ExpectBad(fuel_, target, R"({"member":{"code":")" + code + R"("},"extra":1})", "UNKNOWN_FIELD");
  ExpectBad(fuel_, target, R"({"member":)", "MALFORMED_JSON");
  ExpectBad(fuel_, target, R"([1])", "BODY_NOT_OBJECT");
}

TEST_P(PartnerRoutesTest, AnEarningCreditsByTheRuleAndARepeatAnswersTheSame) {
  const std::string code = CodeRef();
  const std::string body = Earning("fuel-1", code, 12345, R"({"millilitres":40500,"grade":"95"})");
  Reply earned = PartnerPost(fuel_, "/api/partner/v1/earnings", body);
  ASSERT_EQ(earned.status, 201) << earned.body;
  // 123.45 yuan at 2 points a yuan: floor(246.9) = 246.
  EXPECT_EQ(earned.json["points"].GetInt64(), 246);
  EXPECT_EQ(earned.json["balance_after"].GetInt64(), 346);
  EXPECT_EQ(earned.json["rule_version"].GetInt64(), 1);
  EXPECT_STREQ(earned.json["request_id"].GetString(), "fuel-1");
  EXPECT_EQ(Balance(member_), 346);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM point_lots WHERE funder_partner_id = ? AND amount = 246",
                   {db::Value(fuel_.id)}),
            1);

  // The same request with the detail's keys in another order is the same request.
  const std::string reordered =
      Earning("fuel-1", code, 12345, R"({"grade":"95","millilitres":40500})");
  const auto before = RowCounts();
  Reply again = PartnerPost(fuel_, "/api/partner/v1/earnings", reordered);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, earned.body);
  EXPECT_EQ(RowCounts(), before);
  // Another body under the id is refused.
  for (const std::string& other :
       {Earning("fuel-1", code, 12346, R"({"millilitres":40500,"grade":"95"})"),
        Earning("fuel-1", code, 12345, R"({"millilitres":40500,"grade":"92"})")}) {
    Reply reused = PartnerPost(fuel_, "/api/partner/v1/earnings", other);
    EXPECT_EQ(reused.status, 409) << reused.body;
    EXPECT_EQ(reused.code(), "REQUEST_ID_REUSED");
  }
  EXPECT_EQ(RowCounts(), before);
  EXPECT_EQ(Balance(member_), 346);

  // By the partner's id of the member: no balance in the answer.
  Reply by_id =
      PartnerPost(fuel_, "/api/partner/v1/earnings",
                  Earning("fuel-2",
                          R"({"partner_member_id":")" +
                              std::string(earned.json["partner_member_id"].GetString()) + R"("})",
                          100, R"({"millilitres":1000,"grade":"-10"})"));
  ASSERT_EQ(by_id.status, 201) << by_id.body;
  EXPECT_EQ(by_id.json["points"].GetInt64(), 2);
  EXPECT_TRUE(by_id.json["balance_after"].IsNull());
  EXPECT_EQ(Balance(member_), 348);
  // The detail is stored as the route wrote it.
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<db::Row>> detail =
      (*conn)->Query("SELECT detail FROM partner_earnings WHERE request_id = 'fuel-1'");
  ASSERT_TRUE(detail.ok() && detail->size() == 1u);
  EXPECT_EQ((*detail)[0].Text(0), R"({"grade":"95","millilitres":40500})");
}

TEST_P(PartnerRoutesTest, EachCategoryTakesItsOwnDetail) {
  const TestPartner wash = CreatePartner("Wash Co", "carwash");
  const TestPartner toll = CreatePartner("Toll Co", "toll");
  const TestPartner other = CreatePartner("Other Co", "other");
  for (const TestPartner* p : {&wash, &toll, &other}) PutRule(*p, R"({"points_per_yuan":1})");
  struct Case {
    const TestPartner* partner;
    std::string detail;
  };
  const std::vector<Case> good = {
      {&parking_, R"({"minutes":95})"},
      {&wash, R"({"wash_type":"premium"})"},
      {&toll, R"({"section":"京沪高速 G2","entry":"北京","exit":"天津"})"},
      {&toll, R"({"section":"G4"})"},
      {&other, R"({})"},
  };
  int n = 0;
  for (const Case& c : good) {
    Reply earned = PartnerPost(*c.partner, "/api/partner/v1/earnings",
                               Earning("ok-" + std::to_string(++n), CodeRef(), 1000, c.detail));
    EXPECT_EQ(earned.status, 201) << c.detail << ": " << earned.body;
    EXPECT_EQ(earned.json["points"].GetInt64(), 10);
  }
  // "other" may leave the detail out.
  Reply bare = PartnerPost(other, "/api/partner/v1/earnings",
                           R"({"request_id":"bare","member":)" + CodeRef() +
                               R"(,"amount_fen":100,"occurred_at":")" + Now() + R"("})");
  EXPECT_EQ(bare.status, 201) << bare.body;

  const std::vector<Case> bad = {
      {&parking_, R"({"millilitres":1000,"grade":"95"})"},  // fuel's detail
      {&parking_, R"({"minutes":0})"},
      {&parking_, R"({"minutes":"95"})"},
      {&parking_, R"({"minutes":95,"plate":"京A12345"})"},
      {&fuel_, R"({"millilitres":1000})"},
      {&fuel_, R"({"millilitres":1000,"grade":"97"})"},
      {&fuel_, R"({"millilitres":1.5,"grade":"95"})"},
      {&fuel_, R"({"litres":"40.5","grade":"95"})"},
      {&wash, R"({"wash_type":"gold"})"},
      {&toll, R"({"section":")" + std::string(65, 'x') + R"("})"},
      {&toll, R"({"section":""})"},
      {&toll, R"({"section":"G4","entry":"a\u0001"})"},
      {&other, R"({"minutes":5})"},
      {&fuel_, R"([])"},
      {&fuel_, R"("95")"},
  };
  for (const Case& c : bad) {
    ExpectBad(*c.partner, "/api/partner/v1/earnings", Earning("bad-1", CodeRef(), 1000, c.detail),
              "INVALID_DETAIL");
  }
  ExpectBad(fuel_, "/api/partner/v1/earnings",
            R"({"request_id":"bad-2","member":)" + CodeRef() +
                R"(,"amount_fen":100,"occurred_at":")" + Now() + R"("})",
            "MISSING_FIELD");
}

TEST_P(PartnerRoutesTest, BadEarningsAreRefusedBeforeAnythingIsWritten) {
  const std::string target = "/api/partner/v1/earnings";
  const std::string fuel = R"({"millilitres":1000,"grade":"95"})";
  const std::string code = CodeRef();
  // Before anything: the member is not linked yet (a link would be a write).
  for (int64_t amount : {int64_t{0}, int64_t{-1}, int64_t{1000000000001}}) {
    ExpectBad(fuel_, target, Earning("e1", code, amount, fuel), "INVALID_AMOUNT");
  }
  auto with = [&](const std::string& field, const std::string& value) {
    std::string body = R"({"request_id":"e1","member":)" + code +
                       R"(,"amount_fen":100,"occurred_at":")" + Now() + R"(","detail":)" + fuel +
                       "}";
    const size_t at = body.find("\"" + field + "\":");
    const size_t start = at + field.size() + 3;
    size_t end = start;
    int depth = 0;
    bool quoted = false;
    for (; end < body.size(); ++end) {
      const char ch = body[end];
      if (ch == '"') quoted = !quoted;
      if (quoted) continue;
      if (ch == '{' || ch == '[') ++depth;
      if (ch == '}' || ch == ']') {
        if (depth == 0) break;
        --depth;
      }
      if (ch == ',' && depth == 0) break;
    }
    return body.substr(0, start) + value + body.substr(end);
  };
  ExpectBad(fuel_, target, with("amount_fen", "\"100\""), "INVALID_FIELD");
  ExpectBad(fuel_, target, with("amount_fen", "1.5"), "INVALID_FIELD");
  ExpectBad(fuel_, target, with("amount_fen", "1e30"), "INVALID_FIELD");
  ExpectBad(fuel_, target, with("occurred_at", "\"" + Now(301) + "\""), "INVALID_OCCURRED_AT");
  ExpectBad(fuel_, target, with("occurred_at", "\"" + Now(86400 * 365) + "\""),
            "INVALID_OCCURRED_AT");
  ExpectBad(fuel_, target, with("occurred_at", std::to_string(UnixSeconds(clock_.Now()))),
            "INVALID_FIELD");
  ExpectBad(fuel_, target, with("occurred_at", "\"yesterday\""), "INVALID_FIELD");
  ExpectBad(fuel_, target, with("request_id", "\"" + std::string(65, 'r') + "\""),
            "INVALID_REQUEST_ID");
  ExpectBad(fuel_, target, with("request_id", "\"has space\""), "INVALID_REQUEST_ID");
  ExpectBad(fuel_, target, with("request_id", "7"), "INVALID_FIELD");
  ExpectBad(fuel_, target, with("member", "{}"), "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, with("member", R"({"code":"a","plate":"京A12345"})"),
            "INVALID_MEMBER_REFERENCE");
  ExpectBad(fuel_, target, with("member", "null"), "MISSING_FIELD");
  ExpectBad(fuel_, target, with("detail", R"({"minutes":5})"), "INVALID_DETAIL");
  // 300 s ahead is the limit; a day ago is fine.
  Reply edge = PartnerPost(fuel_, target, with("occurred_at", "\"" + Now(300) + "\""));
  EXPECT_EQ(edge.status, 201) << edge.body;
}

TEST_P(PartnerRoutesTest, OnlyThePartnerThatEarnedReversesIt) {
  Reply earned =
      PartnerPost(fuel_, "/api/partner/v1/earnings",
                  Earning("fuel-1", CodeRef(), 10000, R"({"millilitres":1,"grade":"0"})"));
  ASSERT_EQ(earned.status, 201) << earned.body;
  ASSERT_EQ(earned.json["points"].GetInt64(), 200);
  const std::string target = "/api/partner/v1/earnings/fuel-1/reversal";
  // Another partner finds no such earning.
  auto before = RowCounts();
  Reply foreign = PartnerPost(parking_, target, R"({"reversal_id":"rv-1","amount_fen":5000})");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.code(), "EARNING_NOT_FOUND");
  EXPECT_EQ(RowCounts(), before);
  EXPECT_EQ(Balance(member_), 300);

  Reply reversed = PartnerPost(fuel_, target, R"({"reversal_id":"rv-1","amount_fen":5000})");
  ASSERT_EQ(reversed.status, 201) << reversed.body;
  EXPECT_EQ(reversed.json["points"].GetInt64(), 100);
  EXPECT_EQ(reversed.json["reversed_fen"].GetInt64(), 5000);
  EXPECT_STREQ(reversed.json["request_id"].GetString(), "fuel-1");
  EXPECT_EQ(Balance(member_), 200);
  before = RowCounts();
  Reply again = PartnerPost(fuel_, target, R"({"amount_fen":5000,"reversal_id":"rv-1"})");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, reversed.body);
  Reply reused = PartnerPost(fuel_, target, R"({"reversal_id":"rv-1","amount_fen":4000})");
  EXPECT_EQ(reused.code(), "REQUEST_ID_REUSED");
  Reply exceeds = PartnerPost(fuel_, target, R"({"reversal_id":"rv-2","amount_fen":5001})");
  EXPECT_EQ(exceeds.status, 409);
  EXPECT_EQ(exceeds.code(), "REVERSAL_EXCEEDS_EARNING");
  Reply unknown = PartnerPost(fuel_, "/api/partner/v1/earnings/nope/reversal",
                              R"({"reversal_id":"rv-3","amount_fen":1})");
  EXPECT_EQ(unknown.code(), "EARNING_NOT_FOUND");
  EXPECT_EQ(RowCounts(), before);

  ExpectBad(fuel_, target, R"({"reversal_id":"rv-4","amount_fen":0})", "INVALID_AMOUNT");
  ExpectBad(fuel_, target, R"({"reversal_id":"rv-4","amount_fen":-5})", "INVALID_AMOUNT");
  ExpectBad(fuel_, target, R"({"reversal_id":"rv-4","amount_fen":1000000000001})",
            "INVALID_AMOUNT");
  ExpectBad(fuel_, target, R"({"reversal_id":"rv-4","amount_fen":"5"})", "INVALID_FIELD");
  ExpectBad(fuel_, target, R"({"reversal_id":"rv 4","amount_fen":5})", "INVALID_REQUEST_ID");
  ExpectBad(fuel_, target, R"({"reversal_id":")" + std::string(65, 'r') + R"(","amount_fen":5})",
            "INVALID_REQUEST_ID");
  ExpectBad(fuel_, target, R"({"amount_fen":5})", "MISSING_FIELD");
  ExpectBad(fuel_, target, R"({"reversal_id":"rv-4","amount_fen":5,"why":"x"})", "UNKNOWN_FIELD");
  ExpectBad(fuel_, "/api/partner/v1/earnings/bad%20id/reversal",
            R"({"reversal_id":"rv-4","amount_fen":5})", "INVALID_REQUEST_ID");
}

TEST_P(PartnerRoutesTest, ARedemptionSpendsAtTheBrandsRateAndCanBeCancelledInItsWindow) {
  // 1.5 fen a point.
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->Exec("UPDATE brands SET point_value_fen_per_100 = 150 WHERE id = ?",
                         {db::Value(tree_.brand)})
                  .ok());
  const std::string target = "/api/partner/v1/redemptions";
  Reply burned = PartnerPost(parking_, target,
                             R"({"request_id":"r-1","member":)" + CodeRef() + R"(,"points":60})");
  ASSERT_EQ(burned.status, 201) << burned.body;
  EXPECT_EQ(burned.json["points"].GetInt64(), 60);
  EXPECT_EQ(burned.json["discount_fen"].GetInt64(), 90);
  EXPECT_EQ(burned.json["balance_after"].GetInt64(), 40);
  EXPECT_EQ(Balance(member_), 40);
  // A repeat answers the same; more than the balance is refused.
  Reply again = PartnerPost(parking_, target,
                            R"({"points":60,"member":)" + CodeRef() + R"(,"request_id":"r-1"})");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, burned.body);
  auto before = RowCounts();
  Reply insufficient = PartnerPost(
      parking_, target, R"({"request_id":"r-2","member":)" + CodeRef() + R"(,"points":41})");
  EXPECT_EQ(insufficient.status, 409);
  EXPECT_EQ(insufficient.code(), "INSUFFICIENT_POINTS");
  EXPECT_EQ(RowCounts(), before);

  // Spending needs the member's code.
  ExpectBad(parking_, target,
            R"({"request_id":"r-3","member":{"partner_member_id":")" +
                std::string(burned.json["partner_member_id"].GetString()) + R"("},"points":1})",
            "MEMBER_CODE_REQUIRED");
  for (const char* points : {"0", "-1", "1000000000001", "\"5\"", "2.5"}) {
    ExpectBad(parking_, target,
              R"({"request_id":"r-3","member":)" + CodeRef() + R"(,"points":)" + points + "}",
              std::string(points) == "\"5\"" || std::string(points) == "2.5" ? "INVALID_FIELD"
                                                                             : "INVALID_POINTS");
  }

  // Another partner cannot cancel it; its own can, once, within 30 minutes.
  before = RowCounts();
  Reply foreign = PartnerPost(fuel_, target + "/r-1/cancel", "");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.code(), "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(Balance(member_), 40);
  EXPECT_EQ(RowCounts(), before);
  ExpectBad(parking_, target + "/r-1/cancel", R"({"reason":"x"})", "UNKNOWN_FIELD");
  clock_.Advance(std::chrono::minutes(30));
  Reply cancelled = PartnerPost(parking_, target + "/r-1/cancel", "{}");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json["points"].GetInt64(), 60);
  EXPECT_STREQ(cancelled.json["request_id"].GetString(), "r-1");
  EXPECT_EQ(Balance(member_), 100);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(points), 0) FROM point_lot_uses WHERE "
                   "consumer_partner_id = ?",
                   {db::Value(parking_.id)}),
            0);
  clock_.Advance(std::chrono::hours(2));
  Reply repeat = PartnerPost(parking_, target + "/r-1/cancel", "");
  EXPECT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.body, cancelled.body);
  EXPECT_EQ(Balance(member_), 100);

  Reply late_burn = PartnerPost(
      parking_, target, R"({"request_id":"r-4","member":)" + CodeRef() + R"(,"points":10})");
  ASSERT_EQ(late_burn.status, 201);
  clock_.Advance(std::chrono::seconds(1801));
  before = RowCounts();
  Reply late = PartnerPost(parking_, target + "/r-4/cancel", "");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.code(), "CANCEL_WINDOW_PASSED");
  EXPECT_EQ(Balance(member_), 90);
  EXPECT_EQ(RowCounts(), before);
  Reply unknown = PartnerPost(parking_, target + "/r-9/cancel", "");
  EXPECT_EQ(unknown.code(), "REDEMPTION_NOT_FOUND");
}

TEST_P(PartnerRoutesTest, APartnerOfAnotherBrandNeverFindsTheMember) {
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Brand 2");
  ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
  Result<org::CreatedPartner> created =
      org().partners().Create(op, brand2->path.brand_id, "Fuel Two", "fuel");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const TestPartner other{created->partner.id, created->partner.api_key_id, created->secret,
                          created->secret_id};
  Reply known =
      PartnerPost(fuel_, "/api/partner/v1/members/lookup", R"({"member":)" + CodeRef() + "}");
  ASSERT_EQ(known.status, 200);
  const std::string pmid = known.json["partner_member_id"].GetString();
  const auto before = RowCounts();
  Reply by_code =
      PartnerPost(other, "/api/partner/v1/members/lookup", R"({"member":)" + CodeRef() + "}");
  EXPECT_EQ(by_code.code(), "INVALID_MEMBER_CODE");
  Reply by_id = PartnerPost(other, "/api/partner/v1/members/lookup",
                            R"({"member":{"partner_member_id":")" + pmid + R"("}})");
  EXPECT_EQ(by_id.code(), "MEMBER_NOT_FOUND");
  Reply earn = PartnerPost(other, "/api/partner/v1/earnings",
                           Earning("x-1", R"({"partner_member_id":")" + pmid + R"("})", 100,
                                   R"({"millilitres":1,"grade":"95"})"));
  EXPECT_EQ(earn.code(), "MEMBER_NOT_FOUND");
  EXPECT_EQ(RowCounts(), before);
}

TEST_P(PartnerRoutesTest, BrandAdminsSetAPartnersRuleAndItIsAudited) {
  const std::string path = "/api/console/partners/" + std::to_string(parking_.id) + "/rule";
  const std::string admin = Token("admin");
  for (const char* caller : {"analyst_brand", "region1_manager", "clerk_a1"}) Token(caller);
  Reply put =
      Put(path, admin,
          R"({"points_per_yuan":3,"tier_multiplier_percent":{"gold":150},"cap_per_day":500,)"
          R"("cap_per_month":5000,"promo_from":"2026-12-01T00:00:00+08:00",)"
          R"("promo_to":"2026-12-08T00:00:00+08:00","promo_percent":200})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["version"].GetInt64(), 2);
  EXPECT_EQ(put.json["points_per_yuan"].GetInt64(), 3);
  EXPECT_EQ(put.json["tier_multiplier_percent"]["gold"].GetInt64(), 150);
  EXPECT_EQ(put.json["cap_per_day"].GetInt64(), 500);
  EXPECT_STREQ(put.json["promo_from"].GetString(), "2026-11-30T16:00:00Z");
  EXPECT_EQ(put.json["promo_percent"].GetInt64(), 200);
  Reply got = Get(path, Token("analyst_brand"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, put.body);
  Reply audit = Get("/api/console/audit?page_size=1", admin);
  ASSERT_EQ(audit.status, 200);
  EXPECT_STREQ(audit.json["items"][0]["action"].GetString(), "partner.rule_update");
  EXPECT_EQ(audit.json["items"][0]["object_id"].GetInt64(), parking_.id);

  const TestPartner fresh = CreatePartner("New Co", "carwash");
  Reply missing = Get("/api/console/partners/" + std::to_string(fresh.id) + "/rule", admin);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code(), "PARTNER_RULE_MISSING");

  auto before = RowCounts();
  for (const char* caller : {"analyst_brand", "region1_manager", "clerk_a1"}) {
    EXPECT_EQ(Put(path, Token(caller), R"({"points_per_yuan":9})").code(), "PERMISSION_DENIED")
        << caller;
  }
  before["audit_log"] += 3;  // denials are recorded
  EXPECT_EQ(RowCounts(), before);
  struct Bad {
    std::string body;
    std::string code;
  };
  for (const Bad& bad : std::vector<Bad>{
           {R"({"points_per_yuan":-1})", "INVALID_EARNING_RULE"},
           {R"({"points_per_yuan":1,"cap_per_day":-1})", "INVALID_EARNING_RULE"},
           {R"({"points_per_yuan":1,"tier_multiplier_percent":{"unobtainium":150}})",
            "UNKNOWN_TIER"},
           {R"({"points_per_yuan":1,"promo_from":"2026-12-01T00:00:00Z"})", "INVALID_EARNING_RULE"},
           {R"({"points_per_yuan":"1"})", "INVALID_FIELD"},
           {R"({"points_per_yuan":1,"bonus":2})", "UNKNOWN_FIELD"},
           {R"({})", "MISSING_FIELD"},
       }) {
    Reply reply = Put(path, admin, bad.body);
    EXPECT_EQ(reply.status, 400) << bad.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), bad.code) << bad.body;
  }
  EXPECT_EQ(RowCounts(), before);
  Reply unknown = Put("/api/console/partners/999999/rule", admin, R"({"points_per_yuan":1})");
  EXPECT_EQ(unknown.status, 404);
}

MILEAGE_CONSOLE_TEST_SUITE(PartnerRoutesTest);

}  // namespace
}  // namespace mileage::testing
