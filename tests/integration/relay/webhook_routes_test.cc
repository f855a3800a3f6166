// The console's webhook routes (docs/API.md "Webhooks"), on SQLite and MariaDB: the secret shown
// once, roles, other brands, bad input (the stable code, nothing written) and the audit log.
#include <string>
#include <vector>

#include "tests/integration/relay/relay_test_support.h"

namespace mileage::testing {
namespace {

class WebhookRoutesTest : public RelayTest {
 protected:
  // Rows of the webhook tables and the outbox.
  std::map<std::string, int64_t> WebhookRows() {
    std::map<std::string, int64_t> rows;
    for (const char* table : {"webhook_endpoints", "webhook_deliveries", "outbox_events"}) {
      rows[table] = Query(std::string("SELECT COUNT(*) FROM ") + table)[0].Int(0);
    }
    rows["secrets"] =
        Query("SELECT COUNT(DISTINCT secret_sealed) FROM webhook_endpoints")[0].Int(0);
    return rows;
  }
  std::string WebhookPath(int64_t id, const std::string& suffix = "") {
    return "/api/console/webhooks/" + std::to_string(id) + suffix;
  }
  // A second brand with a webhook of its own (created by the operator); the webhook's id.
  int64_t OtherBrandsWebhook() {
    const org::Actor op = org::Actor::System("test");
    Result<org::Node> brand = org().hierarchy().CreateBrand(op, "Other brand");
    EXPECT_TRUE(brand.ok()) << brand.status().ToString();
    Result<relay::WebhookWithSecret> created = server_->app().webhooks().Create(
        op, brand->path.id(), relay::WebhookInput{"https://other.example.com/hook", {}});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->endpoint.id : 0;
  }
};

TEST_P(WebhookRoutesTest, TheSecretIsShownOnceAndEveryWriteIsAudited) {
  const std::string& admin = Token("admin");
  const int64_t audit_before = AuditRows();
  Reply created =
      Post("/api/console/webhooks", admin,
           R"({"url":"https://hooks.example.com/m","topics":["payment.*","member.enrolled"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = created.json["secret"].GetString();
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos);
  const rapidjson::Value& webhook = created.json["webhook"];
  const int64_t id = webhook["id"].GetInt64();
  EXPECT_EQ(webhook["brand_id"].GetInt64(), tree_.brand);
  EXPECT_EQ(std::string(webhook["url"].GetString()), "https://hooks.example.com/m");
  EXPECT_EQ(webhook["topics"].Size(), 2u);
  EXPECT_TRUE(webhook["enabled"].GetBool());
  // Stored sealed, not in clear.
  const std::vector<db::Row> row =
      Query("SELECT secret_sealed, brand_id FROM webhook_endpoints WHERE id = ?", {db::Value(id)});
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0].Text(0).find(secret), std::string::npos);
  EXPECT_FALSE(row[0].Text(0).empty());

  Reply listed = Get("/api/console/webhooks", admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.ItemIds(), std::vector<int64_t>{id});
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(listed.body.find("secret"), std::string::npos);
  Reply got = Get(WebhookPath(id), admin);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body.find("secret"), std::string::npos);

  Reply disabled = Post(WebhookPath(id, "/disable"), admin);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_FALSE(disabled.json["enabled"].GetBool());
  EXPECT_EQ(Query("SELECT enabled FROM webhook_endpoints WHERE id = ?", {db::Value(id)})[0].Int(0),
            0);
  Reply enabled = Post(WebhookPath(id, "/enable"), admin);
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_TRUE(enabled.json["enabled"].GetBool());

  Reply rotated = Post(WebhookPath(id, "/secret"), admin);
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string new_secret = rotated.json["secret"].GetString();
  EXPECT_EQ(new_secret.size(), 64u);
  EXPECT_NE(new_secret, secret);
  EXPECT_TRUE(created.json["webhook"]["overlap_until"].IsNull());
  EXPECT_TRUE(rotated.json["webhook"]["overlap_until"].IsString());
  EXPECT_NE(
      Query("SELECT secret_sealed FROM webhook_endpoints WHERE id = ?", {db::Value(id)})[0].Text(0),
      row[0].Text(0));

  Reply deleted = Send("DELETE", WebhookPath(id), admin);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  Reply gone = Get(WebhookPath(id), admin);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.code(), "WEBHOOK_NOT_FOUND");
  EXPECT_EQ(WebhookRows()["webhook_endpoints"], 0);

  // create, disable, enable, rotate, delete.
  EXPECT_EQ(AuditRows(), audit_before + 5);
  Reply audit = Get("/api/console/audit?action=webhook.&page_size=10", admin);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.json["total"].GetInt64(), 5);
  EXPECT_EQ(audit.body.find(secret), std::string::npos);
  EXPECT_EQ(audit.body.find(new_secret), std::string::npos);
}

