// Claims never oversell, across server processes: the race of claim_race.h (a stock of 1,000
// with a per-member limit of 2, 3,000 members each claiming it 3 times at once) spread over 3
// `mileage serve` processes on one MariaDB and one Redis. Early in the run, Redis is stopped
// and restarted empty: sessions and login counters are gone, so requests are refused for a
// moment (503, then 401 until the client logs in again, as the mini-program does) and claims
// resume. On SQLite one process serves: the embedded Kv lives in its process (sessions would
// not be shared) and SQLite's group commit is per process; `mileage serve` on SQLite is the
// one-box deployment. multinode_claim_race_test.cc adds a balancer and killed nodes.

#include "tests/integration/coupons/claim_race.h"

#include <gtest/gtest.h>

#include <iostream>

#include "tests/support/free_port.h"
#include "tests/support/private_redis.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"

namespace mileage::testing {
namespace {

class ClaimRaceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(GetParam());
    if (database_ == nullptr) return;
    sandbox_ = std::make_unique<RunningSandbox>();
    ASSERT_TRUE(sandbox_->ok());
    if (GetParam() == Backend::kMysql) {
      redis_ = std::make_unique<PrivateRedis>();
      ASSERT_EQ(redis_->Start(), "");
    }
    const int processes = GetParam() == Backend::kMysql ? 3 : 1;
    for (int i = 0; i < processes; ++i) ports_.push_back(FreeLoopbackPort());
  }

  std::string WriteConfig(int port) {
    const std::string path = (dir_.path() / ("config-" + std::to_string(port) + ".json")).string();
    std::ofstream(path) << R"({"drain_s":0,"listen":"127.0.0.1:)" << port << R"(","database":")"
                        << database_->url() << R"(","kv":")"
                        << (redis_ != nullptr ? redis_->url() : "memory")
                        << R"(","log_level":"error","http_threads":24,"database_pool_size":8,)"
                        << R"("wechat_api_base_url":")" << sandbox_->url() << R"(","data_key":")"
                        << "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
                        << R"("})";
    return path;
  }

  std::string Admin(std::vector<std::string> args) {
    std::vector<std::string> argv = {MILEAGE_BINARY, "admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--config");
    argv.push_back(WriteConfig(ports_[0]));
    Subprocess admin(argv);
    EXPECT_EQ(admin.Wait(std::chrono::seconds(60)), 0) << admin.stderr_text();
    std::string out = admin.stdout_text();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<RunningSandbox> sandbox_;
  std::unique_ptr<PrivateRedis> redis_;
  std::vector<int> ports_;
};

TEST_P(ClaimRaceTest, ExactlyTheTotalIsIssuedAndNobodyPassesTheLimit) {
  const std::string brand =
      Bootstrap([this](std::vector<std::string> args) { return Admin(std::move(args)); }, dir_);
  std::vector<std::unique_ptr<Subprocess>> servers;
  for (int port : ports_) {
    servers.push_back(std::make_unique<Subprocess>(
        std::vector<std::string>{MILEAGE_BINARY, "serve", "--config", WriteConfig(port)}));
    ASSERT_TRUE(servers.back()->WaitForStdout("listening", std::chrono::seconds(60)))
        << servers.back()->stderr_text();
  }
  const int64_t stock = CreateStock(ports_[0], brand);
  ASSERT_GT(stock, 0);

  // The outage: Redis goes away after a third of the total was claimed (most claims are still to
  // come) and comes back empty. The servers' output is read meanwhile so that their logging
  // never blocks on a full pipe.
  Race race;
  std::atomic<bool> finished{false};
  std::thread pump([&] {
    bool stopped = false;
    while (!finished.load()) {
      for (auto& server : servers) server->Pump();
      if (redis_ != nullptr && !stopped && race.done.load() >= kTotal / 3) {
        redis_->Stop();
        stopped = true;
        const auto back = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (std::chrono::steady_clock::now() < back) {
          for (auto& server : servers) server->Pump();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_EQ(redis_->Start(), "");
        race.restarted.store(true);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  race.Run(ports_, stock);
  finished.store(true);
  pump.join();
  EXPECT_EQ(race.failed_logins.load(), 0);

  Seen seen = CheckAnswers(race.outcomes);
  CheckDatabase(*database_, stock, seen);
  std::cout << "claims: " << seen.granted << " x 201, " << seen.refusals["SOLD_OUT"]
            << " x SOLD_OUT, " << seen.refusals["LIMIT_REACHED"] << " x LIMIT_REACHED over "
            << servers.size()
            << " processes; refused by the outage and retried: " << race.outages.load()
            << "; 201 after Redis came back: " << seen.granted_after_restart << "\n";
  if (redis_ != nullptr) {
    EXPECT_TRUE(race.restarted.load());
    EXPECT_GT(race.outages.load(), 0) << "the outage refused nothing: it came too late";
    EXPECT_GT(seen.granted_after_restart, 0) << "claims did not resume after Redis came back";
  }
  for (auto& server : servers) {
    server->Signal(SIGTERM);
    EXPECT_EQ(server->Wait(std::chrono::seconds(30)), 0) << server->stderr_text();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ClaimRaceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
