// Tier rules, activity months and owner card numbers (members/rules.h, member_store.h).

#include "members/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "common/testing/fake_random.h"
#include "members/member_store.h"

namespace mileage::members {
namespace {

// 2024-03-15T12:00:00Z.
constexpr int64_t kMid2024March = 1710504000;

TEST(MemberNumberTest, NewNumbersAreTwelveDigitsLuhnValidNonZeroFirst) {
  testing::FakeRandom random(7);
  for (int i = 0; i < 2000; ++i) {
    const std::string number = NewMemberNumber(random);
    ASSERT_EQ(number.size(), 12u) << number;
    EXPECT_NE(number[0], '0') << number;
    EXPECT_TRUE(std::all_of(number.begin(), number.end(), [](char c) {
      return c >= '0' && c <= '9';
    })) << number;
    EXPECT_TRUE(IsValidMemberNumber(number)) << number;
  }
}

TEST(MemberNumberTest, NumbersAreRandomNotSequential) {
  testing::FakeRandom random(11);
  std::vector<int64_t> drawn;
  for (int i = 0; i < 1000; ++i) drawn.push_back(std::stoll(NewMemberNumber(random)));
  // No repeats, not in issue order, and no two consecutive draws adjacent in value.
  EXPECT_EQ(std::set<int64_t>(drawn.begin(), drawn.end()).size(), drawn.size());
  EXPECT_FALSE(std::is_sorted(drawn.begin(), drawn.end()));
  for (size_t i = 1; i < drawn.size(); ++i) {
    EXPECT_GT(std::llabs(drawn[i] - drawn[i - 1]), 10) << drawn[i - 1] << " then " << drawn[i];
  }
  // Every digit position takes many values (the draw is not stuck on a pattern).
  for (size_t pos = 0; pos < 11; ++pos) {
    std::set<int64_t> digits;
    for (int64_t n : drawn) digits.insert(std::to_string(n)[pos] - '0');
    EXPECT_GE(digits.size(), pos == 0 ? 9u : 10u) << "position " << pos;
  }
}

TEST(MemberNumberTest, SameSeedSameNumbers) {
  testing::FakeRandom a(3);
  testing::FakeRandom b(3);
  EXPECT_EQ(NewMemberNumber(a), NewMemberNumber(b));
}

TEST(MemberNumberTest, ValidationChecksLengthDigitsAndLuhn) {
  // 79927398713 is the textbook Luhn example; a leading 0 does not change the sum.
  EXPECT_TRUE(IsValidMemberNumber("079927398713"));
  EXPECT_FALSE(IsValidMemberNumber("079927398710"));
  EXPECT_FALSE(IsValidMemberNumber("079927398714"));
  EXPECT_FALSE(IsValidMemberNumber("79927398713"));    // 11 digits
  EXPECT_FALSE(IsValidMemberNumber("0079927398713"));  // 13 digits
  EXPECT_FALSE(IsValidMemberNumber("07992739871a"));
  EXPECT_FALSE(IsValidMemberNumber("0799 7398713"));
  EXPECT_FALSE(IsValidMemberNumber(""));
  // A single changed digit is always caught.
  const std::string good = "079927398713";
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>('0' + (good[i] - '0' + 1) % 10);
    EXPECT_FALSE(IsValidMemberNumber(bad)) << bad;
  }
}

TEST(TierRulesTest, TierRankFindsPolicyIndex) {
  const TierPolicy policy;
  EXPECT_EQ(TierRank(policy, "silver"), 0u);
  EXPECT_EQ(TierRank(policy, "gold"), 1u);
  EXPECT_EQ(TierRank(policy, "platinum"), 2u);
  EXPECT_EQ(TierRank(policy, "diamond"), std::nullopt);
  EXPECT_EQ(TierRank(policy, ""), std::nullopt);
  EXPECT_EQ(TierRank(policy, "Gold"), std::nullopt);
}

TEST(TierRulesTest, QualificationBySpendOrVisits) {
  const TierPolicy policy;  // gold: 500000 fen or 12 visits; platinum: 2000000 or 36
  EXPECT_EQ(QualifiedRank(policy, 0, 0), 0u);
  EXPECT_EQ(QualifiedRank(policy, 499999, 11), 0u);
  EXPECT_EQ(QualifiedRank(policy, 500000, 0), 1u);
  EXPECT_EQ(QualifiedRank(policy, 0, 12), 1u);
  EXPECT_EQ(QualifiedRank(policy, 1999999, 35), 1u);
  EXPECT_EQ(QualifiedRank(policy, 2000000, 0), 2u);
  EXPECT_EQ(QualifiedRank(policy, 10, 36), 2u);
  EXPECT_EQ(QualifiedRank(policy, -5000, 0), 0u);  // net refunds
}

TEST(TierRulesTest, ZeroThresholdIsNotACriterion) {
  TierPolicy policy;
  policy.tiers = {{"basic", 0, 0}, {"vip", 100, 0}};
  EXPECT_EQ(QualifiedRank(policy, 0, 500), 0u);
  EXPECT_EQ(QualifiedRank(policy, 100, 0), 1u);
}

TEST(TierRulesTest, ProgressIsWhatIsLeftToTheNextTier) {
  const TierPolicy policy;  // gold: 500000 fen or 12 visits; platinum: 2000000 or 36
  TierProgress silver = ProgressToNextTier(policy, "silver", 123400, 5);
  EXPECT_EQ(silver.current, "silver");
  EXPECT_EQ(silver.next, "gold");
  EXPECT_EQ(silver.spend_fen_to_next, 376600);
  EXPECT_EQ(silver.visits_to_next, 7);
  // Net refunds count against the member; met thresholds read 0, not negative.
  TierProgress refunded = ProgressToNextTier(policy, "silver", -5000, 14);
  EXPECT_EQ(refunded.spend_fen_to_next, 505000);
  EXPECT_EQ(refunded.visits_to_next, 0);
  TierProgress gold = ProgressToNextTier(policy, "gold", 2500000, 0);
  EXPECT_EQ(gold.next, "platinum");
  EXPECT_EQ(gold.spend_fen_to_next, 0);
  EXPECT_EQ(gold.visits_to_next, 36);
}

TEST(TierRulesTest, NoProgressAtTheTopOrOutsideThePolicy) {
  const TierPolicy policy;
  for (const char* tier : {"platinum", "diamond", ""}) {
    TierProgress progress = ProgressToNextTier(policy, tier, 0, 0);
    EXPECT_EQ(progress.current, tier);
    EXPECT_EQ(progress.next, std::nullopt) << tier;
    EXPECT_EQ(progress.spend_fen_to_next, std::nullopt) << tier;
    EXPECT_EQ(progress.visits_to_next, std::nullopt) << tier;
  }
}

TEST(TierRulesTest, AZeroThresholdIsNoDistance) {
  TierPolicy policy;
  policy.tiers = {{"basic", 0, 0}, {"vip", 0, 10}};
  TierProgress progress = ProgressToNextTier(policy, "basic", 999999, 4);
  EXPECT_EQ(progress.next, "vip");
  EXPECT_EQ(progress.spend_fen_to_next, std::nullopt);
  EXPECT_EQ(progress.visits_to_next, 6);
}

TEST(TierRulesTest, PolicyValidation) {
  EXPECT_TRUE(ValidateTierPolicy(TierPolicy{}).ok());
  auto reason = [](const TierPolicy& p) { return std::string(ValidateTierPolicy(p).reason()); };
  TierPolicy empty;
  empty.tiers.clear();
  EXPECT_EQ(reason(empty), "INVALID_TIER_POLICY");
  TierPolicy first_with_threshold;
  first_with_threshold.tiers[0].min_visits = 1;
  EXPECT_EQ(reason(first_with_threshold), "INVALID_TIER_POLICY");
  TierPolicy repeated;
  repeated.tiers[2].name = "gold";
  EXPECT_EQ(reason(repeated), "INVALID_TIER_POLICY");
  TierPolicy no_threshold;
  no_threshold.tiers[1] = {"gold", 0, 0};
  EXPECT_EQ(reason(no_threshold), "INVALID_TIER_POLICY");
  TierPolicy negative;
  negative.tiers[1].min_spend_fen = -1;
  EXPECT_EQ(reason(negative), "INVALID_TIER_POLICY");
  TierPolicy bad_name;
  bad_name.tiers[1].name = "Gold Tier";
  EXPECT_EQ(reason(bad_name), "INVALID_TIER_POLICY");
  TierPolicy long_name;
  long_name.tiers[1].name = std::string(33, 'g');
  EXPECT_EQ(reason(long_name), "INVALID_TIER_POLICY");
  TierPolicy bad_grace;
  bad_grace.grace_days = -1;
  EXPECT_EQ(reason(bad_grace), "INVALID_TIER_POLICY");
}

TEST(ActivityMonthTest, RollingWindowIsTwelveMonths) {
  const MonthRange window = RollingWindow(kMid2024March);
  EXPECT_EQ(window.first, 202304);
  EXPECT_EQ(window.last, 202403);
  // Months are Beijing months: 2024-12-31 23:59:59 and 2025-01-01 00:00:00 in Beijing.
  const MonthRange december = RollingWindow(1735660799);
  EXPECT_EQ(december.first, 202401);
  EXPECT_EQ(december.last, 202412);
  const MonthRange january = RollingWindow(1735660800);
  EXPECT_EQ(january.first, 202402);
  EXPECT_EQ(january.last, 202501);
}

TEST(ActivityMonthTest, SummaryText) {
  EXPECT_EQ(ActivitySummary(523000, 13), "spend 523000 fen, 13 visits in 12 months");
}

}  // namespace
}  // namespace mileage::members
