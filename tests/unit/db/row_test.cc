#include <gtest/gtest.h>

#include <limits>

#include "db/db.h"

namespace mileage::db {
namespace {

TEST(RowTest, TypedAccessors) {
  Row row({Value(nullptr), Value(int64_t{42}), Value(std::string("abc")),
           Value(std::numeric_limits<int64_t>::min())});
  EXPECT_EQ(row.size(), 4u);
  EXPECT_TRUE(row.IsNull(0));
  EXPECT_FALSE(row.IsNull(1));
  EXPECT_EQ(row.Int(1), 42);
  EXPECT_EQ(row.Text(2), "abc");
  EXPECT_EQ(row.Int(3), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(row.OptionalInt(0), std::nullopt);
  EXPECT_EQ(row.OptionalInt(1), 42);
  EXPECT_EQ(row.OptionalText(0), std::nullopt);
  EXPECT_EQ(row.OptionalText(2), "abc");
}

TEST(RowTest, MismatchesAndOutOfRangeYieldZeroValues) {
  Row row({Value(nullptr), Value(std::string("not a number")), Value(std::string("-17")),
           Value(int64_t{7})});
  EXPECT_EQ(row.Int(0), 0);
  EXPECT_EQ(row.Text(0), "");
  EXPECT_EQ(row.Int(1), 0);
  EXPECT_EQ(row.Int(2), -17);  // integers a driver returned as text still read as integers
  EXPECT_EQ(row.Text(3), "7");
  EXPECT_EQ(row.Int(9), 0);
  EXPECT_EQ(row.Text(9), "");
  EXPECT_TRUE(row.IsNull(9));
}

TEST(RowTest, TextIsBinarySafe) {
  const std::string bytes("a\0b\xff", 4);
  Row row({Value(bytes)});
  EXPECT_EQ(row.Text(0), bytes);
  EXPECT_EQ(row.Text(0).size(), 4u);
}

}  // namespace
}  // namespace mileage::db
