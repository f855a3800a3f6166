#include <gtest/gtest.h>

#include <set>

#include "common/random.h"
#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"

namespace mileage {
namespace {

TEST(FakeClockTest, MovesOnlyWhenTold) {
  testing::FakeClock clock;
  clock.SetUnixSeconds(1'700'000'000);
  EXPECT_EQ(UnixSeconds(clock.Now()), 1'700'000'000);
  clock.Advance(std::chrono::seconds(301));
  EXPECT_EQ(UnixSeconds(clock.Now()), 1'700'000'301);
}

TEST(RandomTest, HexTokensAreDistinctAndSized) {
  OsRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = RandomHex(random, 32);
    ASSERT_EQ(token.size(), 64u);
    ASSERT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RandomTest, FakeRandomIsReproducible) {
  testing::FakeRandom a(7), b(7);
  EXPECT_EQ(RandomHex(a, 16), RandomHex(b, 16));
}

}  // namespace
}  // namespace mileage
