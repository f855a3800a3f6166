// Crash safety: `mileage serve` (a real process) is killed with SIGKILL again and again while
// the sandbox delivers payment and refund notifications to it, and restarted each time; WeChat's
// retries (the sandbox's, scaled) finish the job. The end state must be what a run without
// kills gives: every payment once, one member per payer, balances as payments and refunds
// imply, a ledger with exactly their journals, every delivery acknowledged, and one reward
// coupon per qualifying payment (voided by the refunds that take it below the rule).
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/payments/payments_checks.h"
#include "tests/support/console_calls.h"
#include "tests/support/free_port.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {
namespace {

constexpr const char* kMchid = "1900000001";

class CrashTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(GetParam());
    if (database_ == nullptr) return;
    port_ = FreeLoopbackPort();
    std::ofstream(dir_.path() / "config.json")
        << R"({"drain_s":0,"listen":"127.0.0.1:)" << port_ << R"(","database":")" << database_->url()
        << R"(","kv":"memory","log_level":"warn","data_key":")"
        << "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        << R"("})";
  }

  std::string Config() const { return (dir_.path() / "config.json").string(); }

  std::string Admin(std::vector<std::string> args) {
    return RunAdmin(MILEAGE_BINARY, Config(), std::move(args));
  }

  std::unique_ptr<Subprocess> StartServer() {
    auto server = std::make_unique<Subprocess>(
        std::vector<std::string>{MILEAGE_BINARY, "serve", "--config", Config()});
    EXPECT_TRUE(server->WaitForStdout("listening", std::chrono::seconds(60)))
        << server->stderr_text();
    return server;
  }

  int64_t Scalar(const std::string& sql) { return database_->Scalar(sql); }

  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  int port_ = 0;
};

