// Console sign-in and bad input over HTTP: each failure has its own clear error and writes
// nothing but the audit entry where one is due (docs/API.md "Console").
#include "crypto/bearer_tokens.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "org/session_service.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class ConsoleAuthTest : public ConsoleTest {};

TEST_P(ConsoleAuthTest, LoginReturnsATokenThatMeAccepts) {
  Reply login = LoginReply("Clerk_A1", kPassword);  // usernames are case-insensitive
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = login.json["token"].GetString();
  EXPECT_EQ(token.size(), 102u);
  EXPECT_STREQ(login.json["staff"]["role"].GetString(), "store_clerk");
  EXPECT_EQ(login.json["staff"]["scope"]["id"].GetInt64(), tree_.store_a1);
  EXPECT_STREQ(login.json["expires_at"].GetString(), "2027-01-15T16:00:00Z");
  Reply me = Get("/api/console/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_STREQ(me.json["staff"]["username"].GetString(), "clerk_a1");
  EXPECT_EQ(me.json["staff"]["dealer_id"].GetInt64(), tree_.dealer_a);
}

TEST_P(ConsoleAuthTest, WrongPasswordAndUnknownUserLookTheSame) {
  const auto before = RowCounts();
  Reply wrong = LoginReply("clerk_a1", "not-the-password");
  Reply unknown = LoginReply("nobody_here", kPassword);
  Reply malformed = LoginReply("x", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(unknown.body, wrong.body);
  EXPECT_EQ(malformed.body, wrong.body);
  EXPECT_EQ(RowCounts(), before) << "failed logins write nothing";
  EXPECT_EQ(LoginReply("clerk_a1", "").code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(Post("/api/console/login", "", R"({"username":"clerk_a1"})").code(), "MISSING_FIELD");
  EXPECT_EQ(Post("/api/console/login", "", R"({"username":"a","password":"b","x":1})").code(),
            "UNKNOWN_FIELD");
  EXPECT_EQ(Post("/api/console/login", "", "not json").code(), "MALFORMED_JSON");
}

TEST_P(ConsoleAuthTest, SessionsSlideAndThenExpire) {
  const std::string token = Token("clerk_a1");
  clock_.Advance(hours(5));  // less than half of the 8 h left: this request refreshes
  ASSERT_EQ(Get("/api/console/me", token).status, 200);
  clock_.Advance(hours(5));  // 10 h after login, 5 h after the refresh
  Reply refreshed = Get("/api/console/me", token);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  clock_.Advance(hours(8) + minutes(1));
  Reply expired = Get("/api/console/me", token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.code(), "SESSION_EXPIRED");
}

TEST_P(ConsoleAuthTest, LogoutRevokesTheToken) {
  const std::string token = Token("dealer_a_manager");
  const int64_t audit_before = AuditRows();
  Reply out = Post("/api/console/logout", token);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(AuditRows(), audit_before + 1);
  Reply after = Get("/api/console/me", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.code(), "SESSION_REVOKED");
  EXPECT_EQ(Post("/api/console/logout", token).code(), "SESSION_REVOKED");
}

TEST_P(ConsoleAuthTest, TokensOfAnotherDeploymentAreRefused) {
  FakeRandom random(99);
  crypto::BearerTokens elsewhere(
      *crypto::DataKey::FromHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"),
      random, org::kConsoleTokens);
  Reply reply = Get("/api/console/me", elsewhere.Mint()->token);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.code(), "INVALID_TOKEN");
  Reply no_scheme = Send("GET", "/api/console/me", "");
  EXPECT_EQ(no_scheme.code(), "MISSING_TOKEN");
}

TEST_P(ConsoleAuthTest, DeactivatedStaffLoseTheirSessionsAndCannotLogIn) {
  const std::string clerk = Token("clerk_a1");
  ASSERT_EQ(Get("/api/console/me", clerk).status, 200);
  Reply deactivated =
      Post("/api/console/staff/" + std::to_string(tree_.staff["clerk_a1"]) + "/deactivate",
           Token("dealer_a_manager"));
  ASSERT_EQ(deactivated.status, 200) << deactivated.body;
  EXPECT_FALSE(deactivated.json["active"].GetBool());
  Reply after = Get("/api/console/me", clerk);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.code(), "STAFF_DEACTIVATED");
  Reply login = LoginReply("clerk_a1", kPassword);
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(login.code(), "INVALID_CREDENTIALS");
}

TEST_P(ConsoleAuthTest, MalformedIdsAreInvalid) {
  const std::string& token = Token("admin");
  const auto before = RowCounts();
  for (const char* id : {"abc", "0", "-1", "1.5", "99999999999999999999", "%20"}) {
    for (const std::string& path :
         {"/api/console/stores/" + std::string(id), "/api/console/merchants/" + std::string(id),
          "/api/console/staff/" + std::string(id), "/api/console/dealers/" + std::string(id)}) {
      Reply reply = Get(path, token);
      EXPECT_EQ(reply.status, 400) << path;
      EXPECT_EQ(reply.code(), "INVALID_ID") << path;
    }
    Reply patch = Patch("/api/console/stores/" + std::string(id), token, R"({"name":"x"})");
    EXPECT_EQ(patch.code(), "INVALID_ID") << id;
    EXPECT_EQ(Get("/api/console/stores?dealer_id=" + std::string(id), token).code(), "INVALID_ID");
  }
  for (const char* body : {R"({"region_id":"7","name":"x"})", R"({"region_id":0,"name":"x"})",
                           R"({"region_id":-3,"name":"x"})", R"({"region_id":1.5,"name":"x"})",
                           R"({"region_id":99999999999999999999,"name":"x"})"}) {
    Reply reply = Post("/api/console/dealers", token, body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.code(), "INVALID_ID") << body << " " << reply.body;
  }
  EXPECT_EQ(RowCounts(), before);
}

TEST_P(ConsoleAuthTest, NamesAreOneToOneHundredCharacters) {
  const std::string& token = Token("admin");
  const std::string dealer = std::to_string(tree_.dealer_a);
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "店";
  const auto before = RowCounts();
  for (const std::string& name : {hundred + "店", std::string(101, 'a'), std::string(""),
                                  std::string("  "), std::string("a\\u0001b")}) {
    Reply reply = Post("/api/console/stores", token,
                       R"({"dealer_id":)" + dealer + R"(,"name":")" + name + R"("})");
    EXPECT_EQ(reply.status, 400) << name;
    EXPECT_EQ(reply.code(), "INVALID_FIELD") << name << " " << reply.body;
    Reply patch = Patch("/api/console/stores/" + std::to_string(tree_.store_a1), token,
                        R"({"name":")" + name + R"("})");
    EXPECT_EQ(patch.code(), "INVALID_FIELD") << name;
  }
  EXPECT_EQ(RowCounts(), before) << "an invalid name writes nothing, not even an audit entry";
  Reply ok = Post("/api/console/stores", token,
                  R"({"dealer_id":)" + dealer + R"(,"name":")" + hundred + R"("})");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json["name"].GetString(), hundred);
  EXPECT_EQ(Post("/api/console/stores", token, R"({"dealer_id":)" + dealer + "}").code(),
            "MISSING_FIELD");
  EXPECT_EQ(
      Post("/api/console/stores", token, R"({"dealer_id":)" + dealer + R"(,"name":5})").code(),
      "INVALID_FIELD");
  EXPECT_EQ(Post("/api/console/stores", token,
                 R"({"dealer_id":)" + dealer + R"(,"name":"x","colour":"red"})")
                .code(),
            "UNKNOWN_FIELD");
}

