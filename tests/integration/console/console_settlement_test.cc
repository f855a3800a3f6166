// Partner settlement over HTTP (docs/API.md "Settlement"): the statements of a month, a
// party's lines and exports, the trace of a line, closing (audited, idempotent), who may do
// what, another brand's admin, and bad input answered 400 with nothing written. The arithmetic
// itself is points/settlement's contract test; here one burn makes the figures.
#include "common/civil_time.h"
#include "db/db.h"
#include "points/ledger.h"
#include "points/partner_points.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

// The fixture's clock starts at 2027-01-15 (Beijing); January ends at 2027-02-01 00:00.
constexpr const char* kPeriod = "2027-01";
constexpr int64_t kFeb1 = 1801411200;

class ConsoleSettlementTest : public ConsoleTest {
 protected:
  // Member m: 100 points from the brand, 200 at partner P (tree_.partner, 1 point a yuan),
  // then burns 250 at partner Q: P's lot (P->Q 200) and 50 of the brand's (0->Q 50). At one
  // fen a point: Q receives 250 fen, P pays 200, the brand 50.
  void SetUp() override {
    ConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const org::Actor op = org::Actor::System("test");
    Result<org::CreatedPartner> q = org().partners().Create(op, tree_.brand, "Wash Co", "carwash");
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    q_ = q->partner.id;
    Result<org::Node> other = org().hierarchy().CreateBrand(op, "Other");
    ASSERT_TRUE(other.ok());
    other_brand_ = other->path.id();
    ASSERT_TRUE(org()
                    .staff()
                    .Create(op, org::NewStaff{"other_admin", kPassword, "brand_admin", "brand",
                                              other_brand_})
                    .ok());
    db::Db& db = server_->app().db();
    const int64_t now = UnixSeconds(clock_.Now());
    Status made = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_ASSIGN_OR_RETURN(
          int64_t member,
          conn.Insert("INSERT INTO members (brand_id, number, tier, status, enrolled_via, "
                      "created_at, updated_at) VALUES (?, '000000000777', 'silver', 'active', "
                      "'partner', 0, 0)",
                      {db::Value(tree_.brand)}));
      member_ = member;
      points::EarnRequest earn;
      earn.brand_id = tree_.brand;
      earn.member_id = member_;
      earn.points = 100;
      earn.idempotency_key = "pay:settle";
      earn.reason = "payment";
      earn.now = now;
      return points::Ledger(conn).Earn(earn).status();
    });
    ASSERT_TRUE(made.ok()) << made.ToString();
    points::PartnerPoints partner_points(db, points::ExpiryPolicy{24});
    points::PartnerEarningRule rule;
    rule.brand_id = tree_.brand;
    rule.partner_id = tree_.partner;
    rule.points_per_yuan = 1;
    ASSERT_TRUE(partner_points.PutRule(rule, now).ok());
    ASSERT_TRUE(
        partner_points.Earn({tree_.partner, tree_.brand, member_, "e1", 20000, now, "{}", now + 60})
            .ok());
    ASSERT_TRUE(partner_points.Burn({q_, tree_.brand, member_, "b1", 250, now + 120}).ok());
    // Sessions are made after the month ended, so that they live at the clock's time.
    clock_.SetUnixSeconds(kFeb1 + 3600);
  }

  std::string Base() const { return std::string("/api/console/settlements/") + kPeriod; }
  std::string PartyPath(int64_t party) const {
    return Base() + "/parties/" + std::to_string(party);
  }

  // The parties' nets of a statement's JSON, by party id.
  static std::map<int64_t, int64_t> Nets(const rapidjson::Value& statement) {
    std::map<int64_t, int64_t> out;
    for (const auto& party : statement["parties"].GetArray()) {
      out[party["party_id"].GetInt64()] = party["net_fen"].GetInt64();
    }
    return out;
  }

  int64_t q_ = 0;
  int64_t other_brand_ = 0;
  int64_t member_ = 0;
};

