#include "kv/memory/memory_kv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "common/testing/fake_clock.h"

namespace mileage::kv {
namespace {

using std::chrono::milliseconds;

std::optional<std::string> GetOrDie(Kv& kv, std::string_view key) {
  Result<std::optional<std::string>> value = kv.Get(key);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : std::nullopt;
}

class MemoryKvTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  MemoryKv memory_{clock_};
  // Used through the interface, as production code does.
  Kv& kv_ = memory_;
};

TEST_F(MemoryKvTest, SetExpiresExactlyAtItsTtl) {
  ASSERT_TRUE(kv_.Set("session", "alice", milliseconds(100)).ok());
  clock_.Advance(milliseconds(99));
  EXPECT_EQ(GetOrDie(kv_, "session"), "alice");
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(GetOrDie(kv_, "session"), std::nullopt);
}

TEST_F(MemoryKvTest, ZeroTtlNeverExpires) {
  ASSERT_TRUE(kv_.Set("config", "v").ok());
  clock_.Advance(std::chrono::hours(24 * 365 * 10));
  EXPECT_EQ(GetOrDie(kv_, "config"), "v");
}

TEST_F(MemoryKvTest, HugeTtlDoesNotOverflow) {
  ASSERT_TRUE(kv_.Set("k", "v", milliseconds::max()).ok());
  clock_.Advance(std::chrono::hours(24 * 365 * 100));
  EXPECT_EQ(GetOrDie(kv_, "k"), "v");
}

TEST_F(MemoryKvTest, SetReplacesTheTtl) {
  ASSERT_TRUE(kv_.Set("k", "short", milliseconds(100)).ok());
  ASSERT_TRUE(kv_.Set("k", "long", milliseconds(1000)).ok());
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(GetOrDie(kv_, "k"), "long");
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(GetOrDie(kv_, "k"), std::nullopt);

  ASSERT_TRUE(kv_.Set("p", "expiring", milliseconds(100)).ok());
  ASSERT_TRUE(kv_.Set("p", "persistent").ok());
  clock_.Advance(milliseconds(1000));
  EXPECT_EQ(GetOrDie(kv_, "p"), "persistent");
}

TEST_F(MemoryKvTest, ExpiredKeyIsAbsentForEveryOperation) {
  ASSERT_TRUE(kv_.Set("a", "1", milliseconds(10)).ok());
  ASSERT_TRUE(kv_.Set("b", "1", milliseconds(10)).ok());
  ASSERT_TRUE(kv_.Set("c", "5", milliseconds(10)).ok());
  ASSERT_TRUE(kv_.Set("d", "owner", milliseconds(10)).ok());
  clock_.Advance(milliseconds(10));
  EXPECT_EQ(kv_.Delete("a").value(), false);
  EXPECT_EQ(kv_.SetIfAbsent("b", "new", milliseconds(0)).value(), true);
  EXPECT_EQ(kv_.DecrementIfPositive("c").value(), std::nullopt);
  EXPECT_EQ(kv_.DeleteIfEquals("d", "owner").value(), false);
  EXPECT_EQ(GetOrDie(kv_, "b"), "new");
}

TEST_F(MemoryKvTest, LockExpiresExactlyAtItsTtl) {
  ASSERT_EQ(kv_.SetIfAbsent("lock", "a", milliseconds(500)).value(), true);
  clock_.Advance(milliseconds(499));
  EXPECT_EQ(kv_.SetIfAbsent("lock", "b", milliseconds(500)).value(), false);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(kv_.SetIfAbsent("lock", "b", milliseconds(500)).value(), true);
  EXPECT_EQ(kv_.DeleteIfEquals("lock", "a").value(), false);
  EXPECT_EQ(GetOrDie(kv_, "lock"), "b");
}

TEST_F(MemoryKvTest, IncrementTtlAppliesOnlyOnCreation) {
  EXPECT_EQ(kv_.Increment("rate", 1, milliseconds(1000)).value(), 1);
  clock_.Advance(milliseconds(600));
  EXPECT_EQ(kv_.Increment("rate", 1, milliseconds(1000)).value(), 2);
  clock_.Advance(milliseconds(399));
  EXPECT_EQ(GetOrDie(kv_, "rate"), "2");
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(GetOrDie(kv_, "rate"), std::nullopt);
  // A new window starts with the next increment.
  EXPECT_EQ(kv_.Increment("rate", 1, milliseconds(1000)).value(), 1);
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(GetOrDie(kv_, "rate"), "1");
}

TEST_F(MemoryKvTest, IncrementKeepsTheExpiryOfAnExistingKey) {
  ASSERT_TRUE(kv_.Set("n", "10", milliseconds(100)).ok());
  EXPECT_EQ(kv_.Increment("n", 5).value(), 15);
  clock_.Advance(milliseconds(100));
  EXPECT_EQ(GetOrDie(kv_, "n"), std::nullopt);
}

TEST_F(MemoryKvTest, IncrementOverflowIsFailedPreconditionAndLeavesTheValue) {
  ASSERT_TRUE(kv_.Set("n", "9223372036854775807").ok());
  Result<int64_t> result = kv_.Increment("n", 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetOrDie(kv_, "n"), "9223372036854775807");
}

TEST_F(MemoryKvTest, GetReclaimsAnExpiredEntry) {
  ASSERT_TRUE(kv_.Set("k", "v", milliseconds(10)).ok());
  EXPECT_EQ(memory_.EntryCount(), 1u);
  clock_.Advance(milliseconds(10));
  EXPECT_EQ(memory_.EntryCount(), 1u);
  EXPECT_EQ(GetOrDie(kv_, "k"), std::nullopt);
  EXPECT_EQ(memory_.EntryCount(), 0u);
}

TEST(MemoryKvSweepTest, SweepsReclaimExpiredEntriesInBoundedBatches) {
  testing::FakeClock clock;
  MemoryKv memory(clock, {.shards = 1, .sweep_interval = 4, .sweep_batch = 3});
  Kv& kv = memory;
  constexpr size_t kExpiring = 20;
  for (size_t i = 0; i < kExpiring; ++i) {
    ASSERT_TRUE(kv.Set("temp" + std::to_string(i), "v", milliseconds(100 + i)).ok());
  }
  ASSERT_TRUE(kv.Set("kept", "v").ok());
  ASSERT_TRUE(kv.Set("later", "v", milliseconds(10'000)).ok());
  ASSERT_EQ(memory.EntryCount(), kExpiring + 2);

  // Nothing has expired yet: operations on other keys reclaim nothing.
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(kv.Get("absent").ok());
  ASSERT_EQ(memory.EntryCount(), kExpiring + 2);

  clock.Advance(milliseconds(1000));
  size_t previous = memory.EntryCount();
  int operations = 0;
  while (memory.EntryCount() > 2 && operations < 1000) {
    ASSERT_TRUE(kv.Get("absent").ok());
    ++operations;
    size_t now = memory.EntryCount();
    ASSERT_LE(previous - now, 3u) << "one operation reclaimed more than sweep_batch entries";
    previous = now;
  }
  EXPECT_EQ(memory.EntryCount(), 2u);
  // 20 entries in batches of 3 every 4th operation.
  EXPECT_GE(operations, 4 * 6);
  EXPECT_EQ(GetOrDie(kv, "kept"), "v");
  EXPECT_EQ(GetOrDie(kv, "later"), "v");
}

TEST(MemoryKvSweepTest, ExpiredEntriesAreInvisibleBeforeTheSweepReachesThem) {
  testing::FakeClock clock;
  MemoryKv memory(clock, {.shards = 1, .sweep_interval = 1000, .sweep_batch = 1});
  Kv& kv = memory;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(kv.Set("k" + std::to_string(i), "v", milliseconds(50)).ok());
  }
  clock.Advance(milliseconds(50));
  EXPECT_EQ(memory.EntryCount(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(GetOrDie(kv, "k" + std::to_string(i)), std::nullopt);
  }
  EXPECT_EQ(memory.EntryCount(), 0u);
}

TEST(MemoryKvSweepTest, ManyShardsCountEveryEntry) {
  testing::FakeClock clock;
  MemoryKv memory(clock);
  Kv& kv = memory;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(kv.Set("k" + std::to_string(i), "v").ok());
  EXPECT_EQ(memory.EntryCount(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(GetOrDie(kv, "k" + std::to_string(i)), "v");
}

TEST(MemoryKvOptionsTest, ValuesBelowOneAreTreatedAsOne) {
  testing::FakeClock clock;
  MemoryKv memory(clock, {.shards = 0, .sweep_interval = -5, .sweep_batch = 0});
  Kv& kv = memory;
  ASSERT_TRUE(kv.Set("a", "1", milliseconds(1)).ok());
  ASSERT_TRUE(kv.Set("b", "2").ok());
  clock.Advance(milliseconds(1));
  // sweep_interval 1, batch 1: this operation reclaims "a".
  ASSERT_TRUE(kv.Get("b").ok());
  EXPECT_EQ(memory.EntryCount(), 1u);
}

}  // namespace
}  // namespace mileage::kv
