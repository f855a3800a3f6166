#include "db/sql_script.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mileage::db {
namespace {

using ::testing::ElementsAre;

TEST(SplitSqlScriptTest, SplitsAtSemicolonsAndDropsEmptyStatements) {
  EXPECT_THAT(SplitSqlScript("CREATE TABLE a (x INT);\n\n  INSERT INTO a VALUES (1) ;;\n"),
              ElementsAre("CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)"));
  EXPECT_THAT(SplitSqlScript("SELECT 1"), ElementsAre("SELECT 1"));
  EXPECT_TRUE(SplitSqlScript("  \n;\n").empty());
}

TEST(SplitSqlScriptTest, IgnoresSemicolonsInQuotesAndComments) {
  EXPECT_THAT(
      SplitSqlScript("INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;');\n"
                     "-- a comment; with a semicolon\n"
                     "# another; one\n"
                     "/* block; comment */ UPDATE `we;ird` SET x = 'e\\';f';"),
      ElementsAre("INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;')",
                  "-- a comment; with a semicolon\n# another; one\n/* block; comment */ UPDATE "
                  "`we;ird` SET x = 'e\\';f'"));
}

TEST(SplitSqlScriptTest, DropsTrailingCommentOnlyPiece) {
  EXPECT_THAT(SplitSqlScript("CREATE TABLE a (x INT);\n-- the end\n/* really */\n"),
              ElementsAre("CREATE TABLE a (x INT)"));
}

TEST(SqlForMessageTest, CollapsesWhitespaceAndTruncates) {
  EXPECT_EQ(SqlForMessage("  SELECT a,\n\t b   FROM t  "), "SELECT a, b FROM t");
  EXPECT_EQ(SqlForMessage("SELECT 123456789", 6), "SELECT...");
}

}  // namespace
}  // namespace mileage::db
