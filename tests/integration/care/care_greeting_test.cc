// Birthday and anniversary care over HTTP (docs/API.md "Birthday and anniversary care"): the
// care rule routes' bad input (each code, nothing written), roles that must not act, another
// brand's rules and stocks; then the job through `mileage jobs`' path greets members whose day
// it is and the greetings list shows each caller only what its scope sees.
#include <chrono>
#include <string>
#include <vector>

#include "server/jobs.h"
#include "tests/integration/care/care_fixture.h"

namespace mileage::testing {
namespace {

struct Case {
  std::string method;
  std::string path;
  std::string body;
  int status;
  std::string code;
};

class CareGreetingTest : public CareTest {
 protected:
  void SetUp() override {
    CareTest::SetUp();
    if (server_ == nullptr || HasFatalFailure()) return;
    // Payments are signed with the real time, which the server checks.
    SetNow(UnixSeconds(std::chrono::system_clock::now()));
    BuildOtherTenants();
    ASSERT_FALSE(HasFatalFailure());
    dealer_ = Scalar("SELECT dealer_id FROM stores WHERE id = " + std::to_string(store_));
    region_ = Scalar("SELECT region_id FROM stores WHERE id = " + std::to_string(store_));
    AddStaff("region", "region_manager", "region", region_);
    AddStaff("dealer", "dealer_manager", "dealer", dealer_);
    AddStaff("clerk", "store_clerk", "store", store_);
    AddStaff("analyst", "analyst", "brand", brand_);
    AddStaff("foreign", "brand_admin", "brand", foreign_brand_);
    stock_ = GrantStock(brand_, coupons::Channel::kGrant, true);
    foreign_stock_ = GrantStock(foreign_brand_, coupons::Channel::kGrant, true);
    claim_only_ = GrantStock(brand_, coupons::Channel::kClaim, true);
    draft_ = GrantStock(brand_, coupons::Channel::kGrant, false);
  }

  int64_t GrantStock(int64_t brand, coupons::Channel channel, bool active) {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand;
    s.name = "Birthday wash";
    s.type = coupons::StockType::kExchange;
    s.item = "wash";
    s.valid_days = 30;
    s.total_quantity = 100;
    s.per_member_limit = 5;
    s.channels = {channel};
    const org::Actor op = org::Actor::System("test");
    Result<coupons::Stock> created = app().coupons().stocks().Create(op, s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    if (active) {
      coupons::StockPatch patch;
      patch.state = coupons::StockState::kActive;
      EXPECT_TRUE(app().coupons().stocks().Update(op, created->id, patch).ok());
    }
    return created->id;
  }

  std::map<std::string, int64_t> Written() {
    std::map<std::string, int64_t> counts;
    for (const char* table : {"care_rules", "care_greetings", "coupons", "outbox_events"}) {
      counts[table] = Scalar(std::string("SELECT COUNT(*) FROM ") + table);
    }
    counts["audit ok"] = Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'");
    counts["rules changed"] =
        Scalar("SELECT COUNT(*) FROM care_rules WHERE updated_at <> created_at");
    return counts;
  }

  void Expect(const std::vector<Case>& cases, const std::string& token) {
    const auto before = Written();
    for (const Case& c : cases) {
      MpReply reply = Send(c.method, c.path, token, c.body);
      EXPECT_EQ(reply.status, c.status)
          << c.method << " " << c.path << " " << c.body << ": " << reply.body.substr(0, 200);
      EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path << " " << c.body;
    }
    EXPECT_EQ(Written(), before);
  }

  // The console token of "foreign", the other brand's admin (login names the brand).
  std::string ForeignLogin() {
    MpReply reply = Send("POST", "/api/console/login", "",
                         R"({"username":"foreign","password":")" + std::string(kPassword) +
                             R"(","brand_id":)" + std::to_string(foreign_brand_) + "}");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.Text("token");
  }

