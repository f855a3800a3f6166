// Issue 14's proof for payments: the workload of pay_at_scale_test.cc (1,000 payments by 300
// payers, each notification three times at once plus a tampered copy, refunds, probes) served
// by three `mileage serve` processes of this build on one MariaDB and one Redis behind a
// round-robin balancer, with faults while the sandbox delivers: the node that holds the jobs'
// lease (node 3 when there are no leases) is killed with SIGKILL, Redis is stopped and started
// empty, and the killed node comes back; when the database has job_leases (and so the nodes a
// node_id) it stays down instead and its leases must pass to a live node within a minute. With
// MILEAGE_TEST_GALERA_URLS each node uses its own Galera node, and one Galera node is killed with
// SIGKILL as well (its Mileage node then fails and the balancer and WeChat's retries go to the
// others). The end state must be exactly the single-node run's, computed from the plan by the same
// checks. MariaDB only: SQLite is the one-process deployment.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/payments/pay_at_scale.h"
#include "tests/support/mileage_nodes.h"
#include "tests/support/private_redis.h"

namespace mileage::testing {
namespace {

constexpr int kNodes = 3;
// The job leases' lifetime (the smallest `job_lease_ttl_s` takes, 3 s, would expire under a
// loaded machine's pauses) and how long they may take to pass from a killed node to another
// (their expiry, 4/3 of it by docs/OPERATIONS.md, with a wide margin for the sanitizers).
constexpr int kLeaseTtl = 6;
constexpr std::chrono::seconds kLeaseTakeover{60};
constexpr const char* kDataKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class MultiNodePayAtScaleTest : public PayAtScaleTest {
 protected:
  void SetUp() override {
    galera_ = GaleraFromEnvironment();
    // The test's private database is made on the first Galera node; the cluster replicates it.
    if (galera_.enabled()) setenv("MILEAGE_TEST_MYSQL_URL", galera_.urls[0].c_str(), 1);
    PayAtScaleTest::SetUp();
    if (database_ == nullptr) return;
    ASSERT_EQ(redis_.Start(), "");
    leases_ = TableExists(*database_, "job_leases");
  }
  void TearDown() override {
    if (lease_watch_.joinable()) lease_watch_.join();
    balancer_.reset();
    nodes_.KillAll();  // before the fixture drops their database
    PayAtScaleTest::TearDown();
  }

  // Three nodes on the test's database (each on its own Galera node when there is a cluster),
  // sharing the private Redis; jobs run every 2 s when leases decide which node runs them.
  int StartNodes(RunningSandbox& sandbox) {
    for (int i = 0; i < kNodes; ++i) {
      NodeConfig config;
      config.database = galera_.NodeDatabase(i, database_->url());
      config.kv = redis_.url();
      config.wechat_base_url = sandbox.url();
      config.data_key = kDataKey;
      config.trusted_proxies = {"127.0.0.1"};
      if (leases_) {  // a build with job leases, node ids and draining
        config.node_id = "node-" + std::to_string(i + 1);
        config.jobs_interval_s = 2;
        config.job_lease_ttl_s = kLeaseTtl;
        config.drain_s = 0;
      }
      nodes_.Add(config);
    }
    const std::string failed = nodes_.StartAll();
    EXPECT_EQ(failed, "");
    if (!failed.empty()) return 0;
    balancer_ = std::make_unique<NodeBalancer>(nodes_.ports());
    return balancer_->port();
  }

  // The node to kill: the one that holds a lease when there are leases, else the last.
  int NodeToKill() {
    if (!leases_) return kNodes - 1;
    for (const std::string& holder : LeaseHolders(*database_)) {
      for (int i = 0; i < kNodes; ++i) {
        if (holder == nodes_.config(i).node_id) return i;
      }
    }
    return kNodes - 1;
  }

  // From the kill on: waits (kLeaseTakeover at most) until every job lease is held, and by a
  // node other than the killed one (which stays down when there are leases).
  void WatchLeases(const std::string& killed_id) {
    const auto deadline = std::chrono::steady_clock::now() + kLeaseTakeover;
    for (;;) {
      const std::vector<std::string> holders = LeaseHolders(*database_);
      const bool moved =
          !holders.empty() &&
          std::none_of(holders.begin(), holders.end(), [&](const std::string& holder) {
            return holder.empty() || holder == killed_id;
          });
      if (moved) {
        leases_moved_ = true;
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        ADD_FAILURE() << "job leases held by " << ::testing::PrintToString(holders) << " "
                      << kLeaseTakeover.count() << " s after " << killed_id << " was killed";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // Blocks until `count` payments are recorded or `stop` is set; false when stopped.
  bool AwaitPayments(int64_t count, const std::atomic<bool>& stop) {
    while (!stop.load()) {
      if (Count("payment_transactions") >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // The faults, at points of the run measured in payments recorded: a node is killed (the
  // lease holder when there are leases), Redis restarts empty, the node comes back (not when
  // there are leases: its lease must pass to another), a Galera node dies (on Galera).
  void InjectFaults(const std::atomic<bool>& stop) {
    if (!AwaitPayments(250, stop)) return;
    killed_ = NodeToKill();
    nodes_.Kill(killed_);
    std::cout << "killed node " << killed_ + 1 << " at " << Count("payment_transactions")
              << " payments" << std::endl;
    if (leases_) {
      lease_watch_ = std::thread([this, id = nodes_.config(killed_).node_id] { WatchLeases(id); });
    }
    if (!AwaitPayments(450, stop)) return;
    redis_.Stop();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_EQ(redis_.Start(), "");
    redis_restarted_ = true;
    if (!leases_) {
      if (!AwaitPayments(600, stop)) return;
      EXPECT_EQ(nodes_.Start(killed_), "");
      restarted_ = true;
    }
    if (!galera_.enabled() || !AwaitPayments(750, stop)) return;
    // Not the test's own Galera node (the first), nor the killed node's.
    galera_killed_ = killed_ == 1 ? 2 : 1;
    if (static_cast<size_t>(galera_killed_) < galera_.pids.size()) {
      kill(galera_.pids[galera_killed_], SIGKILL);
      std::cout << "killed Galera node " << galera_killed_ + 1 << std::endl;
    } else {
      ADD_FAILURE() << "MILEAGE_TEST_GALERA_PIDS names no pid for Galera node "
                    << galera_killed_ + 1;
      galera_killed_ = -1;
    }
  }

  GaleraCluster galera_;
  PrivateRedis redis_;
  MileageNodes nodes_{MILEAGE_BINARY};
  std::unique_ptr<NodeBalancer> balancer_;
  bool leases_ = false;
  int killed_ = -1;
  int galera_killed_ = -1;
  bool redis_restarted_ = false;
  bool restarted_ = false;
  std::thread lease_watch_;
  std::atomic<bool> leases_moved_{false};
};

TEST_P(MultiNodePayAtScaleTest, ThreeNodesWithAKillAndARedisRestartEndInTheSingleNodeState) {
  std::atomic<bool> stop{false};
  std::thread faults;
  const auto started = std::chrono::steady_clock::now();
  RunAndCheck(
      [&](RunningSandbox& sandbox) {
        const int port = StartNodes(sandbox);
        faults = std::thread([&] { InjectFaults(stop); });
        return port;
      },
      Faults{true});
  stop.store(true);
  if (faults.joinable()) faults.join();
  if (lease_watch_.joinable()) lease_watch_.join();
  ASSERT_NE(balancer_, nullptr);
  const std::vector<int> answered = balancer_->answered();
  for (int i = 0; i < kNodes; ++i) EXPECT_GT(answered[i], 0) << "node " << i + 1;
  EXPECT_GT(balancer_->refused(), 0) << "the kill met no traffic";
  std::cout << "balancer: answered per node " << ::testing::PrintToString(answered) << ", "
            << balancer_->refused() << " refused connections and " << balancer_->unavailable()
            << " 5xx sent on to the next node, " << balancer_->failed()
            << " x 502/503 from the balancer" << std::endl;
  balancer_.reset();
  if (galera_.enabled()) {
    std::cout << "transactions rolled back by another Galera node's write without an error, "
                 "caught at COMMIT and retried: "
              << nodes_.CountInLogs("Galera brute-force abort") << std::endl;
  }
  EXPECT_GE(killed_, 0) << "the run ended before the kill";
  EXPECT_TRUE(redis_restarted_);
  if (leases_) {
    EXPECT_TRUE(leases_moved_.load());
  } else {
    EXPECT_TRUE(restarted_) << "the killed node did not come back during the run";
  }
  if (galera_.enabled()) {
    EXPECT_GE(galera_killed_, 0);
  }
  // A node whose Galera node is gone may not stop cleanly; the others must.
  EXPECT_EQ(nodes_.TerminateAllCleanly(galera_killed_), "");
  if (HasFailure()) std::cout << nodes_.LogTails();
  std::cout << "multi-node pay at scale: "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s" << (leases_ ? ", leases checked" : ", no job_leases table")
            << (galera_.enabled() ? ", on Galera" : "") << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Backends, MultiNodePayAtScaleTest,
                         ::testing::Values(::mileage::testing::Backend::kMysql),
                         ::mileage::testing::BackendName);

}  // namespace
}  // namespace mileage::testing