TEST_P(ConsoleAuthTest, StaffInputIsValidated) {
  const std::string& token = Token("admin");
  const std::string store = std::to_string(tree_.store_a1);
  const auto before = RowCounts();
  struct Bad {
    std::string body;
    const char* code;
    int status;
  };
  const std::vector<Bad> cases = {
      {R"({"username":"clerk_a1","password":"pass-word-123","role":"store_clerk","scope":{"type":"store","id":)" +
           store + "}}",
       "USERNAME_EXISTS", 409},
      {R"({"username":"CLERK_A1","password":"pass-word-123","role":"store_clerk","scope":{"type":"store","id":)" +
           store + "}}",
       "USERNAME_EXISTS", 409},
      {R"({"username":"new1","password":"pass-word-123","role":"king","scope":{"type":"store","id":)" +
           store + "}}",
       "INVALID_ROLE", 400},
      {R"({"username":"new1","password":"pass-word-123","role":"store_clerk","scope":{"type":"galaxy","id":)" +
           store + "}}",
       "INVALID_SCOPE", 400},
      {R"({"username":"new1","password":"pass-word-123","role":"store_clerk","scope":{"type":"dealer","id":)" +
           store + "}}",
       "INVALID_SCOPE", 400},
      {R"({"username":"new1","password":"short","role":"store_clerk","scope":{"type":"store","id":)" +
           store + "}}",
       "WEAK_PASSWORD", 400},
      {R"({"username":"new 1","password":"pass-word-123","role":"store_clerk","scope":{"type":"store","id":)" +
           store + "}}",
       "INVALID_FIELD", 400},
      {R"({"username":"new1","password":"pass-word-123","role":"store_clerk","scope":{"type":"store","id":"x"}})",
       "INVALID_ID", 400},
      {R"({"username":"new1","password":"pass-word-123","role":"store_clerk","scope":"store"})",
       "INVALID_SCOPE", 400},
      {R"({"username":"new1","password":"pass-word-123","role":"store_clerk","scope":{"type":"store","id":)" +
           store + R"(,"extra":true}})",
       "UNKNOWN_FIELD", 400},
  };
  for (const Bad& bad : cases) {
    Reply reply = Post("/api/console/staff", token, bad.body);
    EXPECT_EQ(reply.status, bad.status) << bad.body << " " << reply.body;
    EXPECT_EQ(reply.code(), bad.code) << bad.body;
  }
  EXPECT_EQ(RowCounts(), before);
}

