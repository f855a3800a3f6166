#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <string>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "db/db.h"
#include "org/org_module.h"
#include "tests/support/private_redis.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "tests/support/wechatpay_notifier.h"

namespace mileage::testing {

// An HTTP answer with its parsed JSON body (null when the body is empty or not JSON).
struct Reply {
  int status = 0;
  std::string body;
  rapidjson::Document json;

  // The "code" of an error body, or "".
  std::string code() const;
  // The ids of {"items":[...]} of a list answer.
  std::vector<int64_t> ItemIds() const;
};

// The organisation every console test starts from (created through the org services as the
// operator), with a staff account of every role:
//   brand B:  region R1: dealer A  (stores A1, A2), dealer A2 (store A3)
//             region R2: dealer B  (store B1)
//   the brand's app kAppid; merchants: MA1 (kMchid) at store A1, MB1 (kOtherMchid) at store
//   B1, both registered with WechatPayNotifier's keys so that tests can pay there; partner P of
//   the brand.
struct OrgTree {
  int64_t brand = 0;
  int64_t region1 = 0, region2 = 0;
  int64_t dealer_a = 0, dealer_a2 = 0, dealer_b = 0;
  int64_t store_a1 = 0, store_a2 = 0, store_a3 = 0, store_b1 = 0;
  int64_t app = 0;
  int64_t merchant_a1 = 0, merchant_b1 = 0;
  int64_t partner = 0;
  // Staff ids by username: admin, region1_manager, region2_manager, dealer_a_manager,
  // dealer_b_manager, clerk_a1, clerk_b1, analyst_a, analyst_brand.
  std::map<std::string, int64_t> staff;
};

// A real in-process server on a fresh database of the backend under test, the OrgTree, an
// injected FakeClock and a cheap scrypt setting. The SQLite variant uses the in-process Kv
// (which follows the FakeClock); the MySQL variant uses MariaDB with a Redis server of the
// test's own (PrivateRedis), so every console suite also runs on the production pair.
class ConsoleTest : public ::testing::TestWithParam<Backend> {
 protected:
  static constexpr const char* kPassword = "pass-word-123";
  static constexpr const char* kDataKey =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  void SetUp() override;
  void TearDown() override;

  // Starts the server (SetUp does, with the default login limits and session truth cache).
  void StartServer(const org::LoginLimits& limits = {});
  void StartServer(const server::AppOptions& overrides);

  Reply Send(const std::string& method, const std::string& path, const std::string& token,
             const std::string& body = "");
  Reply Get(const std::string& path, const std::string& token) { return Send("GET", path, token); }
  Reply Post(const std::string& path, const std::string& token, const std::string& body = "{}") {
    return Send("POST", path, token, body);
  }
  Reply Patch(const std::string& path, const std::string& token, const std::string& body) {
    return Send("PATCH", path, token, body);
  }
  Reply Put(const std::string& path, const std::string& token, const std::string& body) {
    return Send("PUT", path, token, body);
  }
  Reply LoginReply(const std::string& username, const std::string& password);
  // A login sent from `from` (a loopback address such as "127.0.0.2": the client socket is
  // bound to it) with an optional body member "brand_id"; the answer's headers in `headers`.
  Reply LoginFrom(const std::string& from, const std::string& username, const std::string& password,
                  std::optional<int64_t> brand_id = std::nullopt,
                  httplib::Headers* headers = nullptr, const httplib::Headers& extra = {});
  // The token of `username` (logging in on first use); fails the test when login fails.
  const std::string& Token(const std::string& username);

  // A payment of `amount_fen` by `openid` through merchant `mchid`, notified as WeChat Pay
  // would; fails the test unless the server answers 204.
  void Pay(const std::string& mchid, const std::string& transaction_id, const std::string& openid,
           int64_t amount_fen);
  // A successful refund of `refund_fen` of a payment of `total_fen`.
  void RefundPayment(const std::string& mchid, const std::string& refund_id,
                     const std::string& transaction_id, int64_t refund_fen, int64_t total_fen);
  // The id of the member with the openid (0 when none).
  int64_t MemberIdOf(const std::string& openid);

  // Rows of every org table (and of the earning rules, payments, coupons and the outbox), to
  // prove that a refused request wrote nothing.
  std::map<std::string, int64_t> RowCounts();
  int64_t AuditRows() { return RowCounts()["audit_log"]; }

  org::OrgModule& org() { return server_->app().org(); }
  kv::Kv& kv() { return server_->app().kv(); }

  FakeClock clock_;
  FakeRandom random_{7};
  FakeRandom notifier_random_{11};  // the test thread's own: the server draws from random_
  std::unique_ptr<WechatPayNotifier> notifier_;
  OrgTree tree_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<PrivateMysqlDatabase> mysql_;
  std::unique_ptr<PrivateRedis> redis_;
  std::unique_ptr<TestServer> server_;
  std::map<std::string, std::string> tokens_;
  Config config_;

 private:
  void BuildTree();
};

#define MILEAGE_CONSOLE_TEST_SUITE(suite)                                          \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                        \
                           ::testing::Values(::mileage::testing::Backend::kSqlite, \
                                             ::mileage::testing::Backend::kMysql), \
                           ::mileage::testing::BackendName)

}  // namespace mileage::testing
