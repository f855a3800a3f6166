// Redis-only behaviour: failures of the connection and of the server, start-up errors, AUTH,
// SELECT and the pool bound.

#include "kv/redis/redis_kv.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kv/kv.h"
#include "kv/kv_url.h"
#include "kv_test_util.h"
#include "tests/support/external.h"
#include "tests/support/private_redis.h"

namespace mileage::kv {
namespace {

using std::chrono::milliseconds;
using testing::Must;
using testing::PrivateRedis;

bool IsOkOrUnavailable(const Status& status) {
  return status.ok() || status.code() == StatusCode::kUnavailable;
}

// The Redis of MILEAGE_TEST_REDIS_URL, shared with other tests: every test uses its own keys
// and kills only connections it opened (found by their client name).
class RedisKvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bool skip = false;
    std::string url = testing::ExternalServerUrl("MILEAGE_TEST_REDIS_URL", &skip);
    if (url.empty()) {
      if (skip) GTEST_SKIP() << "MILEAGE_TEST_REDIS_URL is not set";
      FAIL() << "MILEAGE_TEST_REDIS_URL is not set: run scripts/test, or set "
                "MILEAGE_TEST_ALLOW_SKIP=1 to skip the Redis tests";
    }
    Result<KvUrl> parsed = ParseKvUrl(url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    url_ = *parsed;
    prefix_ = testing::UniqueKeyPrefix();
    client_name_ = "mileage-test-" + std::to_string(getpid()) + "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  // A Kv on the shared server whose connections carry this test's client name.
  std::unique_ptr<Kv> Open(int pool_size) {
    RedisOptions options = RedisOptionsFromUrl(url_);
    options.pool_size = pool_size;
    options.client_name = client_name_;
    Result<std::unique_ptr<Kv>> kv = OpenRedisKv(options);
    EXPECT_TRUE(kv.ok()) << kv.status().ToString();
    return kv.ok() ? std::move(kv).value() : nullptr;
  }

  // Kills, from another connection, every connection this test's Kv holds. Returns how many.
  int KillOwnConnections() {
    ReplyPtr list = testing::AdminCommand(url_.port, {"CLIENT", "LIST"}, url_.password);
    if (list == nullptr || list->type != REDIS_REPLY_STRING) {
      ADD_FAILURE() << "CLIENT LIST failed";
      return 0;
    }
    std::string text(list->str, list->len);
    int killed = 0;
    size_t line_start = 0;
    while (line_start < text.size()) {
      size_t line_end = text.find('\n', line_start);
      if (line_end == std::string::npos) line_end = text.size();
      std::string line = text.substr(line_start, line_end - line_start);
      line_start = line_end + 1;
      if (line.find(" name=" + client_name_ + " ") == std::string::npos) continue;
      size_t id_start = line.find("id=") + 3;
      std::string id = line.substr(id_start, line.find(' ', id_start) - id_start);
      ReplyPtr reply =
          testing::AdminCommand(url_.port, {"CLIENT", "KILL", "ID", id}, url_.password);
      if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) killed += reply->integer;
    }
    return killed;
  }

  std::string Key(std::string_view name) { return prefix_ + std::string(name); }