TEST_P(ConsoleAuthTest, PartnerSecretIsShownOnce) {
  const std::string& token = Token("admin");
  Reply created =
      Post("/api/console/partners", token, R"({"name":"停车场 P","category":"parking"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = created.json["secret"].GetString();
  const std::string key_id = created.json["partner"]["api_key_id"].GetString();
  EXPECT_EQ(secret.size(), 64u);
  Reply read = Get(
      "/api/console/partners/" + std::to_string(created.json["partner"]["id"].GetInt64()), token);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body.find(secret), std::string::npos);
  EXPECT_EQ(Get("/api/console/partners", token).body.find(secret), std::string::npos);
  Result<org::PartnerCredentials> credentials = org().partners().Credentials(key_id);
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  ASSERT_EQ(credentials->secrets.size(), 1u);
  EXPECT_EQ(credentials->secrets[0].secret, secret);
  EXPECT_EQ(credentials->secrets[0].id, created.json["secret_id"].GetInt64());
  EXPECT_EQ(Post("/api/console/partners", token, R"({"name":"X","category":"airline"})").code(),
            "INVALID_FIELD");
}

TEST_P(ConsoleAuthTest, TheAuditLogRecordsWritesAndDenialsNewestFirst) {
  const std::string& admin = Token("admin");
  const std::string& manager = Token("dealer_a_manager");
  EXPECT_EQ(
      Patch("/api/console/stores/" + std::to_string(tree_.store_b1), manager, R"({"name":"x"})")
          .status,
      404);
  Reply renamed = Patch("/api/console/stores/" + std::to_string(tree_.store_a1), admin,
                        R"({"name":"Store A1+"})");
  ASSERT_EQ(renamed.status, 200);
  Reply audit = Send("GET", "/api/console/audit?page=1&page_size=2", admin);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto& items = audit.json["items"];
  ASSERT_EQ(items.Size(), 2u);
  EXPECT_STREQ(items[0]["action"].GetString(), "store.update");
  EXPECT_STREQ(items[0]["outcome"].GetString(), "ok");
  EXPECT_STREQ(items[0]["staff_username"].GetString(), "admin");
  EXPECT_STREQ(items[0]["client_address"].GetString(), "127.0.0.1");
  EXPECT_STREQ(items[0]["detail"].GetString(), "name: Store A1 -> Store A1+");
  EXPECT_EQ(items[0]["object_id"].GetInt64(), tree_.store_a1);
  EXPECT_EQ(std::string(items[0]["request_id"].GetString()).size(), 16u);
  EXPECT_STREQ(items[1]["action"].GetString(), "store.update");
  EXPECT_STREQ(items[1]["outcome"].GetString(), "denied");
  EXPECT_STREQ(items[1]["staff_username"].GetString(), "dealer_a_manager");
  EXPECT_GT(items[0]["id"].GetInt64(), items[1]["id"].GetInt64());
  EXPECT_EQ(audit.json["total"].GetInt64(), AuditRows());
  EXPECT_EQ(Get("/api/console/audit", Token("region1_manager")).status, 403);
}

