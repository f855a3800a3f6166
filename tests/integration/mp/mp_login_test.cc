// POST /api/mp/login against the real server with the sandbox answering code2Session: the
// member a login finds is the member a payment makes (either order), and every refusal has its
// own code and writes nothing (docs/API.md, "Member API").
#include <regex>

#include "tests/integration/mp/mp_fixture.h"
#include "tests/support/free_port.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;

class MpLoginTest : public MpTest {};

TEST_P(MpLoginTest, ASandboxCodeGivesATokenThatWorksOnMe) {
  const auto before = Written();
  MpReply login = Login("alice");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.Header("Cache-Control"), "no-store");
  const std::string token = login.Text("token");
  EXPECT_TRUE(std::regex_match(token, std::regex("mmt1\\.[0-9a-f]{64}\\.[0-9a-f]{32}"))) << token;
  const rapidjson::Value& member = login.json["member"];
  const int64_t id = member["id"].GetInt64();
  EXPECT_EQ(std::string(member["tier"].GetString()), "silver");
  EXPECT_EQ(std::string(member["status"].GetString()), "active");
  EXPECT_TRUE(std::regex_match(member["number"].GetString(), std::regex("[1-9][0-9]{11}")));
  EXPECT_FALSE(member.HasMember("openid")) << "no identities in the member's own view";

  // The member is enrolled by the sandbox user's identity, with the unionid WeChat gave.
  EXPECT_EQ(Scalar("SELECT member_id FROM member_identities WHERE kind = 'openid' AND appid = '" +
                   std::string(kAppid) + "' AND value = '" + OpenidOf("alice") + "'"),
            id);
  EXPECT_EQ(Scalar("SELECT member_id FROM member_identities WHERE kind = 'unionid' AND value = '" +
                   UnionidOf("alice") + "'"),
            id);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members WHERE id = " + std::to_string(id) +
                   " AND enrolled_via = 'miniprogram' AND brand_id = " + std::to_string(brand_)),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'member.enrolled' AND "
                   "aggregate_ref = '" +
                   std::to_string(id) + "'"),
            1);
  auto after = Written();
  EXPECT_EQ(after["members"], before.at("members") + 1);
  EXPECT_EQ(after["member_identities"], before.at("member_identities") + 2);

  MpReply me = Me(token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Header("Cache-Control"), "no-store");
  EXPECT_EQ(me.json["member"]["id"].GetInt64(), id);
  EXPECT_STREQ(me.json["member"]["number"].GetString(), member["number"].GetString());
  EXPECT_STREQ(me.json["member"]["enrolled_at"].GetString(), member["enrolled_at"].GetString());
  EXPECT_EQ(me.Text("appid"), kAppid);
  EXPECT_EQ(me.Text("expires_at"), login.Text("expires_at"));

  // Logging in again is the same member, with a second session; nothing new is written.
  MpReply again = Login("alice");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["member"]["id"].GetInt64(), id);
  EXPECT_NE(again.Text("token"), token);
  EXPECT_EQ(Written(), after);
  EXPECT_EQ(Me(token).status, 200);
  EXPECT_EQ(Me(again.Text("token")).status, 200);
}

TEST_P(MpLoginTest, PayingFirstAndLoggingInLaterIsOneMember) {
  Pay("bob", 8800);
  const std::string openid = OpenidOf("bob");
  const int64_t paid_member = Scalar(
      "SELECT member_id FROM member_identities WHERE kind = 'openid' AND value = '" + openid + "'");
  ASSERT_GT(paid_member, 0);
  const int64_t members = Scalar("SELECT COUNT(*) FROM members");

  MpReply login = Login("bob");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json["member"]["id"].GetInt64(), paid_member);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), members);
  EXPECT_EQ(Scalar("SELECT enrolled_via = 'wechat_pay' FROM members WHERE id = " +
                   std::to_string(paid_member)),
            1);
  // The payment knew no unionid; the login brought it.
  EXPECT_EQ(Scalar("SELECT member_id FROM member_identities WHERE kind = 'unionid' AND value = '" +
                   UnionidOf("bob") + "'"),
            paid_member);
  EXPECT_EQ(Me(login.Text("token")).json["member"]["id"].GetInt64(), paid_member);
}

