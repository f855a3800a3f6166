// The win-back routes over HTTP (docs/API.md "Win-back"): two owners drifting at dealers A and
// B of the console brand, a second brand with its own admin; every route's bad input (400 and
// nothing written), roles that must not act (403), other scopes' and brands' ids (404), paging
// by cursor, and the job as the scheduler runs it feeding the come-back report.
#include <chrono>
#include <string>

#include "common/civil_time.h"
#include "server/jobs.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

constexpr const char* kDrifting = "/api/console/winback/drifting";
constexpr const char* kSettings = "/api/console/winback/settings";

class WinbackRoutesTest : public ConsoleTest {
 protected:
  void SetUp() override {
    ConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const org::Actor op = org::Actor::System("test");
    Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Brand 2");
    ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
    brand2_ = brand2->path.id();
    Result<org::Staff> admin2 = org().staff().Create(
        op, org::NewStaff{"admin2", kPassword, "brand_admin", "brand", brand2_});
    ASSERT_TRUE(admin2.ok()) << admin2.status().ToString();
    Pay(kMchid, "4200000000000000001", "o-dealer-a", 12000);
    clock_.Advance(std::chrono::hours(1));
    Pay(kOtherMchid, "4200000000000000002", "o-dealer-b", 3000);
    member_a_ = MemberIdOf("o-dealer-a");
    member_b_ = MemberIdOf("o-dealer-b");
    ASSERT_GT(member_a_, 0);
    ASSERT_GT(member_b_, 0);
    clock_.Advance(std::chrono::hours(24 * 61));
    tokens_.clear();  // the sessions expired meanwhile
    LoginAdmin2();
  }

  void LoginAdmin2() {
    Reply login2 = LoginFrom("127.0.0.2", "admin2", kPassword, brand2_);
    ASSERT_EQ(login2.status, 200) << login2.body;
    admin2_token_ = login2.json["token"].GetString();
  }

  std::string Drifting(const std::string& query = "") {
    return std::string(kDrifting) + (query.empty() ? "" : "?" + query);
  }
  int64_t Scalar(const std::string& sql) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? rows->front().Int(0) : -1;
  }
  std::vector<int64_t> MemberIds(const Reply& reply) {
    std::vector<int64_t> ids;
    if (!reply.json.IsObject() || !reply.json.HasMember("items")) return ids;
    for (const auto& item : reply.json["items"].GetArray())
      ids.push_back(item["member_id"].GetInt64());
    return ids;
  }

  int64_t brand2_ = 0;
  std::string admin2_token_;
  int64_t member_a_ = 0, member_b_ = 0;
};

