#include "common/percent_decode.h"

#include <gtest/gtest.h>

namespace mileage {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndKeepsTheRest) {
  EXPECT_EQ(PercentDecode("p%40ss%3Aw%2fd"), "p@ss:w/d");
  EXPECT_EQ(PercentDecode("plain"), "plain");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_EQ(PercentDecode("%00"), std::string(1, '\0'));
}

TEST(PercentDecodeTest, MalformedOrTruncatedEscapesAreRejected) {
  for (const char* bad : {"%", "%4", "abc%", "%zz", "%g0", "x%4"}) {
    EXPECT_EQ(PercentDecode(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace mileage
