// PointsFor and ExpiryPolicy::ExpiresAt (points/earning_rules.h): pure arithmetic, no database.

#include "points/earning_rules.h"

#include <gtest/gtest.h>

#include <limits>

namespace mileage::points {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

EarningRule Rule(int64_t points_per_yuan, std::map<std::string, int64_t> tiers = {},
                 int64_t cap = 0) {
  EarningRule rule;
  rule.points_per_yuan = points_per_yuan;
  rule.tier_multiplier_percent = std::move(tiers);
  rule.cap_per_payment = cap;
  return rule;
}

TEST(PointsForTest, DefaultRuleEarnsOnePointPerWholeYuan) {
  EarningRule rule;  // 1 point per yuan, no tiers, no cap
  EXPECT_EQ(PointsFor(rule, "", 12345), 123);
  EXPECT_EQ(PointsFor(rule, "", 100), 1);
  EXPECT_EQ(PointsFor(rule, "", 99), 0);
}

TEST(PointsForTest, FloorsAfterApplyingTheRateToTheWholeAmount) {
  // 1.99 yuan at 3 points per yuan is 5.97 points: 5, not floor(1.99) * 3 = 3.
  EXPECT_EQ(PointsFor(Rule(3), "", 199), 5);
  EXPECT_EQ(PointsFor(Rule(7), "", 1), 0);
  EXPECT_EQ(PointsFor(Rule(250), "", 1), 2);
}

TEST(PointsForTest, AppliesTheTierMultiplierInPercentAndFloors) {
  const EarningRule rule = Rule(1, {{"gold", 150}, {"platinum", 200}, {"banned", 0}});
  EXPECT_EQ(PointsFor(rule, "gold", 12345), 184);  // 123 * 1.5 = 184.5
  EXPECT_EQ(PointsFor(rule, "platinum", 12345), 246);
  EXPECT_EQ(PointsFor(rule, "silver", 12345), 123);  // unlisted tiers earn 100%
  EXPECT_EQ(PointsFor(rule, "", 12345), 123);
  EXPECT_EQ(PointsFor(rule, "banned", 12345), 0);
  EXPECT_EQ(PointsFor(rule, "gold", 300), 4);  // 3 * 1.5 = 4.5
}

TEST(PointsForTest, CapsAfterTheMultiplier) {
  const EarningRule rule = Rule(1, {{"gold", 200}}, 500);
  EXPECT_EQ(PointsFor(rule, "", 1000000), 500);
  EXPECT_EQ(PointsFor(rule, "gold", 30000), 500);  // 600 before the cap
  EXPECT_EQ(PointsFor(rule, "gold", 20000), 400);
  EXPECT_EQ(PointsFor(Rule(1, {}, 0), "", 1000000), 10000);  // 0 = no cap
}

TEST(PointsForTest, NothingForNonPositiveAmountsOrRates) {
  EXPECT_EQ(PointsFor(Rule(1), "", 0), 0);
  EXPECT_EQ(PointsFor(Rule(1), "", -10000), 0);
  EXPECT_EQ(PointsFor(Rule(0), "", 10000), 0);
  EXPECT_EQ(PointsFor(Rule(-5), "", 10000), 0);
}

TEST(PointsForTest, HugeAmountsDoNotOverflow) {
  const int64_t ten_billion_yuan = 1000000000000;  // 10^12 fen
  EXPECT_EQ(PointsFor(Rule(1), "", ten_billion_yuan), 10000000000);
  // 10^12 * 10^7 = 10^19 exceeds int64 before the division by 100.
  EXPECT_EQ(PointsFor(Rule(10000000, {{"gold", 150}}), "gold", ten_billion_yuan),
            150000000000000000);
  EXPECT_EQ(PointsFor(Rule(10000000, {{"gold", 150}}), "gold", ten_billion_yuan + 1),
            150000000000150000);  // one more fen: + floor(10^7 / 100) * 1.5
  // Beyond int64 the result saturates rather than wrapping negative; a cap still applies.
  EXPECT_EQ(PointsFor(Rule(kMax), "", ten_billion_yuan), kMax);
  EXPECT_EQ(PointsFor(Rule(kMax, {{"gold", 1000000}}), "gold", kMax), kMax);
  EXPECT_EQ(PointsFor(Rule(kMax, {}, 1000), "", ten_billion_yuan), 1000);
}

// Unix seconds of the cases below, all Beijing times (UTC+8), from Python's
// datetime(..., tzinfo=timezone(timedelta(hours=8))).timestamp().
constexpr int64_t k20240115Noon = 1705291200;
constexpr int64_t k20240229End = 1709222399;  // 2024-02-29 23:59:59
constexpr int64_t k20240310 = 1710000000;
constexpr int64_t k20260331End = 1774972799;

TEST(ExpiryPolicyTest, EndsAtTheLastBeijingSecondOfTheMonthMonthsLater) {
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(k20240115Noon)), k20240229End);  // leap February
  EXPECT_EQ((ExpiryPolicy{24}.ExpiresAt(k20240310)), k20260331End);
  // The first and the last second of a month expire together.
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(1709222400)), 1714492799);  // 2024-03-01 -> 04-30
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(1711900799)), 1714492799);  // 2024-03-31 23:59:59
  // 2024-02-29T23:59:59Z is already March 1st in Beijing.
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(1709251199)), 1714492799);
}

TEST(ExpiryPolicyTest, MonthLengthsAndLeapYears) {
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(1675094400)), 1677599999);     // 2023-01-31 -> 2023-02-28
  EXPECT_EQ((ExpiryPolicy{12}.ExpiresAt(1676390400)), k20240229End);  // 2023-02 -> 2024-02-29
  EXPECT_EQ((ExpiryPolicy{12}.ExpiresAt(4074768000)), 4107513599);    // 2100 is not a leap year
  EXPECT_EQ((ExpiryPolicy{12}.ExpiresAt(917798400)), 951839999);      // 2000 is one
}

TEST(ExpiryPolicyTest, RollsOverDecember) {
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(1735660799)), 1738339199);   // 2024-12-31 -> 2025-01-31
  EXPECT_EQ((ExpiryPolicy{2}.ExpiresAt(1730390400)), 1738339199);   // 2024-11-01 -> 2025-01-31
  EXPECT_EQ((ExpiryPolicy{11}.ExpiresAt(1735660800)), 1767196799);  // 2025-01-01 -> 2025-12-31
  EXPECT_EQ((ExpiryPolicy{1}.ExpiresAt(-32400)), 2649599);          // 1969-12-31 -> 1970-01-31
}

TEST(ExpiryPolicyTest, ZeroMonthsNeverExpires) {
  EXPECT_EQ((ExpiryPolicy{0}.ExpiresAt(k20240115Noon)), 0);
  EXPECT_EQ((ExpiryPolicy{-3}.ExpiresAt(k20240115Noon)), 0);
  EXPECT_EQ((ExpiryPolicy{kMax}.ExpiresAt(k20240115Noon)), kMax);
}

TEST(ExpiryPolicyTest, DefaultIsTwentyFourMonths) {
  EXPECT_EQ(ExpiryPolicy{}.ExpiresAt(k20240310), k20260331End);
}

}  // namespace
}  // namespace mileage::points