TEST_P(MpLoginTest, LoggingInFirstAndPayingLaterCreditsTheSameMember) {
  MpReply login = Login("carol");
  ASSERT_EQ(login.status, 200) << login.body;
  const int64_t id = login.json["member"]["id"].GetInt64();
  Pay("carol", 12300);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), 1);
  EXPECT_EQ(Scalar("SELECT member_id FROM payment_transactions"), id);
  // 123 yuan at the default 1 point per yuan.
  EXPECT_EQ(Scalar("SELECT balance FROM point_accounts WHERE kind = 'member' AND owner_id = " +
                   std::to_string(id)),
            123);
}

TEST_P(MpLoginTest, BadAndUsedCodesAre401AndWriteNothing) {
  const auto before = Written();
  MpReply bad = Login("invalid-code-1");
  EXPECT_EQ(bad.status, 401) << bad.body;
  EXPECT_EQ(bad.code(), "INVALID_CODE");
  MpReply used = Login("used-code-1");
  EXPECT_EQ(used.status, 401) << used.body;
  EXPECT_EQ(used.code(), "CODE_USED");
  EXPECT_EQ(Written(), before);
}

TEST_P(MpLoginTest, AppsThatCannotLogMembersInAreRefusedWithTheirCodes) {
  const org::Actor op = org::Actor::System("test");
  org::BrandAppService& apps = app().org().apps();
  MustOk(apps.Create(op, brand_, {"wxofficial00000001", "official_account", "OA", "oa-secret"}));
  MustOk(apps.Create(op, brand_, {"wxnosecret00000001", "miniprogram", "No secret", ""}));
  const int64_t inactive =
      MustOk(apps.RegisterMiniProgram(op, brand_, {"wxinactive00000001", "", "", "s3cret"})).id;
  MustOk(apps.SetActive(op, inactive, false));
  const auto before = Written();
  const int64_t calls = Code2SessionCalls();

  const struct {
    const char* appid;
    int status;
    const char* code;
  } cases[] = {{"wx0000000000000000", 404, "APP_NOT_FOUND"},
               {"wxofficial00000001", 409, "APP_NOT_MINIPROGRAM"},
               {"wxnosecret00000001", 409, "APP_NO_SECRET"},
               {"wxinactive00000001", 409, "APP_INACTIVE"}};
  for (const auto& c : cases) {
    MpReply reply = Login("alice", c.appid);
    EXPECT_EQ(reply.status, c.status) << c.appid << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.appid;
  }
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Code2SessionCalls(), calls) << "WeChat is not asked for an app that cannot log in";
}

TEST_P(MpLoginTest, WechatTroubleIs503AndWritesNothing) {
  const auto before = Written();
  // WeChat refuses the secret (it was reset in WeChat's console, not here).
  MustOk(app().org().apps().RegisterMiniProgram(org::Actor::System("test"), brand_,
                                                {kAppid, "", "", "an-outdated-secret"}));
  MpReply refused = Login("alice");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.code(), "APP_MISCONFIGURED");

  // WeChat cannot be reached at all.
  const int closed_port = FreeLoopbackPort();
  StartServer({}, [&](Config& config) {
    config.wechat_api_base_url = "http://127.0.0.1:" + std::to_string(closed_port);
  });
  MustOk(app().org().apps().RegisterMiniProgram(org::Actor::System("test"), brand_,
                                                {kAppid, "", "", kSecret}));
  MpReply unreachable = Login("alice");
  EXPECT_EQ(unreachable.status, 503) << unreachable.body;
  EXPECT_EQ(unreachable.code(), "WECHAT_UNAVAILABLE");
  auto after = Written();
  EXPECT_EQ(after["audit_log"], before.at("audit_log") + 2) << "the two secret changes";
  after["audit_log"] = before.at("audit_log");
  EXPECT_EQ(after, before);
}