TEST_P(WebhookRoutesTest, OnlyBrandAdminsOfTheBrandReachWebhooks) {
  const int64_t other = OtherBrandsWebhook();
  ASSERT_GT(other, 0);
  const std::string& admin = Token("admin");
  const auto before = WebhookRows();
  // Another brand's endpoint is not found on every route that names one.
  for (const auto& [method, suffix, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "", ""},
           {"DELETE", "", ""},
           {"POST", "/enable", "{}"},
           {"POST", "/disable", "{}"},
           {"POST", "/secret", "{}"},
           {"POST", "/replay", R"({"from_event_id":1})"},
           {"GET", "/deliveries", ""}}) {
    Reply reply = Send(method, WebhookPath(other, suffix), admin, body);
    EXPECT_EQ(reply.status, 404) << method << " " << suffix << " " << reply.body;
    EXPECT_EQ(reply.code(), "WEBHOOK_NOT_FOUND") << method << " " << suffix;
  }
  EXPECT_EQ(Get("/api/console/webhooks", admin).ItemIds(), std::vector<int64_t>{});
  // Other roles: refused by the role table, whatever the object.
  for (const char* user : {"region1_manager", "dealer_a_manager", "clerk_a1", "analyst_brand"}) {
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/console/webhooks"},
             {"POST", "/api/console/webhooks"},
             {"GET", "/api/console/webhook-dead-letters"},
             {"POST", WebhookPath(other, "/replay")}}) {
      Reply reply = Send(method, path, Token(user), R"({"url":"https://x.example.com/"})");
      EXPECT_EQ(reply.status, 403) << user << " " << method << " " << path;
      EXPECT_EQ(reply.code(), "PERMISSION_DENIED") << user << " " << method << " " << path;
    }
  }
  // Anonymous.
  Reply anonymous = Post("/api/console/webhooks", "", R"({"url":"https://x.example.com/"})");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.code(), "MISSING_TOKEN");
  EXPECT_EQ(WebhookRows(), before);
}

TEST_P(WebhookRoutesTest, BadInputGetsItsCodeAndWritesNothing) {
  const std::string& admin = Token("admin");
  const auto [id, secret] = CreateWebhook();
  ASSERT_GT(id, 0);
  const std::string huge =
      R"({"url":"https://x.example.com/","topics":[")" + std::string(2 << 20, 'a') + R"("]})";
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  };
  const std::string create = "/api/console/webhooks";
  const std::vector<Case> cases = {
      {"POST", create, "{}", 400, "MISSING_FIELD"},
      {"POST", create, R"({"url":5})", 400, "INVALID_FIELD"},
      {"POST", create, R"({"url":""})", 400, "INVALID_WEBHOOK_URL"},
      {"POST", create, R"({"url":"ftp://x.example.com/"})", 400, "INVALID_WEBHOOK_URL"},
      {"POST", create, R"({"url":"https://user:pw@x.example.com/"})", 400, "INVALID_WEBHOOK_URL"},
      {"POST", create, R"({"url":"https://x.example.com/)" + std::string(2100, 'a') + R"("})", 400,
       "INVALID_WEBHOOK_URL"},
      {"POST", create, R"({"url":"https://x.example.com/","topics":"payment.*"})", 400,
       "INVALID_FIELD"},
      {"POST", create, R"({"url":"https://x.example.com/","topics":[1]})", 400, "INVALID_FIELD"},
      {"POST", create, R"({"url":"https://x.example.com/","topics":["Payment Recorded"]})", 400,
       "INVALID_WEBHOOK_TOPICS"},
      {"POST", create, R"({"url":"https://x.example.com/","secret":"mine"})", 400, "UNKNOWN_FIELD"},
      {"POST", create, R"({"url":)", 400, "MALFORMED_JSON"},
      {"POST", create, R"([1])", 400, "BODY_NOT_OBJECT"},
      {"POST", create, huge, 413, "PAYLOAD_TOO_LARGE"},
      {"GET", "/api/console/webhooks/abc", "", 400, "INVALID_ID"},
      {"GET", WebhookPath(987654), "", 404, "WEBHOOK_NOT_FOUND"},
      {"POST", WebhookPath(987654, "/secret"), "{}", 404, "WEBHOOK_NOT_FOUND"},
      {"GET", "/api/console/webhooks?page=0", "", 400, "INVALID_PAGE"},
      {"GET", WebhookPath(id, "/deliveries?state=lost"), "", 400, "INVALID_FIELD"},
      {"GET", "/api/console/webhook-dead-letters?page_size=1000", "", 400, "INVALID_PAGE"},
      {"POST", WebhookPath(id, "/replay"), "{}", 400, "MISSING_FIELD"},
      {"POST", WebhookPath(id, "/replay"), R"({"from_event_id":0})", 400, "INVALID_EVENT_RANGE"},
      {"POST", WebhookPath(id, "/replay"), R"({"from_event_id":5,"to_event_id":4})", 400,
       "INVALID_EVENT_RANGE"},
      {"POST", WebhookPath(id, "/replay"), R"({"from_event_id":1,"to_event_id":1001})", 400,
       "INVALID_EVENT_RANGE"},
      {"POST", WebhookPath(id, "/replay"), R"({"from_event_id":1,"extra":2})", 400,
       "UNKNOWN_FIELD"},
  };
  const auto before = WebhookRows();
  const int64_t audit_before = AuditRows();
  for (const Case& c : cases) {
    Reply reply = Send(c.method, c.path, admin, c.body);
    EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80)
                                      << " -> " << reply.body.substr(0, 200);
    EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path << " " << c.body.substr(0, 80);
  }
  EXPECT_EQ(WebhookRows(), before);
  // Only the not-found write (rotating an unknown id) is recorded, as denied.
  EXPECT_EQ(AuditRows(), audit_before + 1);
}

TEST_P(WebhookRoutesTest, ABrandHasAtMostTwentyEndpoints) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Post("/api/console/webhooks", Token("admin"),
                   R"({"url":"https://x.example.com/)" + std::to_string(i) + R"("})")
                  .status,
              201);
  }
  const auto before = WebhookRows();
  Reply refused =
      Post("/api/console/webhooks", Token("admin"), R"({"url":"https://x.example.com/21"})");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.code(), "TOO_MANY_WEBHOOKS");
  EXPECT_EQ(WebhookRows(), before);
}

MILEAGE_CONSOLE_TEST_SUITE(WebhookRoutesTest);

}  // namespace
}  // namespace mileage::testing