TEST_P(WinbackRoutesTest, TheDriftingListIsScopedAndPagedByCursor) {
  Reply all = Get(Drifting(), Token("admin"));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(MemberIds(all), (std::vector<int64_t>{member_a_, member_b_}));
  const auto& first = all.json["items"][0];
  EXPECT_EQ(first["dealer_id"].GetInt64(), tree_.dealer_a);
  EXPECT_EQ(first["store_id"].GetInt64(), tree_.store_a1);
  EXPECT_EQ(first["spend_fen_12m"].GetInt64(), 12000);
  EXPECT_EQ(first["visits_12m"].GetInt64(), 1);
  EXPECT_EQ(first["days_away"].GetInt64(), 61);
  EXPECT_EQ(first["threshold_days"].GetInt64(), 60);
  EXPECT_FALSE(first["out_of_warranty"].GetBool());
  EXPECT_TRUE(first["vehicle_purchase_date"].IsNull());
  EXPECT_TRUE(all.json["next"].IsNull());

  EXPECT_EQ(MemberIds(Get(Drifting(), Token("dealer_a_manager"))), std::vector<int64_t>{member_a_});
  EXPECT_EQ(MemberIds(Get(Drifting(), Token("region1_manager"))), std::vector<int64_t>{member_a_});
  EXPECT_EQ(MemberIds(Get(Drifting(), Token("dealer_b_manager"))), std::vector<int64_t>{member_b_});
  EXPECT_EQ(MemberIds(Get(Drifting(), admin2_token_)), std::vector<int64_t>{});
  EXPECT_EQ(MemberIds(Get(Drifting("dealer_id=" + std::to_string(tree_.dealer_b)), Token("admin"))),
            std::vector<int64_t>{member_b_});

  // Paging by cursor.
  Reply page1 = Get(Drifting("limit=1"), Token("admin"));
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(MemberIds(page1), std::vector<int64_t>{member_a_});
  ASSERT_TRUE(page1.json["next"].IsString());
  Reply page2 =
      Get(Drifting("limit=1&after=" + std::string(page1.json["next"].GetString())), Token("admin"));
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(MemberIds(page2), std::vector<int64_t>{member_b_});
  EXPECT_TRUE(page2.json["next"].IsNull());

  // Other scopes' and brands' ids: 404 as for ids that do not exist.
  const std::string dealer_b = "dealer_id=" + std::to_string(tree_.dealer_b);
  const std::string store_b1 = "store_id=" + std::to_string(tree_.store_b1);
  struct Case {
    std::string query, token, code;
    int status;
  };
  const std::vector<Case> cases = {
      {dealer_b, Token("dealer_a_manager"), "DEALER_NOT_FOUND", 404},
      {store_b1, Token("dealer_a_manager"), "STORE_NOT_FOUND", 404},
      {dealer_b, admin2_token_, "DEALER_NOT_FOUND", 404},
      {store_b1, admin2_token_, "STORE_NOT_FOUND", 404},
      {"dealer_id=99999", Token("admin"), "DEALER_NOT_FOUND", 404},
      {"", Token("clerk_a1"), "PERMISSION_DENIED", 403},
      {"limit=0", Token("admin"), "INVALID_LIMIT", 400},
      {"limit=201", Token("admin"), "INVALID_LIMIT", 400},
      {"limit=1e3", Token("admin"), "INVALID_LIMIT", 400},
      {"after=abc", Token("admin"), "INVALID_CURSOR", 400},
      {"after=12.", Token("admin"), "INVALID_CURSOR", 400},
      {"after=-5.3", Token("admin"), "INVALID_CURSOR", 400},
      {"after=99999999999999999999.1", Token("admin"), "INVALID_CURSOR", 400},
      {"after=" + std::string(100, '1') + ".1", Token("admin"), "INVALID_CURSOR", 400},
      {"dealer_id=abc", Token("admin"), "INVALID_ID", 400},
      {"store_id=-1", Token("admin"), "INVALID_ID", 400},
  };
  for (const Case& c : cases) {
    Reply r = Get(Drifting(c.query), c.token);
    EXPECT_EQ(r.status, c.status) << c.query << ": " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.query;
  }
  EXPECT_EQ(Get(Drifting(), "").status, 401);

  // The count per dealer.
  Reply dealers = Get("/api/console/winback/dealers", Token("admin"));
  ASSERT_EQ(dealers.status, 200) << dealers.body;
  ASSERT_EQ(dealers.json["items"].Size(), 2u);
  EXPECT_EQ(dealers.json["items"][0]["dealer_id"].GetInt64(), tree_.dealer_a);
  EXPECT_EQ(dealers.json["items"][0]["drifting"].GetInt64(), 1);
  EXPECT_EQ(dealers.json["items"][1]["dealer_id"].GetInt64(), tree_.dealer_b);
  Reply dealers2 = Get("/api/console/winback/dealers", admin2_token_);
  ASSERT_EQ(dealers2.status, 200);
  EXPECT_EQ(dealers2.json["items"].Size(), 0u);
  EXPECT_EQ(Get("/api/console/winback/dealers", Token("clerk_b1")).status, 403);
}

TEST_P(WinbackRoutesTest, SettingsRefuseBadBodiesAndRolesWritingNothing) {
  Reply defaults = Get(kSettings, Token("dealer_a_manager"));
  ASSERT_EQ(defaults.status, 200) << defaults.body;
  EXPECT_EQ(defaults.json["drift_days"].GetInt64(), 60);
  EXPECT_EQ(defaults.json["post_warranty_days"].GetInt64(), 120);
  EXPECT_EQ(defaults.json["warranty_years"].GetInt64(), 3);
  EXPECT_EQ(defaults.json["cooldown_days"].GetInt64(), 90);
  EXPECT_FALSE(defaults.json["enabled"].GetBool());
  EXPECT_TRUE(defaults.json["stock_id"].IsNull());
  EXPECT_TRUE(defaults.json["updated_at"].IsNull());
  EXPECT_EQ(Get(kSettings, Token("clerk_a1")).status, 403);

  const std::map<std::string, int64_t> before = RowCounts();
  struct Case {
    std::string body, code;
    int status;
  };
  const std::vector<Case> cases = {
      {"{", "MALFORMED_JSON", 400},
      {"[]", "BODY_NOT_OBJECT", 400},
      {"{}", "MISSING_FIELD", 400},
      {R"({"drift_days":60,"colour":"red"})", "UNKNOWN_FIELD", 400},
      {R"({"drift_days":"60"})", "INVALID_FIELD", 400},
      {R"({"drift_days":1.5})", "INVALID_FIELD", 400},
      {R"({"enabled":"yes"})", "INVALID_FIELD", 400},
      {R"({"drift_days":0})", "INVALID_DAYS", 400},
      {R"({"drift_days":99999999999999})", "INVALID_DAYS", 400},
      {R"({"warranty_years":31})", "INVALID_WARRANTY", 400},
      {R"({"post_warranty_days":30})", "INVALID_THRESHOLD", 400},
      {R"({"stock_id":0})", "INVALID_ID", 400},
      {R"({"stock_id":424242})", "STOCK_NOT_FOUND", 404},
      {std::string(5000, '[') + std::string(5000, ']'), "JSON_TOO_DEEP", 400},
      {R"({"drift_days":60,"x":")" + std::string(2 << 20, 'a') + "\"}", "PAYLOAD_TOO_LARGE", 413},
  };
  for (const Case& c : cases) {
    Reply r = Patch(kSettings, Token("admin"), c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 60) << ": " << r.body.substr(0, 200);
    EXPECT_EQ(r.code(), c.code) << c.body.substr(0, 60);
  }
  for (const char* who : {"dealer_a_manager", "region1_manager", "analyst_brand", "clerk_a1"}) {
    Reply r = Patch(kSettings, Token(who), R"({"enabled":true})");
    EXPECT_EQ(r.status, 403) << who << ": " << r.body;
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM winback_settings"), 0);
  std::map<std::string, int64_t> after = RowCounts();
  after.erase("audit_log");  // refused writes are audited as denied
  std::map<std::string, int64_t> expected = before;
  expected.erase("audit_log");
  EXPECT_EQ(after, expected);

  Reply saved = Patch(kSettings, Token("admin"), R"({"drift_days":45,"enabled":true})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json["drift_days"].GetInt64(), 45);
  EXPECT_TRUE(saved.json["enabled"].GetBool());
  EXPECT_TRUE(saved.json["updated_at"].IsString());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'winback.update' AND "
                   "outcome = 'ok'"),
            1);
  // Brand 2 keeps its own defaults.
  Reply other = Get(kSettings, admin2_token_);
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(other.json["drift_days"].GetInt64(), 60);
  EXPECT_FALSE(other.json["enabled"].GetBool());
}