TEST_P(ConsoleSettlementTest, AdminReadsClosesExportsAndTracesTheMonth) {
  const std::string& admin = Token("admin");
  const std::map<int64_t, int64_t> nets = {{0, -50}, {tree_.partner, -200}, {q_, 250}};
  Reply open = Get(std::string("/api/console/settlements?period=") + kPeriod, admin);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_STREQ(open.json["state"].GetString(), "open");
  EXPECT_EQ(Nets(open.json), nets);
  EXPECT_EQ(RowCounts()["settlement_periods"], 0);

  const auto before = RowCounts();
  Reply closed = Post(Base() + "/close", admin);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_STREQ(closed.json["state"].GetString(), "closed");
  EXPECT_FALSE(closed.json["already_closed"].GetBool());
  EXPECT_EQ(Nets(closed.json), nets);
  EXPECT_EQ(closed.json["lot_uses"].GetInt64(), 2);
  auto after = RowCounts();
  EXPECT_EQ(after["settlement_periods"], 1);
  EXPECT_EQ(after["settlement_lines"], 4);
  EXPECT_EQ(after["audit_log"], before.at("audit_log") + 1);
  Reply again = Post(Base() + "/close", admin);
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.json["already_closed"].GetBool());
  EXPECT_EQ(Nets(again.json), nets);
  EXPECT_EQ(RowCounts(), after);

  Reply q = Get(PartyPath(q_), admin);
  ASSERT_EQ(q.status, 200) << q.body;
  const rapidjson::Value& lines = q.json["party"]["lines"];
  ASSERT_EQ(lines.Size(), 2u);
  EXPECT_EQ(lines[0]["counterparty_id"].GetInt64(), 0);
  EXPECT_EQ(lines[0]["points_received"].GetInt64(), 50);
  EXPECT_EQ(lines[0]["amount_fen"].GetInt64(), 50);
  EXPECT_EQ(lines[1]["counterparty_id"].GetInt64(), tree_.partner);
  EXPECT_EQ(lines[1]["points_received"].GetInt64(), 200);
  EXPECT_STREQ(lines[1]["counterparty_name"].GetString(), "Fuel Co");

  Reply csv = Get(PartyPath(q_) + "/lines.csv", admin);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF结算期,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("\r\n2027-01,closed," + std::to_string(q_) +
                          ",Wash Co,0,Brand,0,50,0,0.50\r\n"),
            std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find(",Fuel Co,0,200,0,2.00\r\n"), std::string::npos) << csv.body;
  Reply json = Get(PartyPath(q_) + "/lines.json", admin);
  ASSERT_EQ(json.status, 200);
  EXPECT_EQ(json.json["party"]["net_fen"].GetInt64(), 250);

  Reply trace = Get(PartyPath(q_) + "/trace?counterparty=" + std::to_string(tree_.partner), admin);
  ASSERT_EQ(trace.status, 200) << trace.body;
  ASSERT_EQ(trace.json["total"].GetInt64(), 1);
  const rapidjson::Value& use = trace.json["items"][0];
  EXPECT_EQ(use["points"].GetInt64(), 200);
  EXPECT_EQ(use["funder_id"].GetInt64(), tree_.partner);
  EXPECT_EQ(use["consumer_id"].GetInt64(), q_);
  EXPECT_STREQ(use["journal_reason"].GetString(), "partner_burn");
}

