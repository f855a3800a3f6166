// Issue 14's proof for claims: the race of claim_race.h (stock 1,000, per-member limit 2, 3,000
// members claiming 3 times each at once) through a round-robin balancer over three `mileage
// serve` processes on one MariaDB and one Redis, with faults: a node is killed with SIGKILL
// (requests it held are answered 502 and retried; the balancer sends new ones to the others),
// Redis is stopped and started empty, and the node comes back. With MILEAGE_TEST_GALERA_URLS
// each node uses its own Galera node and one Galera node is killed with SIGKILL too. The end
// state must be the single-node one: exactly 1,000 issued, nobody above the limit, every 201
// a coupon of the member who claimed; a claim whose answer died with its node may have issued
// one coupon more to that member, never more. MariaDB only.
#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "tests/integration/coupons/claim_race.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/support/mileage_nodes.h"
#include "tests/support/private_redis.h"
#include "tests/support/running_sandbox.h"

namespace mileage::testing {
namespace {

constexpr int kNodes = 3;
constexpr const char* kDataKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class MultiNodeClaimRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    galera_ = GaleraFromEnvironment();
    if (galera_.enabled()) setenv("MILEAGE_TEST_MYSQL_URL", galera_.urls[0].c_str(), 1);
    database_ = TestDatabase::Open(Backend::kMysql);
    if (database_ == nullptr) return;
    sandbox_ = std::make_unique<RunningSandbox>();
    ASSERT_TRUE(sandbox_->ok());
    ASSERT_EQ(redis_.Start(), "");
    // A build with job leases drains on SIGTERM (drain_s): not at the end of this test.
    const bool draining = TableExists(*database_, "job_leases");
    for (int i = 0; i < kNodes; ++i) {
      NodeConfig config;
      config.database = galera_.NodeDatabase(i, database_->url());
      config.kv = redis_.url();
      config.wechat_base_url = sandbox_->url();
      config.data_key = kDataKey;
      // The members' addresses come through the balancer (the login limits count per address).
      config.trusted_proxies = {"127.0.0.1"};
      if (draining) config.drain_s = 0;
      nodes_.Add(config);
    }
  }
  void TearDown() override {
    balancer_.reset();
    nodes_.KillAll();  // before their database is dropped
    database_.reset();
  }

  std::string Admin(std::vector<std::string> args) {
    return RunAdmin(MILEAGE_BINARY, nodes_.config_path(0), std::move(args));
  }

  // The faults, at points of the run measured in claims answered: node 3 is killed, Redis
  // restarts empty, node 3 comes back, and (on Galera) Galera node 2 dies.
  void InjectFaults(Race& race, const std::atomic<bool>& stop) {
    const auto await = [&](int answered) {
      while (!stop.load() && race.done.load() < answered) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return !stop.load();
    };
    if (!await(kTotal / 6)) return;
    nodes_.Kill(kNodes - 1);
    killed_ = true;
    if (!await(kTotal / 3)) return;
    redis_.Stop();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_EQ(redis_.Start(), "");
    race.restarted.store(true);
    if (!await(kTotal / 2)) return;
    EXPECT_EQ(nodes_.Start(kNodes - 1), "");
    if (!galera_.enabled() || !await(kTotal * 2 / 3)) return;
    ASSERT_GT(galera_.pids.size(), 1u) << "MILEAGE_TEST_GALERA_PIDS names no pid for node 2";
    kill(galera_.pids[1], SIGKILL);
    galera_killed_ = 1;
  }

  GaleraCluster galera_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<RunningSandbox> sandbox_;
  PrivateRedis redis_;
  TempDir dir_;
  MileageNodes nodes_{MILEAGE_BINARY};
  std::unique_ptr<NodeBalancer> balancer_;
  bool killed_ = false;
  int galera_killed_ = -1;
};

TEST_F(MultiNodeClaimRaceTest, ThroughThreeNodesWithFaultsExactlyTheTotalIsIssued) {
  if (database_ == nullptr) return;
  const auto started = std::chrono::steady_clock::now();
  const std::string brand =
      Bootstrap([this](std::vector<std::string> args) { return Admin(std::move(args)); }, dir_);
  const std::string failed = nodes_.StartAll();
  ASSERT_EQ(failed, "");
  balancer_ = std::make_unique<NodeBalancer>(nodes_.ports(), 64);
  const int64_t stock = CreateStock(balancer_->port(), brand);
  ASSERT_GT(stock, 0);

  Race race;
  race.database_faults = galera_.enabled();
  std::atomic<bool> stop{false};
  std::thread faults([&] { InjectFaults(race, stop); });
  race.Run({balancer_->port()}, stock);
  stop.store(true);
  faults.join();
  EXPECT_EQ(race.failed_logins.load(), 0);
  EXPECT_TRUE(killed_);
  EXPECT_TRUE(race.restarted.load());
  if (galera_.enabled()) {
    EXPECT_EQ(galera_killed_, 1);
  }

  Seen seen = CheckAnswers(race.outcomes);
  CheckDatabase(*database_, stock, seen);
  EXPECT_GT(seen.granted_after_restart, 0) << "claims did not resume after Redis came back";
  const std::vector<int> answered = balancer_->answered();
  for (int i = 0; i < kNodes; ++i) EXPECT_GT(answered[i], 0) << "node " << i + 1;
  EXPECT_GT(balancer_->refused(), 0) << "the kill met no traffic";
  int unanswered = 0;
  for (const auto& [member, count] : seen.unanswered) unanswered += count;
  std::cout << "claims: " << seen.granted << " x 201, " << seen.refusals["SOLD_OUT"]
            << " x SOLD_OUT, " << seen.refusals["LIMIT_REACHED"]
            << " x LIMIT_REACHED; balancer answered per node " << ::testing::PrintToString(answered)
            << ", " << balancer_->refused() << " refused connections and "
            << balancer_->unavailable() << " 5xx sent on to the next node, " << balancer_->failed()
            << " x 502/503 from the balancer; " << unanswered << " claim attempts unanswered; "
            << race.outages.load() << " attempts retried; "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s" << (galera_.enabled() ? " on Galera" : "") << std::endl;
  balancer_.reset();
  // A node whose Galera node is gone may not stop cleanly; the others must.
  EXPECT_EQ(nodes_.TerminateAllCleanly(galera_killed_), "");
  if (HasFailure()) std::cout << nodes_.LogTails();
}

}  // namespace
}  // namespace mileage::testing
