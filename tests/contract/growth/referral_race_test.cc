#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/contract/growth/referral_fixture.h"
#include "tests/support/together.h"

namespace mileage::growth {
namespace {

class ReferralRaceTest : public ReferralTest {
 protected:
  int PoolSize() override { return 16; }
};

// Many referees of one referrer make their first payments at once: exactly `cap` of them reward
// the referrer, every referee is rewarded, and the month's counter says `cap`.
TEST_P(ReferralRaceTest, TheMonthlyCapHoldsUnderConcurrentFirstPayments) {
  constexpr int kReferees = 12;
  constexpr int kCap = 3;
  PutRule(tree_.brand, kCap);
  const Owner a = NewOwner(tree_.store_a1);
  std::vector<Owner> referees;
  for (int i = 0; i < kReferees; ++i) {
    referees.push_back(NewOwner(tree_.store_a1));
    COUPONS_ASSERT_OK(Attach(referees.back(), a));
  }
  std::vector<Status> results(kReferees);
  testing::RunTogether(kReferees, [&](int i) {
    results[i] = Pay(referees[i].openid, tree_.store_a1, 10000 + i, kNow + 60 * i,
                     "tx-race-" + std::to_string(i));
  });
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();

  EXPECT_EQ(States(), "rewarded:" + std::to_string(kCap) +
                          ",capped:" + std::to_string(kReferees - kCap) + ",");
  EXPECT_EQ(QueryInt("SELECT rewarded FROM referral_month_counts WHERE referrer_member_id = ?",
                     {db::Value(a.id)}),
            kCap);
  EXPECT_EQ(BalanceOf(a.id).balance, kCap * 500);
  for (int i = 0; i < kReferees; ++i) {
    EXPECT_EQ(BalanceOf(referees[i].id).balance,
              PaymentPoints("tx-race-" + std::to_string(i)) + 200);
  }
  EXPECT_EQ(LedgerSum(tree_.brand.brand_id), 0);
}

// One new owner opens several members' codes at once: the first attach wins, once.
TEST_P(ReferralRaceTest, OneReferrerPerRefereeUnderConcurrentAttaches) {
  constexpr int kReferrers = 8;
  PutRule(tree_.brand);
  std::vector<Owner> referrers;
  std::vector<std::string> codes;
  for (int i = 0; i < kReferrers; ++i) {
    referrers.push_back(NewOwner(tree_.store_a1));
    codes.push_back(CodeOf(referrers.back()));
  }
  const Owner b = NewOwner(tree_.store_a1);
  std::vector<Status> results(kReferrers);
  testing::RunTogether(kReferrers, [&](int i) {
    results[i] = StatusOf(referrals().Attach(b.principal(), codes[i], kNow));
  });
  int ok = 0;
  for (const Status& s : results) {
    if (s.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(s.reason(), "ALREADY_REFERRED") << s.ToString();
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM referrals"), 1);
}

// Pairs of members open each other's codes at once: one of each pair is attached, never both.
TEST_P(ReferralRaceTest, NoLoopUnderConcurrentMutualAttaches) {
  constexpr int kPairs = 6;
  PutRule(tree_.brand);
  std::vector<Owner> left, right;
  for (int i = 0; i < kPairs; ++i) {
    left.push_back(NewOwner(tree_.store_a1));
    right.push_back(NewOwner(tree_.store_a1));
    CodeOf(left.back());
    CodeOf(right.back());
  }
  std::vector<Status> results(2 * kPairs);
  testing::RunTogether(2 * kPairs, [&](int i) {
    const int pair = i / 2;
    results[i] = i % 2 == 0 ? StatusOf(Attach(left[pair], right[pair]))
                            : StatusOf(Attach(right[pair], left[pair]));
  });
  for (int pair = 0; pair < kPairs; ++pair) {
    const Status& a = results[2 * pair];
    const Status& b = results[2 * pair + 1];
    EXPECT_NE(a.ok(), b.ok()) << a.ToString() << " / " << b.ToString();
    EXPECT_EQ((a.ok() ? b : a).reason(), "REFERRAL_LOOP");
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM referrals"), kPairs);
}

MILEAGE_COUPONS_TEST_SUITE(ReferralRaceTest);

}  // namespace
}  // namespace mileage::growth