TEST_P(MpLoginTest, MalformedBodiesAre400AndAskNobody) {
  const auto before = Written();
  const int64_t calls = Code2SessionCalls();
  const std::string long_code(257, 'a');
  const struct {
    std::string body;
    const char* code;
  } cases[] = {
      {"{", "MALFORMED_JSON"},
      {"", "MALFORMED_JSON"},
      {R"(["alice"])", "BODY_NOT_OBJECT"},
      {R"({"code":"alice"})", "MISSING_FIELD"},
      {R"({"appid":"wx8888888888888888"})", "MISSING_FIELD"},
      {R"({"appid":8888,"code":"alice"})", "INVALID_FIELD"},
      {R"({"appid":"wx8888888888888888","code":42})", "INVALID_FIELD"},
      {R"({"appid":"wx8888888888888888","code":null})", "MISSING_FIELD"},
      {R"({"appid":"wx8888888888888888","code":"alice","openid":"o123"})", "UNKNOWN_FIELD"},
      {R"({"appid":"wx-8888","code":"alice"})", "INVALID_FIELD"},
      {R"({"appid":"wx8888888888888888","code":"ali ce"})", "INVALID_FIELD"},
      {R"({"appid":"wx8888888888888888","code":""})", "INVALID_FIELD"},
      {R"({"appid":"wx8888888888888888","code":")" + long_code + R"("})", "INVALID_FIELD"},
      {R"({"appid":"wx8888888888888888","code":"alice"} trailing)", "MALFORMED_JSON"},
      {std::string(100, '[') + std::string(100, ']'), "JSON_TOO_DEEP"},
  };
  for (const auto& c : cases) {
    MpReply reply = Send("POST", "/api/mp/login", "", c.body);
    EXPECT_EQ(reply.status, 400) << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  // A body over max_body_bytes (1 MiB by default) is refused before it is parsed.
  MpReply huge =
      Send("POST", "/api/mp/login", "",
           R"({"appid":"wx8888888888888888","code":")" + std::string(2 << 20, 'a') + R"("})");
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.code(), "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Code2SessionCalls(), calls);
}

// The login limits count by client address: one address that uses them up does not lock out
// another (each client binds its socket to its own 127.0.0.x address).
TEST_P(MpLoginTest, LoginLimitsCountPerClientAddress) {
  members::MemberLoginLimits limits;
  limits.per_address = 3;
  limits.refusals_per_address = 2;
  StartServer(limits);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Login("dave", kAppid, "127.0.0.2").status, 200) << i;
  MpReply limited = Login("dave", kAppid, "127.0.0.2");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.code(), "RATE_LIMITED");
  const int retry_after = std::stoi("0" + limited.Header("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(Login("dave", kAppid, "127.0.0.3").status, 200) << "another address is unaffected";

  // Refused codes use up an address sooner, whatever it sends next.
  EXPECT_EQ(Login("invalid-1", kAppid, "127.0.0.4").code(), "INVALID_CODE");
  EXPECT_EQ(Login("used-1", kAppid, "127.0.0.4").code(), "CODE_USED");
  const auto before = Written();
  MpReply blocked = Login("erin", kAppid, "127.0.0.4");
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_EQ(blocked.code(), "RATE_LIMITED");
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Login("erin", kAppid, "127.0.0.5").status, 200);

  // The windows end.
  clock_.Advance(limits.refusal_window);
  EXPECT_EQ(Login("erin", kAppid, "127.0.0.4").status, 200);
  EXPECT_EQ(Login("dave", kAppid, "127.0.0.2").status, 200);
}

MILEAGE_MP_TEST_SUITE(MpLoginTest);

}  // namespace
}  // namespace mileage::testing
