// The Kv contract: every test runs unchanged against the in-process store and against Redis
// (MILEAGE_TEST_REDIS_URL).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "kv/kv.h"
#include "kv/kv_url.h"
#include "kv/memory/memory_kv.h"
#include "kv/redis/redis_kv.h"
#include "kv_test_util.h"
#include "tests/support/external.h"

namespace mileage::kv {
namespace {

using std::chrono::milliseconds;
using testing::EventuallyAbsent;
using testing::Must;

enum class Backend { kMemory, kRedis };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kMemory ? "Memory" : "Redis";
}

// Names the backend in test output (and in the test names ctest shows).
void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kMemory ? "Memory" : "Redis");
}

class KvContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    prefix_ = testing::UniqueKeyPrefix();
    if (GetParam() == Backend::kMemory) {
      kv_ = std::make_unique<MemoryKv>(clock_);
      return;
    }
    bool skip = false;
    std::string url = testing::ExternalServerUrl("MILEAGE_TEST_REDIS_URL", &skip);
    if (url.empty()) {
      if (skip) GTEST_SKIP() << "MILEAGE_TEST_REDIS_URL is not set";
      FAIL() << "MILEAGE_TEST_REDIS_URL is not set: run scripts/test, or set "
                "MILEAGE_TEST_ALLOW_SKIP=1 to skip the Redis contract";
    }
    Result<KvUrl> parsed = ParseKvUrl(url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->kind, KvUrl::Kind::kRedis) << "MILEAGE_TEST_REDIS_URL must be redis://";
    RedisOptions options = RedisOptionsFromUrl(*parsed);
    options.pool_size = 8;
    Result<std::unique_ptr<Kv>> opened = OpenRedisKv(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    kv_ = std::move(opened).value();
  }

  void TearDown() override {
    if (kv_ == nullptr) return;
    // Best effort: keys of a failed Redis connection expire with the test server anyway.
    for (const std::string& key : keys_) kv_->Delete(key).status().IgnoreError();
  }

  // A key unique to this test run; deleted when the test ends.
  std::string Key(std::string_view name) {
    keys_.push_back(prefix_ + std::string(name));
    return keys_.back();
  }

  Kv& kv() { return *kv_; }

  std::optional<std::string> Get(const std::string& key) { return Must(kv().Get(key)); }

 private:
  SystemClock clock_;
  std::string prefix_;
  std::vector<std::string> keys_;
  std::unique_ptr<Kv> kv_;
};

TEST_P(KvContractTest, GetOfAnAbsentKeyIsNullopt) { EXPECT_EQ(Get(Key("absent")), std::nullopt); }

TEST_P(KvContractTest, SetThenGet) {
  const std::string key = Key("k");
  EXPECT_OK(kv().Set(key, "value"));
  EXPECT_EQ(Get(key), "value");
}

TEST_P(KvContractTest, SetOverwrites) {
  const std::string key = Key("k");
  EXPECT_OK(kv().Set(key, "first"));
  EXPECT_OK(kv().Set(key, "second"));
  EXPECT_EQ(Get(key), "second");
}

TEST_P(KvContractTest, DeleteReportsWhetherTheKeyExisted) {
  const std::string key = Key("k");
  const std::string other = Key("other");
  EXPECT_OK(kv().Set(key, "v"));
  EXPECT_OK(kv().Set(other, "w"));
  EXPECT_TRUE(Must(kv().Delete(key)));
  EXPECT_EQ(Get(key), std::nullopt);
  EXPECT_FALSE(Must(kv().Delete(key)));
  EXPECT_EQ(Get(other), "w");
}

