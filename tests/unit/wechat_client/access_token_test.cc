#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "kv/kv_url.h"
#include "kv/memory/memory_kv.h"
#include "kv/redis/redis_kv.h"
#include "tests/support/external.h"
#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/client/access_token_provider.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

using mileage::testing::FakeClock;
using mileage::testing::FakeRandom;
using mileage::testing::FakeServer;
using mileage::testing::Must;
using std::chrono::milliseconds;

// A stable_token endpoint: counts calls, answers "token-<n>" (a new one per call, or the last
// one again while `repeat_last` is set) after `delay`.
class StableTokenServer {
 public:
  StableTokenServer()
      : server_([this](httplib::Server& s) {
          s.Post("/cgi-bin/stable_token",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::this_thread::sleep_for(delay_.load());
                   rapidjson::Document doc;
                   doc.Parse(req.body.c_str());
                   bool force = doc.IsObject() && doc.HasMember("force_refresh") &&
                                doc["force_refresh"].IsBool() && doc["force_refresh"].GetBool();
                   if (force) ++forced_;
                   if (doc.IsObject() && doc.HasMember("secret") && doc["secret"].IsString() &&
                       std::string(doc["secret"].GetString()) == "wrong") {
                     res.set_content(R"({"errcode":40125,"errmsg":"invalid appsecret"})",
                                     "application/json");
                     return;
                   }
                   int n = repeat_last_ && !force ? calls_.load() : ++calls_;
                   res.set_content(
                       R"({"access_token":"token-)" + std::to_string(n) + R"(","expires_in":7200})",
                       "application/json");
                 });
        }) {}

  std::string url() const { return server_.url(); }
  int calls() const { return calls_.load(); }
  int requests() const { return server_.hits("/cgi-bin/stable_token"); }
  int forced() const { return forced_.load(); }
  void set_delay(milliseconds delay) { delay_ = delay; }
  void set_repeat_last(bool repeat) { repeat_last_ = repeat; }

 private:
  std::atomic<int> calls_{0};
  std::atomic<int> forced_{0};
  std::atomic<milliseconds> delay_{milliseconds(0)};
  std::atomic<bool> repeat_last_{false};
  FakeServer server_;
};

std::string UniquePrefix() {
  static std::atomic<int> counter{0};
  return "wechat-test:" + std::to_string(getpid()) + ":" + std::to_string(counter++) + ":" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ":";
}

// Runs every test on the in-process Kv and on the Redis of MILEAGE_TEST_REDIS_URL.
class AccessTokenTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      kv_ = std::make_unique<kv::MemoryKv>(clock_);
    } else {
      bool skip = false;
      std::string url = mileage::testing::ExternalServerUrl("MILEAGE_TEST_REDIS_URL", &skip);
      if (url.empty()) {
        if (skip) GTEST_SKIP() << "MILEAGE_TEST_REDIS_URL is not set";
        FAIL() << "MILEAGE_TEST_REDIS_URL is not set: run scripts/test, or set "
                  "MILEAGE_TEST_ALLOW_SKIP=1 to skip the Redis tests";
      }
      kv::RedisOptions options = kv::RedisOptionsFromUrl(Must(kv::ParseKvUrl(url)));
      options.pool_size = 16;
      kv_ = Must(kv::OpenRedisKv(options));
      ASSERT_NE(kv_, nullptr);
    }
    options_.key_prefix = UniquePrefix();
    options_.poll_interval = milliseconds(5);
    ApiClientOptions api;
    api.api_base_url = server_.url();
    api.pay_base_url = server_.url();
    api.initial_backoff = milliseconds(1);
    api_ = Must(ApiClient::Create(api, random_));
  }

  // One "process": its own ApiClient and provider over the shared Kv.
  struct Process {
    std::unique_ptr<ApiClient> api;
    std::unique_ptr<AccessTokenProvider> tokens;
  };
  Process NewProcess(const std::string& secret = "secret") {
    ApiClientOptions api;
    api.api_base_url = server_.url();
    api.pay_base_url = server_.url();
    Process p;
    p.api = Must(ApiClient::Create(api, random_));
    p.tokens = std::make_unique<AccessTokenProvider>(*p.api, *kv_, clock_, random_, "wxapp", secret,
                                                     options_);
    return p;
  }

  std::string LockKey() const { return options_.key_prefix + "access_token_lock:wxapp"; }
  std::string TokenKey() const { return options_.key_prefix + "access_token:wxapp"; }

  FakeClock clock_;
  FakeRandom random_;
  StableTokenServer server_;
  std::unique_ptr<kv::Kv> kv_;
  AccessTokenOptions options_;
  std::unique_ptr<ApiClient> api_;
};

TEST_P(AccessTokenTest, CachesTheTokenAndRefreshesItAheadOfExpiry) {
  Process a = NewProcess();
  EXPECT_EQ(Must(a.tokens->Get()), "token-1");
  EXPECT_EQ(Must(a.tokens->Get()), "token-1");
  EXPECT_EQ(server_.calls(), 1);
  // 7200 s - 301 s: still more than the 300 s refresh-ahead margin left.
  clock_.Advance(std::chrono::seconds(7200 - 301));
  EXPECT_EQ(Must(a.tokens->Get()), "token-1");
  EXPECT_EQ(server_.calls(), 1);
  // Inside the margin: refreshed although the old token has not expired yet.
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(Must(a.tokens->Get()), "token-2");
  EXPECT_EQ(server_.calls(), 2);
  // Another process reads the refreshed token from the Kv.
  Process b = NewProcess();
  EXPECT_EQ(Must(b.tokens->Get()), "token-2");
  EXPECT_EQ(server_.calls(), 2);
  // The refresher released its lock.
  EXPECT_FALSE(Must(kv_->Get(LockKey())).has_value());
}

