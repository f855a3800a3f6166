#include "kv/kv_integer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace mileage::kv {
namespace {

TEST(ParseKvIntegerTest, AcceptsCanonicalIntegers) {
  EXPECT_EQ(ParseKvInteger("0"), 0);
  EXPECT_EQ(ParseKvInteger("7"), 7);
  EXPECT_EQ(ParseKvInteger("-42"), -42);
  EXPECT_EQ(ParseKvInteger("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseKvInteger("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(ParseKvIntegerTest, RejectsWhatRedisRejects) {
  for (const char* text :
       {"", "-", "+1", " 1", "1 ", "01", "-0", "007", "1.5", "1e3", "abc", "0x10",
        "9223372036854775808", "-9223372036854775809", "123456789012345678901"}) {
    EXPECT_EQ(ParseKvInteger(text), std::nullopt) << text;
  }
  EXPECT_EQ(ParseKvInteger(std::string_view("1\0", 2)), std::nullopt);
}

}  // namespace
}  // namespace mileage::kv
