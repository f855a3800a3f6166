// What clients see when things go wrong, against a real in-process server: stable codes and
// fixed messages in every body while the database or the Kv fails (the details in the log under
// the request id), log lines that a request cannot forge, merchant ids that are not ids, a
// RapidJSON contract broken by a route, and the security headers on every kind of response.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>

#include "common/log.h"
#include "server/http/json.h"
#include "tests/integration/raw_connection.h"
#include "tests/support/private_redis.h"
#include "tests/support/stderr_capture.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

using testing::Backend;
using testing::EmbeddedConfig;
using testing::RawConnection;
using testing::StderrCapture;
using testing::TempDir;
using testing::TestDatabase;
using testing::TestServer;

constexpr const char* kDataKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kPassword = "pass-word-123";

std::string CodeOf(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (!doc.IsObject() || !doc.HasMember("code") || !doc["code"].IsString()) return "";
  return doc["code"].GetString();
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Nothing a driver, SQL or the network layer would say.
void ExpectNoDriverText(const std::string& body) {
  const std::string lower = Lower(body);
  for (const char* word :
       {"sqlite", "mysql", "redis", "select", "insert", "begin", "table", "staff_gone", "audit_log",
        "lock", "lost connection", "refused", "127.0.0.1", "(in:", "errno"}) {
    EXPECT_EQ(lower.find(word), std::string::npos) << "\"" << word << "\" in " << body;
  }
}

// The log line of request `request_id` that names `word` (case-insensitive), or "".
std::string LogLineOf(const std::string& log, const std::string& request_id,
                      const std::string& word) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" req=" + request_id + " ") != std::string::npos &&
        Lower(line).find(word) != std::string::npos) {
      return line;
    }
  }
  return "";
}

// Logs in as the one staff account with a chosen request id.
httplib::Result Login(const TestServer& server, const std::string& request_id) {
  return server.Client()->Post("/api/console/login", {{"X-Request-Id", request_id}},
                               std::string(R"({"username":"ops","password":")") + kPassword + "\"}",
                               "application/json");
}

// A server on a fresh database of the backend under test with one brand admin, "ops".
class DatabaseFailureTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Open(GetParam());
    if (db_ == nullptr) return;
    Config config = EmbeddedConfig(dir_);
    config.database = db_->url();
    config.data_key = kDataKey;
    config.database_timeout_ms = 1000;
    server_ = TestServer::Start(config);
    ASSERT_NE(server_, nullptr);
    const org::Actor op = org::Actor::System("test");
    Result<org::Node> brand = server_->app().org().hierarchy().CreateBrand(op, "Brand");
    ASSERT_TRUE(brand.ok()) << brand.status().ToString();
    Result<org::Staff> staff = server_->app().org().staff().Create(
        op, org::NewStaff{"ops", kPassword, "brand_admin", "brand", brand->path.id()});
    ASSERT_TRUE(staff.ok()) << staff.status().ToString();
    auto ok = Login(*server_, "req-login-ok");
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->status, 200) << ok->body;
  }

  const char* DriverWord() const { return GetParam() == Backend::kSqlite ? "sqlite" : "mysql"; }

  TempDir dir_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<TestServer> server_;
};

TEST_P(DatabaseFailureTest, InternalErrorBodyHidesTheDriverAndTheLogKeepsIt) {
  if (db_ == nullptr) return;
  {
    Result<db::PooledConnection> conn = db_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("ALTER TABLE staff RENAME TO staff_gone").ok());
  }
  StderrCapture log;
  auto res = Login(*server_, "req-internal-1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(CodeOf(res->body), "INTERNAL");
  ExpectNoDriverText(res->body);
  const std::string line = LogLineOf(log.Text(), "req-internal-1", DriverWord());
  EXPECT_NE(line, "") << log.Text();
  EXPECT_NE(Lower(line).find("(in: select"), std::string::npos) << line;  // the statement too
}