TEST_P(AccessTokenTest, WhileAnotherProcessRefreshesTheCurrentTokenIsUsed) {
  Process a = NewProcess();
  EXPECT_EQ(Must(a.tokens->Get()), "token-1");
  clock_.Advance(std::chrono::seconds(7200 - 60));
  ASSERT_TRUE(Must(kv_->SetIfAbsent(LockKey(), "someone-else", std::chrono::seconds(30))));
  Process b = NewProcess();
  EXPECT_EQ(Must(b.tokens->Get()), "token-1");
  EXPECT_EQ(server_.calls(), 1);
}

TEST_P(AccessTokenTest, WithoutATokenAProcessWaitsForTheRefresher) {
  ASSERT_TRUE(Must(kv_->SetIfAbsent(LockKey(), "someone-else", std::chrono::seconds(30))));
  Process a = NewProcess();
  std::thread refresher([&] {
    std::this_thread::sleep_for(milliseconds(50));
    auto expires = std::chrono::duration_cast<milliseconds>(
        (clock_.Now() + std::chrono::seconds(7200)).time_since_epoch());
    EXPECT_OK(kv_->Set(TokenKey(), std::to_string(expires.count()) + ":from-the-refresher",
                       std::chrono::seconds(7200)));
  });
  EXPECT_EQ(Must(a.tokens->Get()), "from-the-refresher");
  refresher.join();
  EXPECT_EQ(server_.calls(), 0);
}

TEST_P(AccessTokenTest, GivesUpWaitingWhenNoTokenAppears) {
  options_.wait_for_refresh = milliseconds(100);
  ASSERT_TRUE(Must(kv_->SetIfAbsent(LockKey(), "someone-else", std::chrono::seconds(30))));
  Process a = NewProcess();
  EXPECT_STATUS(a.tokens->Get().status(), kUnavailable, reason::kTokenUnavailable);
  EXPECT_EQ(server_.requests(), 0);
}

TEST_P(AccessTokenTest, TheRefresherStopsBeforeItsLockExpiresAndReleasesIt) {
  options_.lock_ttl = milliseconds(300);
  server_.set_delay(milliseconds(1500));
  Process a = NewProcess();
  Result<std::string> token = a.tokens->Get();
  EXPECT_STATUS(token.status(), kUnavailable, reason::kUnreachable);
  EXPECT_FALSE(Must(kv_->Get(LockKey())).has_value());
}

TEST_P(AccessTokenTest, BadCredentialsAreReported) {
  Process a = NewProcess("wrong");
  EXPECT_STATUS(a.tokens->Get().status(), kFailedPrecondition, reason::kBadCredentials);
  EXPECT_FALSE(Must(kv_->Get(LockKey())).has_value());
  EXPECT_FALSE(Must(kv_->Get(TokenKey())).has_value());
}

TEST_P(AccessTokenTest, ManyThreadsInManyProcessesCauseOneStableTokenCall) {
  server_.set_delay(milliseconds(100));
  constexpr int kProcesses = 4;
  constexpr int kThreads = 8;
  std::vector<Process> processes;
  for (int i = 0; i < kProcesses; ++i) processes.push_back(NewProcess());
  std::atomic<bool> go{false};
  std::vector<std::string> tokens(kProcesses * kThreads);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, p, t] {
        while (!go.load()) std::this_thread::yield();
        tokens[static_cast<size_t>(p * kThreads + t)] = Must(processes[p].tokens->Get());
      });
    }
  }
  go.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(server_.requests(), 1);
  for (const std::string& token : tokens) EXPECT_EQ(token, "token-1");
}

TEST_P(AccessTokenTest, ARejectedTokenIsReplacedOnceForAllProcesses) {
  constexpr int kProcesses = 4;
  std::vector<Process> processes;
  for (int i = 0; i < kProcesses; ++i) processes.push_back(NewProcess());
  EXPECT_EQ(Must(processes[0].tokens->Get()), "token-1");
  server_.set_delay(milliseconds(50));
  std::vector<std::string> replaced(kProcesses);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    threads.emplace_back([&, p] { replaced[p] = Must(processes[p].tokens->Replace("token-1")); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(server_.calls(), 2);
  for (const std::string& token : replaced) EXPECT_EQ(token, "token-2");
  EXPECT_EQ(server_.forced(), 0);
}

TEST_P(AccessTokenTest, ForcesANewTokenWhenStableTokenRepeatsTheRejectedOne) {
  Process a = NewProcess();
  EXPECT_EQ(Must(a.tokens->Get()), "token-1");
  server_.set_repeat_last(true);
  EXPECT_EQ(Must(a.tokens->Replace("token-1")), "token-2");
  EXPECT_EQ(server_.forced(), 1);
  EXPECT_EQ(Must(a.tokens->Get()), "token-2");
}

INSTANTIATE_TEST_SUITE_P(Kv, AccessTokenTest, ::testing::Values("memory", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace mileage::wechat::client
