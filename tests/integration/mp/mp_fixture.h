#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "members/member_login.h"
#include "tests/support/private_redis.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {

// An HTTP answer with its parsed JSON body (null when the body is empty or not JSON).
struct MpReply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  rapidjson::Document json;

  // The "code" of an error body, or "".
  std::string code() const;
  std::string Text(const char* field) const;
  std::string Header(const std::string& name) const;
};

// A member signed in through the mini-program login: the session token and the member's id.
struct SignedIn {
  std::string token;
  int64_t id = 0;
};

// The member API against a real in-process server and the WeChat sandbox (which answers
// code2Session and delivers payment notifications), on the backend under test: SQLite with the
// in-process Kv, or MariaDB with a Redis of the test's own. The server's clock is a FakeClock
// started at the real time (the sandbox signs notifications with the real time, which the
// server checks within 300 s); tests move it forward for expiry. The organisation: one brand
// with a store whose merchant is the sandbox's 1900000001 (with the API key the sandbox
// generated, so the server can create orders), the sandbox's mini-program kAppid registered
// with its secret, and a brand admin `admin`.
class MpTest : public ::testing::TestWithParam<Backend> {
 protected:
  static constexpr const char* kAppid = "wx8888888888888888";
  static constexpr const char* kSecret = "sandbox-secret";
  static constexpr const char* kMchid = "1900000001";
  static constexpr const char* kPassword = "pass-word-123";

  void SetUp() override;
  void TearDown() override;

  // (Re)starts the server on the same database and Kv with these limits and options.
  void StartServer(const members::MemberLoginLimits& limits = {},
                   const std::function<void(Config&)>& customize = {});

  // POST /api/mp/login {"appid","code"} from a loopback address of the caller's choice (the
  // client socket is bound to it).
  MpReply Login(const std::string& code, const std::string& appid = kAppid,
                const std::string& from = "127.0.0.1");
  // The token of a successful login; fails the test otherwise.
  std::string TokenOf(const std::string& code);
  // The token and member id of a successful login; fails the test otherwise.
  SignedIn SignIn(const std::string& code);
  // GET, PATCH, PUT and DELETE as named; any other method is sent as POST.
  MpReply Send(const std::string& method, const std::string& path, const std::string& token,
               const std::string& body = "", const std::string& from = "127.0.0.1");
  MpReply Me(const std::string& token) { return Send("GET", "/api/mp/me", token); }
  // A console token of the brand admin.
  std::string StaffToken();

  // The sandbox pays `amount_fen` for the WeChat user of wx.login code `code` and notifies the
  // server; waits until the server accepted the notification.
  void Pay(const std::string& code, int64_t amount_fen);

  // The openid and unionid the sandbox gives the user of `code` in kAppid.
  static std::string OpenidOf(const std::string& code);
  static std::string UnionidOf(const std::string& code);

  int64_t Scalar(const std::string& sql) { return database_->Scalar(sql); }
  // Row counts of every table a login or a member request could write, to prove that a refused
  // request wrote nothing.
  std::map<std::string, int64_t> Written();
  // How many times the sandbox answered code2Session for kAppid.
  int64_t Code2SessionCalls();

  server::App& app() { return server_->app(); }

  FakeClock clock_{std::chrono::system_clock::now()};
  FakeRandom random_{5};
  TempDir dir_;
  std::unique_ptr<RunningSandbox> sandbox_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<PrivateRedis> redis_;
  std::unique_ptr<TestServer> server_;
  Config config_;
  int64_t brand_ = 0, store_ = 0, app_ = 0;

 private:
  void BuildOrg();
};

#define MILEAGE_MP_TEST_SUITE(suite)                                               \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                        \
                           ::testing::Values(::mileage::testing::Backend::kSqlite, \
                                             ::mileage::testing::Backend::kMysql), \
                           ::mileage::testing::BackendName)

}  // namespace mileage::testing