// A data key rotation end to end: values sealed under key A still open once B is the primary
// key and A a previous one; new values are sealed under B (they open without A, the old ones
// do not).
TEST_P(ConsoleAuthTest, ARotatedDataKeyStillOpensOldSealedValues) {
  constexpr const char* kKeyB = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
  Reply old_partner =
      Post("/api/console/partners", Token("admin"), R"({"name":"Old","category":"fuel"})");
  ASSERT_EQ(old_partner.status, 201) << old_partner.body;
  const std::string old_key_id = old_partner.json["partner"]["api_key_id"].GetString();
  const std::string old_secret = old_partner.json["secret"].GetString();
  const std::string old_session = Token("admin");

  config_.data_key = kKeyB;
  config_.previous_data_keys = {kDataKey};
  StartServer();
  ASSERT_NE(server_, nullptr);
  Result<org::PartnerCredentials> opened = org().partners().Credentials(old_key_id);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_EQ(opened->secrets.size(), 1u);
  EXPECT_EQ(opened->secrets[0].secret, old_secret);
  Result<org::MerchantCredentials> merchant = org().merchants().Credentials(kMchid);
  ASSERT_TRUE(merchant.ok()) << merchant.status().ToString();
  EXPECT_EQ(merchant->apiv3_key, kApiV3Key);
  // The payment path decrypts with the merchant key sealed under A.
  Pay(kMchid, "4200000000000000000000000000R1", "openid-after-rotation", 1000);
  EXPECT_GT(MemberIdOf("openid-after-rotation"), 0);
  // Session tokens are signed with a key derived from the primary key: they end.
  EXPECT_EQ(Get("/api/console/me", old_session).code(), "INVALID_TOKEN");
  Reply new_partner =
      Post("/api/console/partners", Token("admin"), R"({"name":"New","category":"fuel"})");
  ASSERT_EQ(new_partner.status, 201) << new_partner.body;
  const std::string new_key_id = new_partner.json["partner"]["api_key_id"].GetString();

  config_.previous_data_keys.clear();
  StartServer();
  ASSERT_NE(server_, nullptr);
  Result<org::PartnerCredentials> fresh = org().partners().Credentials(new_key_id);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_EQ(fresh->secrets.size(), 1u);
  EXPECT_EQ(fresh->secrets[0].secret, new_partner.json["secret"].GetString());
  Result<org::PartnerCredentials> stale = org().partners().Credentials(old_key_id);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().reason(), "UNKNOWN_DATA_KEY");
  // The partner's signed requests fail on the server's side (500, logged), not as the partner's
  // fault, and the message names no key.
  const std::string timestamp = std::to_string(UnixSeconds(clock_.Now()));
  const std::string nonce = "rotated-data-key-01";
  httplib::Headers headers = {
      {"Mileage-Partner-Key", old_key_id},
      {"Mileage-Timestamp", timestamp},
      {"Mileage-Nonce", nonce},
      {"Mileage-Signature",
       crypto::HexEncode(crypto::HmacSha256(
           old_secret, "GET\n/api/partner/v1/me\n" + timestamp + "\n" + nonce + "\n"))}};
  httplib::Result me = server_->Client()->Get("/api/partner/v1/me", headers);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 500) << me->body;
  EXPECT_NE(me->body.find("\"INTERNAL\""), std::string::npos) << me->body;
  EXPECT_EQ(me->body.find("DATA_KEY"), std::string::npos) << me->body;
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleAuthTest);

}  // namespace
}  // namespace mileage::testing
