#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "org/types.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "wechat/crypto/rsa.h"
#include "wechat/pay/notification_builder.h"

namespace mileage::testing {

// The two serials the test merchants are registered with: the platform certificate of the
// official Java SDK vectors and the WeChat Pay public key of the same key pair.
inline constexpr const char* kCertificateSerial = "440024045C4A427599D09BB4E3DE0279F2E813FD";
inline constexpr const char* kPublicKeyId = "PUB_KEY_ID_0114232134912410000000000000";
inline constexpr const char* kAppid = "wx8888888888888888";
inline constexpr const char* kMchid = "1900000001";
inline constexpr const char* kOtherMchid = "1900000002";

// A payment or refund as WeChat Pay reports it, for building notifications.
struct PaymentSpec {
  std::string transaction_id;
  std::string openid;
  int64_t amount_fen = 0;
  std::string mchid = kMchid;
  std::string trade_state = "SUCCESS";
};
struct RefundSpec {
  std::string refund_id;
  std::string transaction_id;
  int64_t refund_fen = 0;
  int64_t total_fen = 0;
  std::string event_type = "REFUND.SUCCESS";
  std::string mchid = kMchid;
};

// A real in-process server on a fresh database of the backend under test, with a brand, a
// region, a dealer, stores S1 (merchant kMchid) and S2 (merchant kOtherMchid), both registered
// with the certificate and the public key of the Java SDK vectors, and a FakeClock. Builds
// notifications signed as WeChat Pay would and reads the database directly to check state.
class PaymentsTest : public ::testing::TestWithParam<Backend> {
 protected:
  static constexpr const char* kApiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

  void SetUp() override;
  // Suites change the service config here (tiers, expiry) before the server starts.
  virtual void CustomizeConfig(Config&) {}
  void TearDown() override;

  // Registers a merchant at a store through the org module (as the system).
  void RegisterMerchant(int64_t store, const std::string& mchid, const std::string& appid,
                        const std::string& apiv3_key, std::vector<org::PlatformKey> keys);

  // A signed notification (by default under the certificate serial, notification id fresh).
  wechat::pay::SignedNotification Payment(const PaymentSpec& spec,
                                          const std::string& serial = kCertificateSerial);
  wechat::pay::SignedNotification Refund(const RefundSpec& spec);
  wechat::pay::SignedNotification Sign(const wechat::pay::NotificationSpec& spec,
                                       const std::string& serial = kCertificateSerial);
  // Posts to /wechatpay/v3/notify/{mchid}.
  httplib::Result Post(const wechat::pay::SignedNotification& n, const std::string& mchid = kMchid);

  int64_t Count(const std::string& table);
  int64_t Scalar(const std::string& sql);
  // The member's spendable balance (0 when the member has no account).
  int64_t BalanceOfOpenid(const std::string& openid);
  // The member's points debt (points::Balance::debt).
  int64_t DebtOf(int64_t member_id);
  // Every table the payment flow writes, with its row count: "table=N ..." for comparisons.
  std::string WrittenState();

  // Suites that talk to the sandbox (which signs with the real time) set it in their
  // constructor.
  bool real_clock_ = false;
  FakeClock clock_{TimePoint(std::chrono::seconds(1'795'000'000))};  // 2026-11-17
  FakeRandom random_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<TestServer> server_;
  Config config_;
  std::optional<wechat::crypto::RsaPrivateKey> wechatpay_key_;
  int64_t brand_ = 0, store1_ = 0, store2_ = 0;
  int notification_seq_ = 0;
};

#define MILEAGE_PAYMENTS_TEST_SUITE(suite)                                         \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                        \
                           ::testing::Values(::mileage::testing::Backend::kSqlite, \
                                             ::mileage::testing::Backend::kMysql), \
                           ::mileage::testing::BackendName)

}  // namespace mileage::testing
