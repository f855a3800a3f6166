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

TEST(CommitsImplicitlyTest, DdlAfterBlanksAndCommentsInAnyCase) {
  EXPECT_TRUE(CommitsImplicitly("CREATE TABLE a (x INT)"));
  EXPECT_TRUE(CommitsImplicitly("\n  alter table a ADD COLUMN y INT"));
  EXPECT_TRUE(CommitsImplicitly("-- why\n/* and how */ # more\nDROP INDEX i ON a"));
  EXPECT_TRUE(CommitsImplicitly("Rename TABLE a TO b"));
  EXPECT_TRUE(CommitsImplicitly("TRUNCATE(a)"));
}

TEST(CommitsImplicitlyTest, DataStatementsAndEmptyOrUnclosedTextDoNot) {
  EXPECT_FALSE(CommitsImplicitly("INSERT INTO a VALUES (1)"));
  EXPECT_FALSE(CommitsImplicitly("SELECT 'CREATE'"));
  EXPECT_FALSE(CommitsImplicitly("CREATED_AT = 1"));
  EXPECT_FALSE(CommitsImplicitly("-- CREATE TABLE a"));
  EXPECT_FALSE(CommitsImplicitly("/* CREATE TABLE a"));
  EXPECT_FALSE(CommitsImplicitly("   "));
  EXPECT_FALSE(CommitsImplicitly(""));
}

}  // namespace
}  // namespace mileage::db