  KvUrl url_;
  std::string prefix_;
  std::string client_name_;
};

TEST_F(RedisKvTest, KilledConnectionIsReplacedAndCallsWorkRightAfter) {
  std::unique_ptr<Kv> kv = Open(2);
  ASSERT_NE(kv, nullptr);
  const std::string key = Key("k");
  ASSERT_TRUE(kv->Set(key, "before").ok());
  ASSERT_GE(KillOwnConnections(), 1);

  // The pooled connection is dead: this call either notices it before use and reconnects, or
  // fails with Unavailable. Never anything else.
  Result<std::optional<std::string>> first = kv->Get(key);
  EXPECT_TRUE(IsOkOrUnavailable(first.status())) << first.status().ToString();
  if (first.ok()) {
    EXPECT_EQ(*first, "before");
  }

  EXPECT_TRUE(kv->Set(key, "after", milliseconds(60'000)).ok());
  EXPECT_EQ(Must(kv->Get(key)), "after");
  EXPECT_EQ(Must(kv->Increment(Key("n"), 3, milliseconds(60'000))), 3);
  EXPECT_TRUE(Must(kv->Delete(key)));
  EXPECT_TRUE(Must(kv->Delete(Key("n"))));
}

TEST_F(RedisKvTest, ConnectionsKilledUnderLoadOnlyCauseUnavailable) {
  std::unique_ptr<Kv> kv = Open(4);
  ASSERT_NE(kv, nullptr);
  const std::string key = Key("counter");
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::atomic<int64_t> calls{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&] {
      while (!stop.load()) {
        if (!IsOkOrUnavailable(kv->Increment(key, 1, milliseconds(60'000)).status())) {
          ++unexpected;
        }
        if (!IsOkOrUnavailable(kv->Get(key).status())) ++unexpected;
        calls += 2;
      }
    });
  }
  // Every kill lands on connections in use (the workers made calls since the last one), and
  // the workers go on calling after the last.
  auto progressed = [&] {
    const int64_t before = calls.load();
    return testing::Eventually([&] { return calls.load() >= before + 40; });
  };
  for (int round = 0; round < 10; ++round) {
    const bool busy = progressed();
    EXPECT_TRUE(busy) << "the workers stalled before kill " << round;
    if (!busy) break;
    KillOwnConnections();
  }
  EXPECT_TRUE(progressed()) << "the workers stalled after the last kill";
  stop = true;
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(unexpected.load(), 0);
  // A connection killed after the last call is found dead when next borrowed.
  EXPECT_TRUE(kv->Ping().ok());
  EXPECT_TRUE(kv->Ping().ok());
  EXPECT_TRUE(Must(kv->Delete(key)));
}

TEST_F(RedisKvTest, CallersBeyondThePoolSizeWaitForAConnection) {
  std::unique_ptr<Kv> kv = Open(1);
  ASSERT_NE(kv, nullptr);
  const std::string key = Key("counter");
  std::vector<int> failures(6, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (!kv->Increment(key, 1, milliseconds(60'000)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 6; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_EQ(Must(kv->Get(key)), "600");
  EXPECT_TRUE(Must(kv->Delete(key)));
}

// Tests that run a redis-server of their own so that they can stop, restart or configure it.
class PrivateRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PrivateRedis::FindBinary().empty()) {
      const char* allow = std::getenv("MILEAGE_TEST_ALLOW_SKIP");
      if (allow != nullptr && std::string(allow) == "1") GTEST_SKIP() << "no redis-server";
      FAIL() << "redis-server is not on PATH (scripts/install-deps installs it; "
                "MILEAGE_TEST_ALLOW_SKIP=1 skips)";
    }
  }

  static RedisOptions OptionsFor(const PrivateRedis& server) {
    RedisOptions options;
    options.port = server.port();
    options.pool_size = 2;
    options.connect_timeout = milliseconds(1000);
    options.command_timeout = milliseconds(1000);
    return options;
  }
};

// Every operation, including the four Lua scripts, answers correctly.
void ExpectAllOperationsWork(Kv& kv) {
  EXPECT_TRUE(kv.Ping().ok());
  EXPECT_TRUE(kv.Set("k", "v").ok());
  EXPECT_EQ(Must(kv.Get("k")), "v");
  EXPECT_TRUE(Must(kv.SetIfAbsent("lock", "me", milliseconds(60'000))));
  EXPECT_TRUE(Must(kv.DeleteIfEquals("lock", "me")));
  EXPECT_TRUE(Must(kv.CompareAndSet("k", "v", "w", milliseconds(60'000))));
  EXPECT_EQ(Must(kv.Get("k")), "w");
  EXPECT_EQ(Must(kv.Increment("n", 2, milliseconds(60'000))), 2);
  EXPECT_TRUE(kv.Set("stock", "1").ok());
  EXPECT_EQ(Must(kv.DecrementIfPositive("stock")), std::optional<int64_t>(0));
  EXPECT_TRUE(Must(kv.Delete("k")));
  EXPECT_TRUE(Must(kv.Delete("n")));
}

TEST_F(PrivateRedisTest, StoppedServerIsUnavailableAndARestartIsSurvived) {
  PrivateRedis server;
  ASSERT_EQ(server.Start(), "");
  Result<std::unique_ptr<Kv>> opened = OpenRedisKv(OptionsFor(server));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Kv& kv = **opened;
  ExpectAllOperationsWork(kv);

  server.Stop();
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  for (int i = 0; i < 3; ++i) {
    Status get = kv.Get("k").status();
    EXPECT_EQ(get.code(), StatusCode::kUnavailable) << get.ToString();
    EXPECT_NE(get.message().find(address), std::string::npos) << get.message();
    EXPECT_EQ(kv.Set("k", "v").code(), StatusCode::kUnavailable);
    EXPECT_EQ(kv.Increment("n", 1).status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(kv.DecrementIfPositive("stock").status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(kv.DeleteIfEquals("lock", "me").status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(kv.CompareAndSet("k", "v", "w", milliseconds(0)).status().code(),
              StatusCode::kUnavailable);
    EXPECT_EQ(kv.Ping().code(), StatusCode::kUnavailable);
  }

  // A fresh server on the same port: empty data, empty script cache (NOSCRIPT fallback).
  ASSERT_EQ(server.Start(), "");
  EXPECT_EQ(Must(kv.Get("stock")), std::nullopt);
  ExpectAllOperationsWork(kv);
}

TEST_F(PrivateRedisTest, RestartWhileConnectionsAreIdleIsNoticedBeforeUse) {
  PrivateRedis server;
  ASSERT_EQ(server.Start(), "");
  Result<std::unique_ptr<Kv>> opened = OpenRedisKv(OptionsFor(server));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Kv& kv = **opened;
  ExpectAllOperationsWork(kv);
  server.Stop();
  ASSERT_EQ(server.Start(), "");
  // The first call may find its idle connection dead only once it has sent the command.
  EXPECT_TRUE(IsOkOrUnavailable(kv.Ping()));
  ExpectAllOperationsWork(kv);
}

TEST_F(PrivateRedisTest, HungServerTimesOutWithUnavailableAndRecovers) {
  PrivateRedis server;
  ASSERT_EQ(server.Start(), "");
  RedisOptions options = OptionsFor(server);
  options.connect_timeout = milliseconds(300);
  options.command_timeout = milliseconds(300);
  Result<std::unique_ptr<Kv>> opened = OpenRedisKv(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Kv& kv = **opened;
  ExpectAllOperationsWork(kv);

  server.Pause();
  // Keys of their own: the server may still run these commands once it resumes.
  EXPECT_EQ(kv.Get("paused-get").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(kv.Increment("paused-n", 1).status().code(), StatusCode::kUnavailable);
  // A new connection is accepted by the kernel but its AUTH/SELECT/SETNAME go unanswered.
  EXPECT_EQ(kv.Ping().code(), StatusCode::kUnavailable);
  server.Resume();

  // Connections that timed out were dropped: no late reply is mistaken for a new one.
  EXPECT_TRUE(testing::Eventually([&] { return kv.Ping().ok(); }));
  ExpectAllOperationsWork(kv);
}

TEST_F(PrivateRedisTest, FlushedScriptCacheIsSurvived) {
  PrivateRedis server;
  ASSERT_EQ(server.Start(), "");
  Result<std::unique_ptr<Kv>> opened = OpenRedisKv(OptionsFor(server));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Kv& kv = **opened;
  ReplyPtr flushed = testing::AdminCommand(server.port(), {"SCRIPT", "FLUSH"});
  ASSERT_NE(flushed, nullptr);
  ExpectAllOperationsWork(kv);
  // The fallback has put the scripts back into the cache.
  ReplyPtr info = testing::AdminCommand(server.port(), {"INFO", "memory"});
  ASSERT_NE(info, nullptr);
  EXPECT_NE(std::string(info->str, info->len).find("number_of_cached_scripts:4"),
            std::string::npos);
}

TEST_F(PrivateRedisTest, PasswordIsSentAndAWrongOneFailsWithoutShowingIt) {
  PrivateRedis server("correct-horse");
  ASSERT_EQ(server.Start(), "");
  RedisOptions options = OptionsFor(server);

  options.password = "correct-horse";
  Result<std::unique_ptr<Kv>> good = OpenRedisKv(options);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ExpectAllOperationsWork(**good);

  options.password = "battery-staple";
  Result<std::unique_ptr<Kv>> wrong = OpenRedisKv(options);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(wrong.status().message().find("AUTH"), std::string::npos) << wrong.status().message();
  EXPECT_EQ(wrong.status().message().find("battery-staple"), std::string::npos);

  options.password.clear();
  Result<std::unique_ptr<Kv>> none = OpenRedisKv(options);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kUnavailable);
}

TEST_F(PrivateRedisTest, PasswordFromTheUrlIsUsed) {
  PrivateRedis server("p@ss/word");
  ASSERT_EQ(server.Start(), "");
  Result<KvUrl> url =
      ParseKvUrl("redis://:p%40ss%2Fword@127.0.0.1:" + std::to_string(server.port()) + "/3");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  Result<std::unique_ptr<Kv>> kv = OpenRedisKv(RedisOptionsFromUrl(*url));
  ASSERT_TRUE(kv.ok()) << kv.status().ToString();
  ExpectAllOperationsWork(**kv);
}

TEST_F(PrivateRedisTest, EachDbIsSeparate) {
  PrivateRedis server;
  ASSERT_EQ(server.Start(), "");
  RedisOptions options = OptionsFor(server);
  options.db = 1;
  Result<std::unique_ptr<Kv>> one = OpenRedisKv(options);
  options.db = 2;
  Result<std::unique_ptr<Kv>> two = OpenRedisKv(options);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_TRUE((*one)->Set("k", "db1").ok());
  EXPECT_EQ(Must((*two)->Get("k")), std::nullopt);
  ReplyPtr reply = testing::AdminCommand(server.port(), {"GET", "k"});
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->type, REDIS_REPLY_NIL) << "db 0 must not see it";

  options.db = 100'000;
  Result<std::unique_ptr<Kv>> out_of_range = OpenRedisKv(options);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(out_of_range.status().message().find("SELECT"), std::string::npos);
}

TEST(OpenRedisKvTest, NothingListeningIsUnavailableNamingHostAndPortButNotThePassword) {
  const int port = testing::FreeLoopbackPort();
  ASSERT_NE(port, 0);
  RedisOptions options;
  options.port = port;
  options.password = "hunter2";
  options.connect_timeout = milliseconds(1000);
  Result<std::unique_ptr<Kv>> kv = OpenRedisKv(options);
  ASSERT_FALSE(kv.ok());
  EXPECT_EQ(kv.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(kv.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << kv.status().message();
  EXPECT_EQ(kv.status().message().find("hunter2"), std::string::npos);
}

TEST(OpenRedisKvTest, OutOfRangeOptionsAreInvalidArgument) {
  auto expect_invalid = [](RedisOptions options, const char* what) {
    Result<std::unique_ptr<Kv>> kv = OpenRedisKv(options);
    ASSERT_FALSE(kv.ok()) << what;
    EXPECT_EQ(kv.status().code(), StatusCode::kInvalidArgument) << what;
  };
  RedisOptions options;
  options.host = "";
  expect_invalid(options, "empty host");
  options = RedisOptions();
  options.port = 0;
  expect_invalid(options, "port 0");
  options = RedisOptions();
  options.port = 70000;
  expect_invalid(options, "port 70000");
  options = RedisOptions();
  options.db = -1;
  expect_invalid(options, "db -1");
  options = RedisOptions();
  options.pool_size = 0;
  expect_invalid(options, "pool 0");
  options = RedisOptions();
  options.command_timeout = milliseconds(0);
  expect_invalid(options, "timeout 0");
  options = RedisOptions();
  options.client_name = "two words";
  expect_invalid(options, "client name with a space");
}

}  // namespace
}  // namespace mileage::kv
