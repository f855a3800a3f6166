// `mileage admin fetch-platform-certificates` (the real binary) against the sandbox's
// /v3/certificates: a merchant registered with only the WeChat Pay public key gets the platform
// certificate WeChat signs with, and notifications signed with that certificate then verify.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "server/config_loader.h"
#include "tests/integration/payments/cli_deployment.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {
namespace {

constexpr const char* kMchid = "1900000001";

class PlatformCertificatesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(GetParam());
    if (database_ == nullptr) return;
    // The sandbox signs answers and notifications with its certificate only.
    sandbox_ = std::make_unique<RunningSandbox>([](wechat::sandbox::SandboxConfig& config) {
      config.key_mode = wechat::sandbox::KeyMode::kCertificate;
      config.retry_scale = 0.001;
    });
    ASSERT_TRUE(sandbox_->ok());
    exported_ = sandbox_->Export(kMchid);
    cli_ = std::make_unique<CliDeployment>(database_->url(), sandbox_->url());
    key_file_ = cli_->Write("merchant_key.pem", exported_.merchant_private_key_pem);
    cli_->Bootstrap(exported_, {exported_.public_key_id + "=" +
                                cli_->Write("public_key.pem", exported_.public_key_pem)});
  }

  CliDeployment::Run Fetch(const std::string& serial) {
    return cli_->Mileage({"admin", "fetch-platform-certificates", "--merchant", kMchid,
                          "--merchant-key-file", key_file_, "--merchant-serial", serial});
  }
  int64_t Keys() { return database_->Scalar("SELECT COUNT(*) FROM merchant_platform_keys"); }

  std::unique_ptr<CliDeployment> cli_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<RunningSandbox> sandbox_;
  MerchantExport exported_;
  std::string key_file_;
};

TEST_P(PlatformCertificatesTest, FetchedCertificatesVerifyTheNotificationsSignedWithThem) {
  if (database_ == nullptr) return;
  ASSERT_EQ(Keys(), 1);
  const int64_t audit = database_->Scalar("SELECT COUNT(*) FROM audit_log");

  // The merchant's API key must sign the request: a wrong serial is refused and adds nothing.
  CliDeployment::Run refused = Fetch("0123456789ABCDEF");
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_NE(refused.err.find("SIGN_ERROR"), std::string::npos) << refused.err;
  EXPECT_EQ(Keys(), 1);

  CliDeployment::Run fetched = Fetch(exported_.merchant_serial);
  ASSERT_EQ(fetched.code, 0) << fetched.err;
  EXPECT_EQ(fetched.out, "added " + exported_.certificate_serial + "\n");
  EXPECT_EQ(Keys(), 2);
  EXPECT_EQ(database_->Scalar("SELECT COUNT(*) FROM merchant_platform_keys WHERE serial = '" +
                              exported_.certificate_serial + "' AND retired_at = 0"),
            1);
  EXPECT_EQ(database_->Scalar("SELECT COUNT(*) FROM audit_log WHERE action = "
                              "'merchant.platform_key_add' AND staff_id IS NULL"),
            1);
  EXPECT_EQ(database_->Scalar("SELECT COUNT(*) FROM audit_log"), audit + 1);

  // Again: nothing new.
  CliDeployment::Run again = Fetch(exported_.merchant_serial);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "known " + exported_.certificate_serial + "\n");
  EXPECT_EQ(Keys(), 2);

  // A notification signed with the fetched certificate verifies and is applied.
  Result<mileage::Config> config = server::LoadConfigFile(cli_->Config());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::unique_ptr<TestServer> server = TestServer::Start(*config);
  ASSERT_NE(server, nullptr);
  rapidjson::Document paid = sandbox_->PostJson(
      "/sandbox/payments", R"({"amount":8800,"openid":"openid-fetched","notify_url":")" +
                               std::string("http://127.0.0.1:") + std::to_string(server->port()) +
                               "/wechatpay/v3/notify/" + kMchid + R"("})");
  ASSERT_TRUE(paid.IsObject() && paid.HasMember("delivery_id"));
  DeliveryView delivery = sandbox_->AwaitFinal(paid["delivery_id"].GetInt64());
  EXPECT_EQ(delivery.state, "delivered");
  ASSERT_FALSE(delivery.statuses.empty());
  EXPECT_EQ(delivery.statuses.front(), 204);
  EXPECT_EQ(BalanceOfOpenid(*database_, "openid-fetched"), 88);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlatformCertificatesTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
