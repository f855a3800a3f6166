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

TEST(RowTest, LosslessConversionsAndNullRead) {
  Row row({Value(nullptr), Value(std::string("-17")), Value(int64_t{7}),
           Value(std::string("9223372036854775807"))});
  EXPECT_EQ(row.Int(0), 0);  // NULL reads as 0 / ""; IsNull and Optional* tell it apart
  EXPECT_EQ(row.Text(0), "");
  EXPECT_EQ(row.Int(1), -17);  // integers a driver returned as text still read as integers
  EXPECT_EQ(row.Text(2), "7");
  EXPECT_EQ(row.Int(3), std::numeric_limits<int64_t>::max());
}

// A wrong column index or a value Int cannot read is a programming error: it must not become
// a silent 0 (a member_id 0). Test builds have no NDEBUG, so it aborts naming the caller.
TEST(RowDeathTest, AColumnTheRowDoesNotHaveAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Row row({Value(int64_t{1}), Value(std::string("a"))});
  EXPECT_DEATH((void)row.Int(2), R"(db::Row::Int\(2\) at .*row_test\.cc:[0-9]+ on a row of 2 )"
                                 R"(columns: no such column)");
  EXPECT_DEATH((void)row.Text(9), R"(db::Row::Text\(9\) .*no such column)");
  EXPECT_DEATH((void)row.IsNull(2), R"(db::Row::IsNull\(2\) .*no such column)");
  EXPECT_DEATH((void)row.OptionalInt(2), R"(db::Row::IsNull\(2\) .*no such column)");
  EXPECT_DEATH((void)row.OptionalText(3), R"(db::Row::IsNull\(3\) .*no such column)");
  EXPECT_DEATH((void)row.value(2), R"(db::Row::value\(2\) .*no such column)");
  const Row empty({});
  EXPECT_DEATH((void)empty.Int(0), R"(on a row of 0 columns: no such column)");
}

TEST(RowDeathTest, IntOfTextThatIsNotAnIntegerAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Row row({Value(std::string("not a number")), Value(std::string("12.50")),
                 Value(std::string("")), Value(std::string("99999999999999999999")),
                 Value(std::string(" 7"))});
  // The value itself is never logged (it may be personal data): only its size.
  EXPECT_DEATH((void)row.Int(0), R"(db::Row::Int\(0\) .*the value is text of 12 bytes that is )"
                                 R"(not an integer)");
  EXPECT_DEATH((void)row.Int(1), R"(Int\(1\) .*text of 5 bytes that is not an integer)");
  EXPECT_DEATH((void)row.Int(2), R"(Int\(2\) .*text of 0 bytes that is not an integer)");
  EXPECT_DEATH((void)row.Int(3), R"(Int\(3\) .*text of 20 bytes that is not an integer)");
  EXPECT_DEATH((void)row.OptionalInt(4), R"(Int\(4\) .*not an integer)");
}

TEST(RowTest, TextIsBinarySafe) {
  const std::string bytes("a\0b\xff", 4);
  Row row({Value(bytes)});
  EXPECT_EQ(row.Text(0), bytes);
  EXPECT_EQ(row.Text(0).size(), 4u);
}

}  // namespace
}  // namespace mileage::db