TEST_P(KvContractTest, ValuesAndKeysAreBinarySafe) {
  const std::string values[] = {
      std::string("a\0b", 3),
      std::string("\0\0\0", 3),
      std::string("\xff\xfe\x00\x01\x80", 5),
      "里程 会员 🚗 mileage",
      "",
      std::string(100'000, 'x') + std::string("\0end", 4),
  };
  int i = 0;
  for (const std::string& value : values) {
    const std::string key = Key("v" + std::to_string(i++));
    EXPECT_OK(kv().Set(key, value));
    std::optional<std::string> read = Get(key);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(*read, value) << "value " << i;
  }
  const std::string binary_key = Key(std::string("key\0with\0nul", 12));
  const std::string prefix_key = Key("key");
  EXPECT_OK(kv().Set(binary_key, "nul"));
  EXPECT_EQ(Get(binary_key), "nul");
  EXPECT_EQ(Get(prefix_key), std::nullopt);
  const std::string utf8_key = Key("会员:🚗");
  EXPECT_OK(kv().Set(utf8_key, "utf8"));
  EXPECT_EQ(Get(utf8_key), "utf8");
}

TEST_P(KvContractTest, EmptyValueIsPresent) {
  const std::string key = Key("empty");
  EXPECT_OK(kv().Set(key, ""));
  EXPECT_EQ(Get(key), std::string());
  EXPECT_FALSE(Must(kv().SetIfAbsent(key, "x", milliseconds(0))));
}

TEST_P(KvContractTest, SetWithTtlExpires) {
  const std::string key = Key("ttl");
  const std::string persistent = Key("persistent");
  EXPECT_OK(kv().Set(key, "v", milliseconds(250)));
  EXPECT_OK(kv().Set(persistent, "p"));
  EXPECT_EQ(Get(key), "v");
  EXPECT_TRUE(EventuallyAbsent(kv(), key));
  EXPECT_EQ(Get(persistent), "p");
}

TEST_P(KvContractTest, SetWithoutTtlRemovesAnEarlierTtl) {
  const std::string key = Key("k");
  const std::string marker = Key("marker");
  EXPECT_OK(kv().Set(key, "expiring", milliseconds(100)));
  EXPECT_OK(kv().Set(key, "kept"));
  // Set after the first with the same TTL: once the marker is gone, that TTL has run out too.
  EXPECT_OK(kv().Set(marker, "m", milliseconds(100)));
  EXPECT_TRUE(EventuallyAbsent(kv(), marker));
  EXPECT_EQ(Get(key), "kept");
}

TEST_P(KvContractTest, NegativeTtlIsInvalidArgumentAndWritesNothing) {
  const std::string key = Key("k");
  EXPECT_EQ(kv().Set(key, "v", milliseconds(-1)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(kv().SetIfAbsent(key, "v", milliseconds(-1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(kv().Increment(key, 1, milliseconds(-1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(key), std::nullopt);
}

TEST_P(KvContractTest, SetIfAbsentSetsOnlyWhenAbsent) {
  const std::string key = Key("k");
  EXPECT_TRUE(Must(kv().SetIfAbsent(key, "first", milliseconds(0))));
  EXPECT_FALSE(Must(kv().SetIfAbsent(key, "second", milliseconds(0))));
  EXPECT_EQ(Get(key), "first");
  EXPECT_OK(kv().Set(key, "overwritten"));
  EXPECT_FALSE(Must(kv().SetIfAbsent(key, "third", milliseconds(0))));
  EXPECT_EQ(Get(key), "overwritten");
}

TEST_P(KvContractTest, SetIfAbsentLockHasExactlyOneWinnerAmongRacingThreads) {
  const std::string key = Key("lock");
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<int> won(kThreads, 0);
  std::vector<int> failed(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      Result<bool> result =
          kv().SetIfAbsent(key, "owner-" + std::to_string(t), milliseconds(30'000));
      if (!result.ok()) {
        failed[t] = 1;
      } else if (*result) {
        won[t] = 1;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int winners = 0;
  int winner = -1;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failed[t], 0) << "thread " << t;
    if (won[t] == 1) {
      ++winners;
      winner = t;
    }
  }
  ASSERT_EQ(winners, 1);
  EXPECT_EQ(Get(key), "owner-" + std::to_string(winner));
}

TEST_P(KvContractTest, SetIfAbsentLockExpiresAfterItsTtl) {
  const std::string key = Key("lock");
  EXPECT_TRUE(Must(kv().SetIfAbsent(key, "a", milliseconds(200))));
  EXPECT_FALSE(Must(kv().SetIfAbsent(key, "b", milliseconds(200))));
  EXPECT_TRUE(testing::Eventually([&] {
    Result<bool> taken = kv().SetIfAbsent(key, "c", milliseconds(30'000));
    return taken.ok() && *taken;
  }));
  EXPECT_EQ(Get(key), "c");
}

TEST_P(KvContractTest, DeleteIfEqualsReleasesOnlyTheOwnersLock) {
  const std::string key = Key("lock");
  const std::string owner = std::string("owner\0a", 7);
  const std::string other = std::string("owner\0b", 7);
  EXPECT_TRUE(Must(kv().SetIfAbsent(key, owner, milliseconds(30'000))));
  EXPECT_FALSE(Must(kv().DeleteIfEquals(key, other)));
  EXPECT_FALSE(Must(kv().DeleteIfEquals(key, "owner")));
  EXPECT_EQ(Get(key), owner);
  EXPECT_TRUE(Must(kv().DeleteIfEquals(key, owner)));
  EXPECT_EQ(Get(key), std::nullopt);
  EXPECT_FALSE(Must(kv().DeleteIfEquals(key, owner)));
  EXPECT_TRUE(Must(kv().SetIfAbsent(key, other, milliseconds(30'000))));
}

TEST_P(KvContractTest, CompareAndSetWritesOnlyOverTheExpectedValue) {
  const std::string key = Key("cas");
  const std::string absent = Key("absent");
  const std::string expected = std::string("session\0v1", 10);
  EXPECT_FALSE(Must(kv().CompareAndSet(absent, "", "x", milliseconds(0))));
  EXPECT_EQ(Get(absent), std::nullopt) << "an absent key never matches, not even \"\"";
  EXPECT_OK(kv().Set(key, expected));
  EXPECT_FALSE(Must(kv().CompareAndSet(key, "session", "wrong", milliseconds(0))));
  EXPECT_FALSE(
      Must(kv().CompareAndSet(key, std::string("session\0v2", 10), "wrong", milliseconds(0))));
  EXPECT_EQ(Get(key), expected);
  EXPECT_TRUE(
      Must(kv().CompareAndSet(key, expected, std::string("session\0v2", 10), milliseconds(0))));
  EXPECT_EQ(Get(key), std::string("session\0v2", 10));
  EXPECT_FALSE(Must(kv().CompareAndSet(key, expected, "again", milliseconds(0))))
      << "the value it replaced no longer matches";
}

TEST_P(KvContractTest, CompareAndSetReplacesTheExpiry) {
  const std::string expiring = Key("expiring");
  const std::string kept = Key("kept");
  EXPECT_OK(kv().Set(expiring, "a"));
  EXPECT_TRUE(Must(kv().CompareAndSet(expiring, "a", "b", milliseconds(250))));
  EXPECT_EQ(Get(expiring), "b");
  EXPECT_TRUE(EventuallyAbsent(kv(), expiring));
  EXPECT_FALSE(Must(kv().CompareAndSet(expiring, "b", "c", milliseconds(0))))
      << "an expired key holds nothing";
  EXPECT_OK(kv().Set(kept, "a", milliseconds(100)));
  EXPECT_TRUE(Must(kv().CompareAndSet(kept, "a", "b", milliseconds(0))));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(Get(kept), "b") << "a ttl of zero removes the earlier expiry";
}

TEST_P(KvContractTest, CompareAndSetWithANegativeTtlIsInvalidArgumentAndWritesNothing) {
  const std::string key = Key("k");
  EXPECT_OK(kv().Set(key, "a"));
  EXPECT_EQ(kv().CompareAndSet(key, "a", "b", milliseconds(-1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(key), "a");
}

// What a session refresh racing a logout needs: once another writer has replaced the value, no
// compare-and-set against the old value lands, however many threads try.
TEST_P(KvContractTest, CompareAndSetNeverUndoesAConcurrentOverwrite) {
  const std::string key = Key("session");
  constexpr int kThreads = 6;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    const std::string open = "open-" + std::to_string(round);
    EXPECT_OK(kv().Set(key, open));
    std::atomic<bool> revoked{false};
    std::atomic<int> wins_after_revoke{0};
    std::latch start(kThreads + 1);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < 20; ++i) {
          const bool after = revoked.load();
          Result<bool> won = kv().CompareAndSet(key, open, open, milliseconds(60'000));
          if (after && won.ok() && *won) ++wins_after_revoke;
        }
      });
    }
    start.arrive_and_wait();
    EXPECT_OK(kv().Set(key, "revoked"));
    revoked = true;
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(wins_after_revoke.load(), 0) << "round " << round;
    ASSERT_EQ(Get(key), "revoked") << "round " << round;
  }
}

TEST_P(KvContractTest, IncrementCreatesAndAdds) {
  const std::string key = Key("counter");
  EXPECT_EQ(Must(kv().Increment(key, 5)), 5);
  EXPECT_EQ(Must(kv().Increment(key, -7)), -2);
  EXPECT_EQ(Must(kv().Increment(key, 0)), -2);
  EXPECT_EQ(Get(key), "-2");
  const std::string set = Key("set");
  EXPECT_OK(kv().Set(set, "12"));
  EXPECT_EQ(Must(kv().Increment(set, 30)), 42);
  EXPECT_EQ(Get(set), "42");
}

TEST_P(KvContractTest, IncrementIsExactBeyondDoublePrecision) {
  const std::string key = Key("big");
  EXPECT_OK(kv().Set(key, "9007199254740993"));
  EXPECT_EQ(Must(kv().Increment(key, 1)), 9007199254740994);
  EXPECT_EQ(Must(kv().Increment(key, 9223372036854775807 - 9007199254740994)), 9223372036854775807);
  EXPECT_EQ(Get(key), "9223372036854775807");
}

TEST_P(KvContractTest, IncrementTtlAppliesOnlyWhenItCreatesTheKey) {
  const std::string key = Key("window");
  EXPECT_EQ(Must(kv().Increment(key, 1, milliseconds(250))), 1);
  // A later ttl neither extends nor replaces the window.
  EXPECT_EQ(Must(kv().Increment(key, 1, milliseconds(60'000))), 2);
  EXPECT_TRUE(EventuallyAbsent(kv(), key));
  EXPECT_EQ(Must(kv().Increment(key, 1, milliseconds(60'000))), 1);
}

TEST_P(KvContractTest, IncrementKeepsTheExpiryOfAnExistingKey) {
  const std::string key = Key("k");
  EXPECT_OK(kv().Set(key, "1", milliseconds(250)));
  EXPECT_EQ(Must(kv().Increment(key, 1)), 2);
  EXPECT_TRUE(EventuallyAbsent(kv(), key));
}

TEST_P(KvContractTest, IncrementOfANonIntegerIsFailedPreconditionAndChangesNothing) {
  const std::string key = Key("k");
  for (const std::string value : {"abc", "1.5", "01", " 1", "+1", "", "1e3"}) {
    EXPECT_OK(kv().Set(key, value));
    Result<int64_t> result = kv().Increment(key, 1, milliseconds(60'000));
    ASSERT_FALSE(result.ok()) << "value \"" << value << "\"";
    EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition)
        << result.status().ToString();
    EXPECT_EQ(Get(key), value);
  }
}

TEST_P(KvContractTest, IncrementOverflowIsFailedPreconditionAndChangesNothing) {
  const std::string key = Key("k");
  EXPECT_OK(kv().Set(key, "9223372036854775807"));
  EXPECT_EQ(kv().Increment(key, 1).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Get(key), "9223372036854775807");
}

TEST_P(KvContractTest, ConcurrentIncrementsAreAtomic) {
  const std::string key = Key("counter");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!kv().Increment(key, 1).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_EQ(Get(key), std::to_string(kThreads * kPerThread));
}

TEST_P(KvContractTest, DecrementIfPositiveCountsDownToZero) {
  const std::string key = Key("stock");
  EXPECT_OK(kv().Set(key, "2"));
  EXPECT_EQ(Must(kv().DecrementIfPositive(key)), std::optional<int64_t>(1));
  EXPECT_EQ(Must(kv().DecrementIfPositive(key)), std::optional<int64_t>(0));
  EXPECT_EQ(Must(kv().DecrementIfPositive(key)), std::nullopt);
  EXPECT_EQ(Get(key), "0");
}

TEST_P(KvContractTest, DecrementIfPositiveOfAbsentOrNonPositiveIsNulloptAndChangesNothing) {
  const std::string absent = Key("absent");
  EXPECT_EQ(Must(kv().DecrementIfPositive(absent)), std::nullopt);
  EXPECT_EQ(Get(absent), std::nullopt);
  const std::string zero = Key("zero");
  EXPECT_OK(kv().Set(zero, "0"));
  EXPECT_EQ(Must(kv().DecrementIfPositive(zero)), std::nullopt);
  EXPECT_EQ(Get(zero), "0");
  const std::string negative = Key("negative");
  EXPECT_OK(kv().Set(negative, "-3"));
  EXPECT_EQ(Must(kv().DecrementIfPositive(negative)), std::nullopt);
  EXPECT_EQ(Get(negative), "-3");
}

TEST_P(KvContractTest, DecrementIfPositiveOfANonIntegerIsFailedPrecondition) {
  const std::string key = Key("k");
  for (const std::string value : {"abc", "1.5", "01", "-0", " 1", ""}) {
    EXPECT_OK(kv().Set(key, value));
    Result<std::optional<int64_t>> result = kv().DecrementIfPositive(key);
    ASSERT_FALSE(result.ok()) << "value \"" << value << "\"";
    EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition)
        << result.status().ToString();
    EXPECT_EQ(Get(key), value);
  }
}

TEST_P(KvContractTest, DecrementIfPositiveIsExactBeyondDoublePrecision) {
  const std::string key = Key("big");
  EXPECT_OK(kv().Set(key, "9007199254740993"));
  EXPECT_EQ(Must(kv().DecrementIfPositive(key)), std::optional<int64_t>(9007199254740992));
  EXPECT_EQ(Get(key), "9007199254740992");
}

TEST_P(KvContractTest, DecrementIfPositiveRaceNeverOversells) {
  const std::string key = Key("stock");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1000;
  constexpr int kStock = 5000;
  EXPECT_OK(kv().Set(key, std::to_string(kStock)));
  std::latch start(kThreads);
  std::vector<int> successes(kThreads, 0);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        Result<std::optional<int64_t>> result = kv().DecrementIfPositive(key);
        if (!result.ok()) {
          ++failures[t];
        } else if (result->has_value()) {
          ++successes[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    total += successes[t];
  }
  EXPECT_EQ(total, kStock);
  EXPECT_EQ(Get(key), "0");
}

TEST_P(KvContractTest, PingAnswers) { EXPECT_OK(kv().Ping()); }

INSTANTIATE_TEST_SUITE_P(Backends, KvContractTest,
                         ::testing::Values(Backend::kMemory, Backend::kRedis), BackendName);

}  // namespace
}  // namespace mileage::kv