TEST_P(CrashTest, KilledAndRestartedWhileDeliveringEndsInTheSameState) {
  RunningSandbox sandbox([&](wechat::sandbox::SandboxConfig& config) {
    config.merchants = {
        {kMchid, "wx8888888888888888", "",
         "http://127.0.0.1:" + std::to_string(port_) + "/wechatpay/v3/notify/" + kMchid, "", ""}};
    config.delivery_timeout_ms = 2000;
  });
  ASSERT_TRUE(sandbox.ok());
  MerchantExport exported = sandbox.Export(kMchid);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir_.path() / name) << text;
    return (dir_.path() / name).string();
  };
  const std::string brand = Admin({"create-brand", "--name", "Brand"});
  const std::string region = Admin({"create-region", "--brand", brand, "--name", "Region"});
  const std::string dealer = Admin({"create-dealer", "--region", region, "--name", "Dealer"});
  const std::string store = Admin({"create-store", "--dealer", dealer, "--name", "Store"});
  Admin({"add-app", "--brand", brand, "--appid", exported.appid, "--kind", "miniprogram", "--name",
         "Mini"});
  Admin({"add-merchant", "--store", store, "--mchid", kMchid, "--appid", exported.appid,
         "--apiv3-key-file", write("apiv3.key", exported.apiv3_key), "--platform-key",
         exported.certificate_serial + "=" + write("cert.pem", exported.certificate_pem),
         "--platform-key",
         exported.public_key_id + "=" + write("public_key.pem", exported.public_key_pem)});

  Admin({"create-user", "--username", "admin", "--role", "brand_admin", "--scope-type", "brand",
         "--scope-id", brand, "--password-file", write("password", "pass-word-123")});

  std::unique_ptr<Subprocess> server = StartServer();
  // A reward coupon for every payment of 150 yuan or more, through the console as staff make it.
  constexpr int64_t kRewardMinimum = 15000;
  httplib::Client console("127.0.0.1", port_);
  const int64_t reward = CreateActiveStock(
      console, ConsoleLogin(console, "admin", "pass-word-123"), std::stoll(brand),
      R"("name":"Reward","type":"cash","value_fen":2000,"valid_days":30,"total_quantity":1000,)"
      R"("per_member_limit":100,"channels":["payment"],"reward_min_amount_fen":)" +
          std::to_string(kRewardMinimum));
  ASSERT_GT(reward, 0);
  constexpr int kPayments = 200;
  constexpr int kPayers = 50;
  std::map<std::string, int64_t> expected;
  std::vector<int64_t> amounts(kPayments), refunded(kPayments, 0);
  std::vector<std::string> openids(kPayments);
  for (int k = 0; k < kPayments; ++k) {
    amounts[k] = 100 + (static_cast<int64_t>(k) * 7919) % 30000;
    openids[k] = "crash-payer-" + std::to_string(k % kPayers);
    if (k % 5 == 0) refunded[k] = amounts[k] / 2;
  }
  // Payments and refunds keep coming while the server is killed and restarted.
  std::thread payer([&] {
    for (int k = 0; k < kPayments; ++k) {
      rapidjson::Document paid = sandbox.PostJson(
          "/sandbox/payments", R"({"amount":)" + std::to_string(amounts[k]) + R"(,"openid":")" +
                                   openids[k] + R"(","out_trade_no":"CRASH)" + std::to_string(k) +
                                   R"("})");
      EXPECT_TRUE(paid.IsObject());
      if (refunded[k] > 0) {
        rapidjson::Document refund = sandbox.PostJson(
            "/sandbox/refunds", R"({"out_trade_no":"CRASH)" + std::to_string(k) + R"(","amount":)" +
                                    std::to_string(refunded[k]) + "}");
        EXPECT_TRUE(refund.IsObject());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  int kills = 0;
  for (; kills < 10; ++kills) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server->Signal(SIGKILL);
    server->Wait(std::chrono::seconds(10));
    server = StartServer();
  }
  payer.join();
  // Every delivery acknowledged in the end; some needed a retry (the kills hit them).
  DeliveryTally tally = AwaitDeliveries(sandbox, "", std::chrono::minutes(5));
  const int refunds = kPayments / 5;
  EXPECT_EQ(tally.states["pending"], 0);
  EXPECT_EQ(tally.states["delivered"], kPayments + refunds);
  EXPECT_EQ(kills, 10);
  EXPECT_GT(tally.retried, 0) << "no delivery was interrupted by a kill";

  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), kPayments);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_refunds WHERE applied = 1"), refunds);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), kPayers);
  // Balances as the payments and refunds imply (floor of earned x refunded share), and a
  // ledger with exactly their journals: one per payment, one per refund that takes back a
  // point; members hold what was earned and not reversed, the brand owes it.
  int64_t earned = 0, reversed = 0, reversing = 0;
  for (int k = 0; k < kPayments; ++k) {
    expected[openids[k]] += PointsKept(amounts[k], refunded[k]);
    earned += PointsEarned(amounts[k]);
    reversed += PointsReversed(amounts[k], refunded[k]);
    if (PointsReversed(amounts[k], refunded[k]) > 0) ++reversing;
  }
  EXPECT_GT(reversing, 0);
  ExpectLedger(*database_, std::stoll(brand), kPayments, earned, reversing, reversed);
  int wrong = 0;
  for (const auto& [openid, points] : expected) {
    const int64_t balance = BalanceOfOpenid(*database_, openid);
    if (balance != points && ++wrong <= 5) {
      ADD_FAILURE() << openid << " has " << balance << " points, expected " << points;
    }
  }
  EXPECT_EQ(wrong, 0);

  // The reward coupons: one per payment of at least the minimum, however often the delivery was
  // cut by a kill; voided when its refund took the payment below the minimum.
  const auto rewards = RewardsByPayment(*database_, reward);
  int qualifying = 0, voided = 0;
  for (int k = 0; k < kPayments; ++k) {
    const std::string out_trade_no = "CRASH" + std::to_string(k);
    const auto found = rewards.find(out_trade_no);
    if (amounts[k] < kRewardMinimum) {
      EXPECT_EQ(found, rewards.end()) << out_trade_no << " earned a reward below the minimum";
      continue;
    }
    ++qualifying;
    ASSERT_NE(found, rewards.end()) << out_trade_no << " has no reward";
    ASSERT_EQ(found->second.size(), 1u) << out_trade_no;
    const bool below_after_refund = amounts[k] - refunded[k] < kRewardMinimum;
    if (below_after_refund) ++voided;
    EXPECT_EQ(found->second[0], below_after_refund ? "voided" : "issued") << out_trade_no;
  }
  EXPECT_GT(qualifying, 0);
  EXPECT_GT(voided, 0);
  EXPECT_EQ(rewards.size(), static_cast<size_t>(qualifying));

  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(std::chrono::seconds(30)), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         BackendName);

}  // namespace
}  // namespace mileage::testing
