#include "common/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace mileage {
namespace {

TEST(MoneyTest, ArithmeticInFen) {
  Money price = Money::Yuan(12) + Money::Fen(34);
  EXPECT_EQ(price.fen(), 1234);
  EXPECT_EQ((price - Money::Fen(1300)).fen(), -66);
  EXPECT_LT(Money::Fen(1), Money::Fen(2));
}

TEST(MoneyTest, YuanString) {
  EXPECT_EQ(Money::Fen(1234).ToYuanString(), "12.34");
  EXPECT_EQ(Money::Fen(5).ToYuanString(), "0.05");
  EXPECT_EQ(Money::Fen(-5).ToYuanString(), "-0.05");
  EXPECT_EQ(Money::Fen(0).ToYuanString(), "0.00");
  EXPECT_EQ(Money::Fen(std::numeric_limits<int64_t>::min()).ToYuanString(),
            "-92233720368547758.08");
}

}  // namespace
}  // namespace mileage