TEST_P(ConsoleSettlementTest, RolesAndOtherBrandsSeeOnlyWhatTheyMay) {
  const std::vector<std::string> reads = {
      std::string("/api/console/settlements?period=") + kPeriod, PartyPath(tree_.partner),
      PartyPath(tree_.partner) + "/lines.csv", PartyPath(tree_.partner) + "/lines.json",
      PartyPath(tree_.partner) + "/trace?counterparty=0"};
  // Sign everyone in first (logins are audited).
  for (const char* who :
       {"dealer_a_manager", "region1_manager", "clerk_a1", "analyst_a", "analyst_brand"}) {
    ASSERT_FALSE(Token(who).empty()) << who;
  }
  Reply login = LoginFrom("127.0.0.1", "other_admin", kPassword, other_brand_);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string other = login.json["token"].GetString();
  const auto before = RowCounts();
  for (const char* who : {"dealer_a_manager", "region1_manager", "clerk_a1"}) {
    for (const std::string& path : reads) {
      EXPECT_EQ(Get(path, Token(who)).status, 403) << who << " " << path;
    }
    EXPECT_EQ(Post(Base() + "/close", Token(who)).code(), "PERMISSION_DENIED") << who;
  }
  // An analyst below the brand has the action but not the brand node.
  for (const std::string& path : reads) {
    EXPECT_EQ(Get(path, Token("analyst_a")).status, 404) << path;
    EXPECT_EQ(Get(path, Token("analyst_brand")).status, 200) << path;
  }
  EXPECT_EQ(Post(Base() + "/close", Token("analyst_brand")).status, 403);
  // Another brand's admin: its own (empty) statements; our partners are not its parties.
  Reply own = Get(std::string("/api/console/settlements?period=") + kPeriod, other);
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(Nets(own.json), (std::map<int64_t, int64_t>{{0, 0}}));
  for (const std::string& path : {PartyPath(tree_.partner), PartyPath(q_) + "/lines.csv",
                                  PartyPath(0) + "/trace?counterparty=" + std::to_string(q_)}) {
    Reply hidden = Get(path, other);
    EXPECT_EQ(hidden.status, 404) << path;
    EXPECT_EQ(hidden.code(), "PARTY_NOT_FOUND");
  }
  auto after = RowCounts();
  EXPECT_EQ(after["settlement_periods"], 0);
  EXPECT_EQ(after["audit_log"], before.at("audit_log") + 4);  // the refused closes
}

TEST_P(ConsoleSettlementTest, BadInputIsRefusedWithNothingWritten) {
  const std::string& admin = Token("admin");
  const auto before = RowCounts();
  for (const char* period : {"2027-13", "2027-1", "27-01", "2027-01-01", "x", "1999-12"}) {
    SCOPED_TRACE(period);
    const std::string base = std::string("/api/console/settlements/") + period;
    EXPECT_EQ(Get(std::string("/api/console/settlements?period=") + period, admin).code(),
              "INVALID_PERIOD");
    EXPECT_EQ(Get(base + "/parties/0", admin).code(), "INVALID_PERIOD");
    EXPECT_EQ(Get(base + "/parties/0/trace?counterparty=" + std::to_string(q_), admin).code(),
              "INVALID_PERIOD");
    Reply close = Post(base + "/close", admin);
    EXPECT_EQ(close.status, 400);
    EXPECT_EQ(close.code(), "INVALID_PERIOD");
  }
  EXPECT_EQ(Get("/api/console/settlements", admin).code(), "INVALID_PERIOD");
  EXPECT_EQ(Get(Base() + "/parties/x", admin).code(), "INVALID_ID");
  EXPECT_EQ(Get(Base() + "/parties/-1", admin).code(), "INVALID_ID");
  EXPECT_EQ(Get(PartyPath(0) + "/trace", admin).code(), "INVALID_ID");
  EXPECT_EQ(Get(PartyPath(0) + "/trace?counterparty=0", admin).code(), "INVALID_FIELD");
  EXPECT_EQ(Get(PartyPath(0) + "/trace?counterparty=1&page=0", admin).code(), "INVALID_PAGE");
  // February has not ended.
  Reply early = Post("/api/console/settlements/2027-02/close", admin);
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.code(), "PERIOD_NOT_ENDED");
  EXPECT_EQ(RowCounts(), before);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleSettlementTest);

}  // namespace
}  // namespace mileage::testing