  int64_t MakeRule(const std::string& body) {
    MpReply reply = Console("POST", "/api/console/care-rules", body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  static std::string RulePath(int64_t id) {
    return "/api/console/care-rules/" + std::to_string(id);
  }

  int64_t dealer_ = 0, region_ = 0;
  int64_t stock_ = 0, foreign_stock_ = 0, claim_only_ = 0, draft_ = 0;
};

TEST_P(CareGreetingTest, BadInputOnTheRuleRoutesWritesNothing) {
  const int64_t rule = MakeRule(R"({"kind":"birthday","stock_id":)" + std::to_string(stock_) + "}");
  const std::string id = std::to_string(rule);
  const std::string kRules = "/api/console/care-rules";
  auto with_stock = [](int64_t stock) {
    return R"({"kind":"birthday","stock_id":)" + std::to_string(stock) + "}";
  };
  Expect(
      {
          {"POST", kRules, "{", 400, "MALFORMED_JSON"},
          {"POST", kRules, "[]", 400, "BODY_NOT_OBJECT"},
          {"POST", kRules, "{}", 400, "MISSING_FIELD"},
          {"POST", kRules, R"({"kind":"wedding"})", 400, "INVALID_KIND"},
          {"POST", kRules, R"({"kind":1})", 400, "INVALID_FIELD"},
          {"POST", kRules, R"({"kind":"birthday","days_before":8})", 400, "INVALID_DAYS_BEFORE"},
          {"POST", kRules, R"({"kind":"birthday","days_before":-1})", 400, "INVALID_DAYS_BEFORE"},
          {"POST", kRules, R"({"kind":"birthday","days_before":"2"})", 400, "INVALID_FIELD"},
          {"POST", kRules, R"({"kind":"birthday","stock_id":0})", 400, "INVALID_ID"},
          {"POST", kRules, R"({"kind":"birthday","stock_id":"7"})", 400, "INVALID_FIELD"},
          {"POST", kRules, R"({"kind":"birthday","enabled":"yes"})", 400, "INVALID_FIELD"},
          {"POST", kRules, R"({"kind":"birthday","brand_id":1})", 400, "UNKNOWN_FIELD"},
          {"POST", kRules, with_stock(foreign_stock_), 404, "STOCK_NOT_FOUND"},
          {"POST", kRules, with_stock(999999), 404, "STOCK_NOT_FOUND"},
          {"POST", kRules, with_stock(claim_only_), 409, "NOT_ELIGIBLE"},
          {"POST", kRules, with_stock(draft_), 409, "NOT_ACTIVE"},
          {"PATCH", kRules + "/" + id, "{}", 400, "MISSING_FIELD"},
          {"PATCH", kRules + "/" + id, R"({"days_before":9})", 400, "INVALID_DAYS_BEFORE"},
          {"PATCH", kRules + "/" + id, R"({"kind":"anniversary"})", 400, "UNKNOWN_FIELD"},
          {"PATCH", kRules + "/" + id, R"({"enabled":1})", 400, "INVALID_FIELD"},
          {"PATCH", kRules + "/" + id, R"({"stock_id":)" + std::to_string(foreign_stock_) + "}",
           404, "STOCK_NOT_FOUND"},
          {"PATCH", kRules + "/" + id, R"({"stock_id":)" + std::to_string(draft_) + "}", 409,
           "NOT_ACTIVE"},
          {"PATCH", kRules + "/abc", R"({"enabled":false})", 400, "INVALID_ID"},
          {"PATCH", kRules + "/999999", R"({"enabled":false})", 404, "CARE_RULE_NOT_FOUND"},
          {"DELETE", kRules + "/0", "", 400, "INVALID_ID"},
          {"DELETE", kRules + "/999999", "", 404, "CARE_RULE_NOT_FOUND"},
          {"GET", kRules + "/999999", "", 404, "CARE_RULE_NOT_FOUND"},
          {"GET", kRules + "?page=0", "", 400, "INVALID_PAGE"},
          {"GET", "/api/console/care-greetings?kind=wedding", "", 400, "INVALID_KIND"},
          {"GET", "/api/console/care-greetings?member_id=abc", "", 400, "INVALID_ID"},
          {"GET", "/api/console/care-greetings?rule_id=-3", "", 400, "INVALID_ID"},
          {"GET", "/api/console/care-greetings?page_size=1000", "", 400, "INVALID_PAGE"},
      },
      staff_);
  MpReply unchanged = Console("GET", RulePath(rule));
  ASSERT_EQ(unchanged.status, 200) << unchanged.body;
  EXPECT_EQ(unchanged.json["stock_id"].GetInt64(), stock_);
  EXPECT_TRUE(unchanged.json["enabled"].GetBool());
  EXPECT_EQ(unchanged.json["days_before"].GetInt64(), 0);
}

TEST_P(CareGreetingTest, RolesWithoutTheActionAndOtherBrandsAreRefused) {
  const int64_t rule = MakeRule(R"({"kind":"anniversary","days_before":3})");
  const std::string path = RulePath(rule);
  const std::string create = R"({"kind":"birthday"})";
  for (const char* user : {"region", "dealer", "clerk", "analyst"}) {
    const std::string token = StaffLogin(user);
    Expect({{"POST", "/api/console/care-rules", create, 403, "PERMISSION_DENIED"},
            {"PATCH", path, R"({"enabled":false})", 403, "PERMISSION_DENIED"},
            {"DELETE", path, "", 403, "PERMISSION_DENIED"}},
           token);
  }
  for (const char* user : {"region", "dealer", "clerk"}) {
    Expect({{"GET", "/api/console/care-rules", "", 403, "PERMISSION_DENIED"},
            {"GET", path, "", 403, "PERMISSION_DENIED"}},
           StaffLogin(user));
  }
  Expect({{"GET", "/api/console/care-greetings", "", 403, "PERMISSION_DENIED"}},
         StaffLogin("clerk"));
  // Another brand's admin: the rule does not exist for them; their list is their own.
  const std::string foreign = ForeignLogin();
  Expect({{"GET", path, "", 404, "CARE_RULE_NOT_FOUND"},
          {"PATCH", path, R"({"enabled":false})", 404, "CARE_RULE_NOT_FOUND"},
          {"DELETE", path, "", 404, "CARE_RULE_NOT_FOUND"},
          {"POST", "/api/console/care-rules",
           R"({"kind":"birthday","stock_id":)" + std::to_string(stock_) + "}", 404,
           "STOCK_NOT_FOUND"}},
         foreign);
  MpReply theirs = Send("GET", "/api/console/care-rules", foreign);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.json["total"].GetInt64(), 0);
  // The analyst reads the brand's rules.
  MpReply read = Send("GET", "/api/console/care-rules", StaffLogin("analyst"));
  ASSERT_EQ(read.status, 200) << read.body;
  ASSERT_EQ(read.json["items"].Size(), 1u);
  EXPECT_EQ(read.json["items"][0]["kind"].GetString(), std::string("anniversary"));
  EXPECT_TRUE(read.json["items"][0]["stock_id"].IsNull());
  EXPECT_EQ(read.json["items"][0]["days_before"].GetInt64(), 3);
}

TEST_P(CareGreetingTest, RulesGreetAndEachScopeSeesItsMembersGreetings) {
  SignedIn alice = SignIn("alice");
  SignedIn bob = SignIn("bob");
  Pay("bob", 2500);  // bob pays at store_: its dealer's staff see him; nobody pays for alice
  ASSERT_FALSE(HasFatalFailure());
  const int64_t paid_at =
      Scalar("SELECT first_paid_at FROM members WHERE id = " + std::to_string(bob.id));
  ASSERT_GT(paid_at, 0);
  // The Beijing date of bob's first payment, and the same day thirty years before.
  const auto paid_day = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds(std::chrono::seconds(paid_at + 8 * 3600)))};
  char born[40];  // room for any int and unsigned, as the compiler checks it
  std::snprintf(born, sizeof born, "%04d-%02u-%02u", static_cast<int>(paid_day.year()) - 30,
                static_cast<unsigned>(paid_day.month()), static_cast<unsigned>(paid_day.day()));
  for (const SignedIn* m : {&alice, &bob}) {
    MpReply set = Send("PATCH", "/api/mp/profile", m->token,
                       std::string(R"({"birthday":")") + born + R"("})");
    ASSERT_EQ(set.status, 200) << set.body;
  }
  const int64_t birthday =
      MakeRule(R"({"kind":"birthday","stock_id":)" + std::to_string(stock_) + "}");
  const int64_t anniversary = MakeRule(R"({"kind":"anniversary"})");
  const int64_t removed = MakeRule(R"({"kind":"birthday","days_before":1})");
  MpReply gone = Console("DELETE", RulePath(removed));
  EXPECT_EQ(gone.status, 204) << gone.body;
  EXPECT_EQ(Console("GET", RulePath(removed)).code(), "CARE_RULE_NOT_FOUND");

  // A year after bob's payment, 10:00 Beijing: both birthdays and bob's first anniversary.
  const int64_t next_year =
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::sys_days(std::chrono::year_month_day{paid_day.year() + std::chrono::years{1},
                                                            paid_day.month(), paid_day.day()})
              .time_since_epoch())
          .count() -
      8 * 3600 + 10 * 3600;
  SetNow(next_year);
  Result<server::JobsReport> report = server::RunMembershipJobs(app().db(), config_, clock_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->care_greetings, 3);
  report = server::RunMembershipJobs(app().db(), config_, clock_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->care_greetings, 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE stock_id = " + std::to_string(stock_)), 2);

  MpReply all = Console("GET", "/api/console/care-greetings");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"].GetInt64(), 3);
  int64_t coupons = 0;
  for (const auto& g : all.json["items"].GetArray()) {
    if (g["rule_id"].GetInt64() == birthday) {
      EXPECT_EQ(g["outcome"].GetString(), std::string("coupon"));
      EXPECT_TRUE(g["coupon_id"].IsInt64());
      ++coupons;
    } else {
      EXPECT_EQ(g["rule_id"].GetInt64(), anniversary);
      EXPECT_EQ(g["member_id"].GetInt64(), bob.id);
      EXPECT_EQ(g["outcome"].GetString(), std::string("message_only"));
      EXPECT_TRUE(g["coupon_id"].IsNull());
    }
  }
  EXPECT_EQ(coupons, 2);
  MpReply alices =
      Console("GET", "/api/console/care-greetings?member_id=" + std::to_string(alice.id) +
                         "&kind=birthday");
  ASSERT_EQ(alices.status, 200);
  EXPECT_EQ(alices.json["total"].GetInt64(), 1);

  auto total_for = [&](const std::string& user) {
    MpReply reply = Send("GET", "/api/console/care-greetings",
                         user == "foreign" ? ForeignLogin() : StaffLogin(user));
    EXPECT_EQ(reply.status, 200) << user << ": " << reply.body;
    return reply.status == 200 ? reply.json["total"].GetInt64() : -1;
  };
  EXPECT_EQ(total_for("analyst"), 3);
  EXPECT_EQ(total_for("dealer"), 2);  // bob's two: he paid in the dealer's store
  EXPECT_EQ(total_for("region"), 2);
  EXPECT_EQ(total_for("other_manager"), 0);
  EXPECT_EQ(total_for("foreign"), 0);

  // Disabling the rule and removing its stock are PATCHes that stick.
  MpReply patched = Console("PATCH", RulePath(birthday), R"({"enabled":false,"stock_id":null})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_FALSE(patched.json["enabled"].GetBool());
  EXPECT_TRUE(patched.json["stock_id"].IsNull());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_rules WHERE enabled = 0 AND stock_id IS NULL"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'care_rule.%' AND outcome = "
                   "'ok'"),
            5);
}

MILEAGE_MP_TEST_SUITE(CareGreetingTest);

}  // namespace
}  // namespace mileage::testing
