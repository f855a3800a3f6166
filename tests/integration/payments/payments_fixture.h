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
#include "tests/support/wechatpay_notifier.h"

namespace mileage::testing {

// A real in-process server on a fresh database of the backend under test, with a brand (its
// app kAppid), a region, a dealer, stores S1 (merchant kMchid) and S2 (merchant kOtherMchid),
// both registered with the certificate and the public key of the Java SDK vectors, and a
// FakeClock. Builds
// notifications signed as WeChat Pay would and reads the database directly to check state.
class PaymentsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  // Suites change the service config here (tiers, expiry) before the server starts.
  virtual void CustomizeConfig(Config&) {}
  void TearDown() override;

  // Registers a WeChat app of a brand through the org module (as the system).
  void RegisterApp(int64_t brand, const std::string& appid);
  // Registers a merchant at a store through the org module (as the system).
  void RegisterMerchant(int64_t store, const std::string& mchid, const std::string& appid,
                        const std::string& apiv3_key, std::vector<org::PlatformKey> keys);

  // Signed notifications (WechatPayNotifier).
  wechat::pay::SignedNotification Payment(const PaymentSpec& spec,
                                          const std::string& serial = kCertificateSerial) {
    return notifier_->Payment(spec, serial);
  }
  wechat::pay::SignedNotification Refund(const RefundSpec& spec) { return notifier_->Refund(spec); }
  wechat::pay::SignedNotification Sign(const wechat::pay::NotificationSpec& spec,
                                       const std::string& serial = kCertificateSerial) {
    return notifier_->Sign(spec, serial);
  }
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
  std::unique_ptr<WechatPayNotifier> notifier_;
  int64_t brand_ = 0, store1_ = 0, store2_ = 0;
};

#define MILEAGE_PAYMENTS_TEST_SUITE(suite)                                         \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                        \
                           ::testing::Values(::mileage::testing::Backend::kSqlite, \
                                             ::mileage::testing::Backend::kMysql), \
                           ::mileage::testing::BackendName)

}  // namespace mileage::testing
