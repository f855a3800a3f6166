#include "db/sql_dialect.h"

#include <gtest/gtest.h>

namespace mileage::db {
namespace {

TEST(SqlDialectTest, InsertIgnore) {
  EXPECT_EQ(InsertIgnoreInto(Dialect::kSqlite), "INSERT OR IGNORE INTO");
  EXPECT_EQ(InsertIgnoreInto(Dialect::kMysql), "INSERT IGNORE INTO");
}

TEST(SqlDialectTest, InsertedValue) {
  EXPECT_EQ(InsertedValue(Dialect::kSqlite, "balance"), "excluded.balance");
  EXPECT_EQ(InsertedValue(Dialect::kMysql, "balance"), "VALUES(balance)");
}

TEST(SqlDialectTest, UpsertClauseUpdatesTheGivenColumns) {
  EXPECT_EQ(UpsertClause(Dialect::kSqlite, {"scope", "idem_key"}, {"status", "body"}),
            " ON CONFLICT (scope, idem_key) DO UPDATE SET status = excluded.status, "
            "body = excluded.body");
  EXPECT_EQ(UpsertClause(Dialect::kMysql, {"scope", "idem_key"}, {"status", "body"}),
            " ON DUPLICATE KEY UPDATE status = VALUES(status), body = VALUES(body)");
}

TEST(SqlDialectTest, UpsertClauseWithoutUpdatesKeepsTheRow) {
  EXPECT_EQ(UpsertClause(Dialect::kSqlite, {"id"}, {}), " ON CONFLICT (id) DO NOTHING");
  EXPECT_EQ(UpsertClause(Dialect::kMysql, {"id"}, {}), " ON DUPLICATE KEY UPDATE id = id");
}

TEST(SqlDialectTest, LockingReadAndBegin) {
  EXPECT_EQ(ForUpdate(Dialect::kSqlite), "");
  EXPECT_EQ(ForUpdate(Dialect::kMysql), " FOR UPDATE");
  EXPECT_EQ(BeginStatement(Dialect::kSqlite), "BEGIN IMMEDIATE");
  EXPECT_EQ(BeginStatement(Dialect::kMysql), "START TRANSACTION");
}

// The report queries group Unix times into days with it; MySQL's "/" would answer a decimal.
TEST(SqlDialectTest, IntegerDivide) {
  EXPECT_EQ(IntegerDivide(Dialect::kSqlite, "t + 28800", "86400"), "(t + 28800) / (86400)");
  EXPECT_EQ(IntegerDivide(Dialect::kMysql, "t + 28800", "86400"), "(t + 28800) DIV (86400)");
}

}  // namespace
}  // namespace mileage::db
