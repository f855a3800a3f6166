// kv::FixedWindow and kv::FixedWindowLimit, the rate-limit counters of console and member
// logins and of members' probing-prone writes.
#include "kv/fixed_window.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/testing/fake_clock.h"
#include "kv/memory/memory_kv.h"

namespace mileage::kv {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FixedWindowTest : public ::testing::Test {
 protected:
  // 1,800,000,000 s is a multiple of 60: the clock starts at a window's first instant.
  testing::FakeClock clock_;
  MemoryKv memory_{clock_};
  Kv& kv_ = memory_;
  FixedWindow window_{kv_, clock_, "t:", seconds(60)};
};

TEST_F(FixedWindowTest, CountsPerSubjectUntilTheWindowEnds) {
  const TimePoint start = clock_.Now();
  EXPECT_EQ(window_.Add("10.0.0.1")->value, 1);
  clock_.Advance(seconds(59));
  Result<FixedWindow::Count> second = window_.Add("10.0.0.1");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->value, 2);
  EXPECT_EQ(second->ends, start + seconds(60));
  EXPECT_EQ(window_.Read("10.0.0.1")->value, 2);
  EXPECT_EQ(window_.Read("10.0.0.2")->value, 0) << "subjects are counted apart";
  clock_.Advance(seconds(1));
  EXPECT_EQ(window_.Read("10.0.0.1")->value, 0) << "a new window starts at zero";
  EXPECT_EQ(window_.Add("10.0.0.1", 3)->value, 3);
  ASSERT_TRUE(window_.Clear("10.0.0.1").ok());
  EXPECT_EQ(window_.Read("10.0.0.1")->value, 0);
}

TEST_F(FixedWindowTest, KeysNameTheSubjectOnlyByItsHash) {
  ASSERT_TRUE(window_.Add("alice@example").ok());
  const std::string key = HashedKey("t:", "alice@example");
  EXPECT_EQ(key.size(), 2u + 32u);
  EXPECT_EQ(key.find("alice"), std::string::npos);
  EXPECT_NE(key, HashedKey("t:", "bob@example"));
}

TEST_F(FixedWindowTest, ALimitRefusesPastItsMaximumUntilTheWindowEnds) {
  FixedWindowLimit limit(kv_, clock_, "l:", 2, seconds(60), "tries");
  seconds retry_after{0};
  EXPECT_TRUE(limit.Take("m1", &retry_after).ok());
  clock_.Advance(seconds(20));
  EXPECT_TRUE(limit.Take("m1", &retry_after).ok());
  EXPECT_EQ(retry_after, seconds(0)) << "set only on a refusal";
  clock_.Advance(milliseconds(500));
  const Status third = limit.Take("m1", &retry_after);
  EXPECT_EQ(third.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(third.reason(), "RATE_LIMITED");
  EXPECT_EQ(third.message(), "too many tries; try again in 40 s");
  EXPECT_EQ(retry_after, seconds(40)) << "39.5 s to the window's end, rounded up";
  EXPECT_TRUE(limit.Take("m2", &retry_after).ok()) << "subjects are limited apart";
  clock_.Advance(seconds(40));
  EXPECT_TRUE(limit.Take("m1", &retry_after).ok()) << "a new window";
}

TEST_F(FixedWindowTest, ALimitOfCountedRefusalsChecksWithoutCounting) {
  FixedWindowLimit refusals(kv_, clock_, "r:", 2, seconds(60), "refusals");
  seconds retry_after{0};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(refusals.Check("m1", &retry_after).ok());
  ASSERT_TRUE(refusals.Count("m1").ok());
  EXPECT_TRUE(refusals.Check("m1", &retry_after).ok());
  ASSERT_TRUE(refusals.Count("m1").ok());
  clock_.Advance(seconds(15));
  const Status refused = refusals.Check("m1", &retry_after);
  EXPECT_EQ(refused.reason(), "RATE_LIMITED");
  EXPECT_EQ(retry_after, seconds(45));
  EXPECT_TRUE(refusals.Check("m2", &retry_after).ok());
  clock_.Advance(seconds(45));
  EXPECT_TRUE(refusals.Check("m1", &retry_after).ok());
}

TEST(SecondsUntilTest, RoundsUpAndIsAtLeastOne) {
  const TimePoint now{seconds(100)};
  EXPECT_EQ(SecondsUntil(now, now + milliseconds(1)), seconds(1));
  EXPECT_EQ(SecondsUntil(now, now + milliseconds(1001)), seconds(2));
  EXPECT_EQ(SecondsUntil(now, now + seconds(30)), seconds(30));
  EXPECT_EQ(SecondsUntil(now, now - seconds(5)), seconds(1));
}

}  // namespace
}  // namespace mileage::kv
