// The committed deploy/haproxy.cfg in front of two nodes (in-process servers on one MariaDB and
// one Redis), as docs/OPERATIONS.md, "Several nodes" deploys them: requests through the
// balancer reach both nodes, and a node that drains (SIGTERM: /healthz 503 for drain_s, then
// it stops) is taken out by the health check with no request failing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/free_port.h"
#include "tests/support/private_redis.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {
namespace {

constexpr const char* kDataKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
// Longer than the committed health check needs to take a node out (inter 2s, fall 2).
constexpr int kDrainS = 8;

// The haproxy binary: MILEAGE_TEST_HAPROXY, else the first on PATH or in /usr/sbin; "".
std::string FindHaproxy() {
  if (const char* given = std::getenv("MILEAGE_TEST_HAPROXY"); given != nullptr && *given) {
    return given;
  }
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/local/sbin";
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find(':', start), path.size());
    const std::filesystem::path candidate =
        std::filesystem::path(path.substr(start, end - start)) / "haproxy";
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

// Whether `condition` held within `limit` (checked every 20 ms).
bool Within(std::chrono::seconds limit, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

class HaproxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    haproxy_ = FindHaproxy();
    if (haproxy_.empty()) {
      const char* allow = std::getenv("MILEAGE_TEST_ALLOW_SKIP");
      if (allow != nullptr && std::string(allow) == "1") GTEST_SKIP() << "haproxy is missing";
      FAIL() << "haproxy is missing (scripts/install-deps test installs it)";
    }
    database_ = TestDatabase::Open(Backend::kMysql);
    if (database_ == nullptr) return;
    redis_ = std::make_unique<PrivateRedis>();
    ASSERT_EQ(redis_->Start(), "") << "the test's Redis did not start";
    Config config = EmbeddedConfig(dir_);
    config.database = database_->url();
    config.kv = redis_->url();
    config.data_key = kDataKey;
    config.drain_s = kDrainS;
    a_ = StartNode(config, "A");
    b_ = StartNode(config, "B");
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);

    lb_port_ = FreeLoopbackPort();
    haproxy_process_ = std::make_unique<Subprocess>(std::vector<std::string>{
        "/usr/bin/env", "MILEAGE_LB_BIND=127.0.0.1:" + std::to_string(lb_port_),
        "MILEAGE_NODE1=127.0.0.1:" + std::to_string(a_->port()),
        "MILEAGE_NODE2=127.0.0.1:" + std::to_string(b_->port()), haproxy_, "-db", "-f",
        MILEAGE_HAPROXY_CFG});
    ASSERT_GT(haproxy_process_->pid(), 0);
    // Up when the balancer has passed requests to both nodes.
    std::map<std::string, int> seen;
    ASSERT_TRUE(Within(std::chrono::seconds(30),
                       [&] {
                         haproxy_process_->Pump();
                         std::string node;
                         if (Get("/test/node", &node) == 200) ++seen[node];
                         return seen.size() == 2;
                       }))
        << "the balancer never reached both nodes; haproxy said: "
        << haproxy_process_->stdout_text() << haproxy_process_->stderr_text();
  }
  void TearDown() override {
    haproxy_process_.reset();
    a_.reset();
    b_.reset();
    redis_.reset();
    database_.reset();
  }

  // A node whose GET /test/node answers its name.
  static std::unique_ptr<TestServer> StartNode(const Config& config, const std::string& name) {
    return TestServer::Start(config, [name](server::App& app) {
      app.http().Route("GET", "/test/node",
                       [name](const httplib::Request&, httplib::Response& res) {
                         res.set_content(name, "text/plain");
                       });
    });
  }

  // GET `path` through the balancer on a new connection: the status (0: no answer) and body.
  int Get(const std::string& path, std::string* body = nullptr) const {
    httplib::Client client("127.0.0.1", lb_port_);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(30, 0);
    httplib::Result res = client.Get(path.c_str());
    if (!res) return 0;
    if (body != nullptr) *body = res->body;
    return res->status;
  }

  std::string haproxy_;
  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<PrivateRedis> redis_;
  std::unique_ptr<TestServer> a_;
  std::unique_ptr<TestServer> b_;
  int lb_port_ = 0;
  std::unique_ptr<Subprocess> haproxy_process_;
};

TEST_F(HaproxyTest, RequestsThroughTheBalancerReachBothNodes) {
  std::map<std::string, int> answers;
  for (int i = 0; i < 40; ++i) {
    std::string node;
    ASSERT_EQ(Get("/test/node", &node), 200);
    ++answers[node];
  }
  EXPECT_EQ(Get("/healthz"), 200);
  // Round robin: each node answers about half.
  EXPECT_GE(answers["A"], 10);
  EXPECT_GE(answers["B"], 10);
  EXPECT_EQ(answers["A"] + answers["B"], 40);
}

// Two clients keep sending through the balancer (one on a kept-alive connection, one on a new
// connection each time) while node A drains: every request is answered 200, the health check
// marks A down before it stops accepting, and from then on B answers everything.
TEST_F(HaproxyTest, ADrainingNodeIsTakenOutWithNoFailedRequests) {
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::string, int> answered;  // by node name
  std::vector<std::string> failures;
  auto record = [&](const httplib::Result& res) {
    std::lock_guard lock(mu);
    if (!res) {
      failures.push_back("no answer: " + httplib::to_string(res.error()));
    } else if (res->status != 200) {
      failures.push_back(std::to_string(res->status) + " " + res->body);
    } else {
      ++answered[res->body];
    }
  };
  std::thread kept_alive([&] {
    httplib::Client client("127.0.0.1", lb_port_);
    client.set_keep_alive(true);
    client.set_read_timeout(30, 0);
    while (!stop.load()) {
      record(client.Get("/test/node"));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::thread fresh([&] {
    while (!stop.load()) {
      httplib::Client client("127.0.0.1", lb_port_);
      client.set_read_timeout(30, 0);
      record(client.Get("/test/node"));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  std::atomic<bool> drained{false};
  std::thread drain([&] {
    a_->app().DrainAndStop();
    drained.store(true);
  });
  EXPECT_TRUE(Within(std::chrono::seconds(kDrainS),
                     [&] {
                       haproxy_process_->Pump();
                       return haproxy_process_->stdout_text().find("mileage_nodes/node1 is DOWN") !=
                              std::string::npos;
                     }))
      << "the health check did not take A out within the drain; haproxy said: "
      << haproxy_process_->stdout_text();
  ASSERT_TRUE(Within(std::chrono::seconds(kDrainS + 30), [&] {
    haproxy_process_->Pump();
    return drained.load();
  }));
  // A has stopped: what comes now is B's.
  int before_b = 0;
  {
    std::lock_guard lock(mu);
    before_b = answered["B"];
  }
  EXPECT_TRUE(Within(std::chrono::seconds(10), [&] {
    haproxy_process_->Pump();
    std::lock_guard lock(mu);
    return answered["B"] >= before_b + 100;
  }));
  int a_after_stop = 0;
  {
    std::lock_guard lock(mu);
    a_after_stop = answered["A"];
  }
  stop.store(true);
  kept_alive.join();
  fresh.join();
  drain.join();
  a_->Stop();

  std::lock_guard lock(mu);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, the first: " << failures.front();
  EXPECT_GT(answered["A"], 0) << "A never answered during the test";
  EXPECT_EQ(answered["A"], a_after_stop) << "A answered after it stopped";
  EXPECT_GE(answered["B"], before_b + 100);
}

}  // namespace
}  // namespace mileage::testing