TEST_P(WinbackRoutesTest, TheJobFeedsTheComeBackReport) {
  ASSERT_EQ(Patch(kSettings, Token("admin"), R"({"enabled":true})").status, 200);
  Result<server::JobsReport> report =
      server::RunMembershipJobs(server_->app().db(), config_, clock_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->winback, 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM winback_grants"), 2);
  // Owner A comes back 10 days later; the next run records it.
  clock_.Advance(std::chrono::hours(24 * 10));
  tokens_.clear();
  LoginAdmin2();
  Pay(kMchid, "4200000000000000003", "o-dealer-a", 5000);
  report = server::RunMembershipJobs(server_->app().db(), config_, clock_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->winback, 1);  // one return, no new win-back

  const std::string month =
      civil::FormatDate(civil::BeijingDate(UnixSeconds(clock_.Now()) - 10 * 86400)).substr(0, 7);
  Reply r = Get("/api/console/winback/report?from=" + month + "&to=" + month, Token("admin"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["items"].Size(), 2u) << r.body;
  const auto& a = r.json["items"][0];
  EXPECT_EQ(a["dealer_id"].GetInt64(), tree_.dealer_a);
  EXPECT_EQ(a["granted"].GetInt64(), 1);
  EXPECT_EQ(a["returned"].GetInt64(), 1);
  EXPECT_EQ(a["waiting"].GetInt64(), 0);
  const auto& b = r.json["items"][1];
  EXPECT_EQ(b["dealer_id"].GetInt64(), tree_.dealer_b);
  EXPECT_EQ(b["returned"].GetInt64(), 0);
  EXPECT_EQ(b["waiting"].GetInt64(), 1);
  Reply mine =
      Get("/api/console/winback/report?from=" + month + "&to=" + month, Token("dealer_b_manager"));
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.json["items"].Size(), 1u);
  EXPECT_EQ(mine.json["items"][0]["dealer_id"].GetInt64(), tree_.dealer_b);
  Reply other = Get("/api/console/winback/report?from=" + month + "&to=" + month, admin2_token_);
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(other.json["items"].Size(), 0u);

  struct Case {
    std::string query, token, code;
    int status;
  };
  const std::vector<Case> cases = {
      {"", Token("admin"), "INVALID_MONTH", 400},
      {"from=2026-01", Token("admin"), "INVALID_MONTH", 400},
      {"from=2026-00&to=2026-02", Token("admin"), "INVALID_MONTH", 400},
      {"from=2026-05&to=2026-04", Token("admin"), "INVALID_RANGE", 400},
      {"from=2024-01&to=2026-04", Token("admin"), "INVALID_RANGE", 400},
      {"from=2026-01&to=2026-02", Token("clerk_a1"), "PERMISSION_DENIED", 403},
  };
  for (const Case& c : cases) {
    Reply bad = Get("/api/console/winback/report?" + c.query, c.token);
    EXPECT_EQ(bad.status, c.status) << c.query << ": " << bad.body;
    EXPECT_EQ(bad.code(), c.code) << c.query;
  }
}

MILEAGE_CONSOLE_TEST_SUITE(WinbackRoutesTest);

}  // namespace
}  // namespace mileage::testing