TEST_P(DatabaseFailureTest, ALockedDatabaseBodyHidesTheDriverAndTheLogKeepsIt) {
  if (db_ == nullptr) return;
  Result<db::PooledConnection> holder = db_->db().Acquire();
  ASSERT_TRUE(holder.ok());
  // SQLite: hold the write lock (the login's audit write times out: Aborted). MariaDB: lock the
  // audit table (the insert waits until the driver's read timeout: Unavailable).
  if (GetParam() == Backend::kSqlite) {
    ASSERT_TRUE((*holder)->Begin().ok());
  } else {
    ASSERT_TRUE((*holder)->Exec("LOCK TABLES audit_log WRITE").ok());
  }
  StderrCapture log;
  auto res = Login(*server_, "req-locked-1");
  if (GetParam() == Backend::kSqlite) {
    ASSERT_TRUE((*holder)->Rollback().ok());
  } else {
    ASSERT_TRUE((*holder)->Exec("UNLOCK TABLES").ok());
  }
  ASSERT_TRUE(res);
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(res->status, 409);
    EXPECT_EQ(CodeOf(res->body), "ABORTED");
  } else {
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(CodeOf(res->body), "UNAVAILABLE");
  }
  ExpectNoDriverText(res->body);
  EXPECT_NE(LogLineOf(log.Text(), "req-locked-1", DriverWord()), "") << log.Text();
  // Nothing of the failed login was written.
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM audit_log WHERE request_id = 'req-locked-1'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseFailureTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

TEST(KvFailureTest, UnavailableBodiesAndHealthzHideTheDriverAndTheLogKeepsIt) {
  testing::PrivateRedis redis;
  ASSERT_EQ(redis.Start(), "");
  TempDir dir;
  Config config = EmbeddedConfig(dir);
  config.kv = redis.url();
  config.kv_timeout_ms = 500;
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  redis.Stop();

  StderrCapture log;
  auto login =
      server->Client()->Post("/api/console/login", {{"X-Request-Id", "req-kv-1"}},
                             R"({"username":"ops","password":"whatever1"})", "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 503);
  EXPECT_EQ(CodeOf(login->body), "UNAVAILABLE");
  ExpectNoDriverText(login->body);
  EXPECT_EQ(login->body.find(std::to_string(redis.port())), std::string::npos) << login->body;

  auto health = server->Client()->Get("/healthz", {{"X-Request-Id", "req-health-1"}});
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 503);
  rapidjson::Document doc;
  doc.Parse(health->body.c_str());
  ASSERT_TRUE(doc.IsObject()) << health->body;
  EXPECT_STREQ(doc["checks"]["kv"].GetString(), "down");
  EXPECT_STREQ(doc["checks"]["database"].GetString(), "ok");
  EXPECT_STREQ(doc["message"].GetString(), "kv unavailable");
  ExpectNoDriverText(health->body);
  EXPECT_EQ(health->body.find(std::to_string(redis.port())), std::string::npos);

  const std::string text = log.Text();
  EXPECT_NE(LogLineOf(text, "req-kv-1", "redis"), "") << text;
  EXPECT_NE(LogLineOf(text, "req-health-1", "redis"), "") << text;
}

// Raises the process's log level for a test and restores it.
class ScopedLogLevel {
 public:
  explicit ScopedLogLevel(LogLevel level) : previous_(GetLogLevel()) { SetLogLevel(level); }
  ~ScopedLogLevel() { SetLogLevel(previous_); }

 private:
  LogLevel previous_;
};

class HttpErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = EmbeddedConfig(dir_);
    config.max_body_bytes = 4096;
    server_ = TestServer::Start(config, [](server::App& app) {
      app.http().Route("GET", "/test/page", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("<!doctype html><title>t</title>", "text/html; charset=utf-8");
      });
      app.http().Route("POST", "/test/contract",
                       [](const httplib::Request& req, httplib::Response& res) {
                         auto doc = server::ParseJsonObject(req.body);
                         if (!doc.ok()) return server::WriteError(res, doc.status());
                         // A route that forgot its type check.
                         res.set_content((*doc)["name"].GetString(), "text/plain");
                       });
    });
    ASSERT_NE(server_, nullptr);
  }
  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(HttpErrorsTest, ARequestCannotForgeALogLine) {
  ScopedLogLevel debug(LogLevel::kDebug);  // the access log names every request's path
  StderrCapture log;
  const std::string forged = "2026-01-01T00:00:00.000Z ERROR req=- forged.cc:1] paid 1000000";
  auto res = server_->Client()->Get(
      "/ping%0A2026-01-01T00:00:00.000Z%20ERROR%20req=-%20forged.cc:1]%20paid%201000000");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  // httplib writes the access line after the response has gone out.
  const std::string text = log.TextHolding("/ping\\n" + forged);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.rfind(forged, 0), 0u) << "a forged line: " << line;
  }
  EXPECT_NE(text.find("/ping\\n" + forged), std::string::npos) << text;
}

