#include "points/refund_math.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace mileage::points {
namespace {

TEST(RefundMathTest, APartialRefundReversesItsShareRoundedDown) {
  RefundEffect e = ComputeRefundEffect(10000, 100, 0, 0, 3333);
  EXPECT_EQ(e.refunded_after, 3333);
  EXPECT_EQ(e.points_to_reverse, 33);
}

TEST(RefundMathTest, PartialRefundsAddUpToExactlyThePointsEarned) {
  int64_t refunded = 0, reversed = 0;
  for (int64_t part : {3333, 3333, 3334}) {
    RefundEffect e = ComputeRefundEffect(10000, 100, refunded, reversed, part);
    refunded = e.refunded_after;
    reversed += e.points_to_reverse;
  }
  EXPECT_EQ(refunded, 10000);
  EXPECT_EQ(reversed, 100);
}

TEST(RefundMathTest, ManyOneFenRefundsNeverReverseMoreThanEarned) {
  int64_t refunded = 0, reversed = 0;
  for (int i = 0; i < 997; ++i) {
    RefundEffect e = ComputeRefundEffect(997, 7, refunded, reversed, 1);
    refunded = e.refunded_after;
    reversed += e.points_to_reverse;
    ASSERT_LE(reversed, 7 * refunded / 997 + 0);
  }
  EXPECT_EQ(reversed, 7);
}

TEST(RefundMathTest, RefundsBeyondTheAmountCountOnlyUpToIt) {
  RefundEffect e = ComputeRefundEffect(1000, 10, 800, 8, 500);
  EXPECT_EQ(e.refunded_after, 1000);
  EXPECT_EQ(e.points_to_reverse, 2);
  RefundEffect after = ComputeRefundEffect(1000, 10, 1000, 10, 500);
  EXPECT_EQ(after.refunded_after, 1000);
  EXPECT_EQ(after.points_to_reverse, 0);
}

TEST(RefundMathTest, APaymentThatEarnedNothingReversesNothing) {
  EXPECT_EQ(ComputeRefundEffect(99, 0, 0, 0, 99).points_to_reverse, 0);
  EXPECT_EQ(ComputeRefundEffect(0, 0, 0, 0, 10).refunded_after, 0);
}

TEST(RefundMathTest, HugeValuesDoNotOverflow) {
  const int64_t big = std::numeric_limits<int64_t>::max() / 2;
  RefundEffect e = ComputeRefundEffect(big, big, 0, 0, big / 2);
  EXPECT_EQ(e.refunded_after, big / 2);
  EXPECT_EQ(e.points_to_reverse, big / 2);
}

}  // namespace
}  // namespace mileage::points