TEST_F(HttpErrorsTest, AMerchantIdThatIsNotDigitsIsNotFoundAndWritesNothing) {
  for (const char* path : {"/wechatpay/v3/notify/abc", "/wechatpay/v3/notify/1900%0A000001",
                           "/wechatpay/v3/notify/1900000001x", "/wechatpay/v3/notify/%20",
                           "/wechatpay/v3/notify/123456789012345678901234567890123",
                           "/wechatpay/v3/notify/1900000001"}) {
    auto res = server_->Client()->Post(path,
                                       {{"Wechatpay-Serial", "5157F09EFDC096DE15EBE81A47057A72"},
                                        {"Wechatpay-Timestamp", "1554208460"},
                                        {"Wechatpay-Nonce", "593BEC0C930BF1AFEB40B4A08C8FB242"},
                                        {"Wechatpay-Signature", "c2lnbmF0dXJl"}},
                                       R"({"id":"n1","resource":{}})", "application/json");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path << ": " << res->body;
    EXPECT_EQ(CodeOf(res->body), "FAIL") << path;
  }
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<db::Row>> rows = (*conn)->Query("SELECT COUNT(*) FROM payment_notifications");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_F(HttpErrorsTest, ABrokenRapidJsonContractIsA500NotACrash) {
  StderrCapture log;
  auto res = server_->Client()->Post("/test/contract", {{"X-Request-Id", "req-contract-1"}},
                                     R"({"name":7})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(CodeOf(res->body), "INTERNAL");
  EXPECT_NE(LogLineOf(log.Text(), "req-contract-1", "rapidjson contract"), "") << log.Text();
  auto fine = server_->Client()->Post("/test/contract", R"({"name":"ok"})", "application/json");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->body, "ok");
}

void ExpectSecurityHeaders(const httplib::Response& res, const std::string& what) {
  EXPECT_EQ(res.get_header_value("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(res.get_header_value("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'")
      << what;
  EXPECT_EQ(res.get_header_value("X-Frame-Options"), "DENY") << what;
  EXPECT_EQ(res.get_header_value("Referrer-Policy"), "no-referrer") << what;
  EXPECT_EQ(res.get_header_value_count("Content-Security-Policy"), 1u) << what;
}

TEST_F(HttpErrorsTest, SecurityHeadersOnEveryKindOfResponse) {
  auto client = server_->Client();
  auto json = client->Get("/ping");
  ASSERT_TRUE(json);
  ExpectSecurityHeaders(*json, "200 JSON");
  auto not_found = client->Get("/no/such/route");
  ASSERT_TRUE(not_found);
  ExpectSecurityHeaders(*not_found, "404");
  auto unauthenticated = client->Get("/api/console/me");
  ASSERT_TRUE(unauthenticated);
  EXPECT_EQ(unauthenticated->status, 401);
  ExpectSecurityHeaders(*unauthenticated, "401 from a route");
  auto too_large =
      server_->Client()->Post("/api/console/login", std::string(5000, ' '), "application/json");
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  ExpectSecurityHeaders(*too_large, "413");

  // An HTML page gets a policy that lets it load from its own origin, and nothing frames it.
  auto page = client->Get("/test/page");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->get_header_value_count("Content-Security-Policy"), 1u);
  const std::string policy = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(policy.find("default-src 'self'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");

  // A request httplib cannot parse at all.
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send("NONSENSE\r\n\r\n"));
  const std::string answer = raw.ReadUntilClosed(std::chrono::seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  for (const char* header : {"X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
                             "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
                             "Referrer-Policy: no-referrer"}) {
    EXPECT_NE(answer.find(header), std::string::npos) << header << " in " << answer;
  }
}

}  // namespace
}  // namespace mileage
