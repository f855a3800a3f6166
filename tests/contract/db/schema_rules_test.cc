// Rules every MySQL/MariaDB table of the migrated schema must follow so that Mileage runs on
// MariaDB Galera (docs/OPERATIONS.md "Galera"): a primary key (Galera replicates rows by key;
// without one, a replicated DELETE or UPDATE scans the table on every node and row-based
// certification cannot tell conflicting writes apart) and InnoDB (Galera replicates nothing
// else). A migration that breaks a rule fails here, naming the tables.
#include <gtest/gtest.h>

#include <string>

#include "db/db.h"
#include "tests/support/test_database.h"

namespace mileage::testing {
namespace {

constexpr const char* kWithoutPrimaryKey =
    "NOT EXISTS (SELECT 1 FROM information_schema.table_constraints c WHERE c.table_schema = "
    "t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')";

// The names of the migrated schema's tables that `condition` (on information_schema.tables t)
// selects, comma-separated; "" when none.
std::string TablesWhere(TestDatabase& database, const std::string& condition) {
  Result<db::PooledConnection> conn = database.db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return "<no connection>";
  Result<std::vector<db::Row>> rows = (*conn)->Query(
      "SELECT t.table_name FROM information_schema.tables t WHERE t.table_schema = DATABASE() "
      "AND t.table_type = 'BASE TABLE' AND " +
      condition + " ORDER BY t.table_name");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return "<query failed>";
  std::string names;
  for (const db::Row& row : *rows) names += (names.empty() ? "" : ", ") + row.Text(0);
  return names;
}

class MysqlSchemaRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(Backend::kMysql);
    if (database_ == nullptr) return;
    ASSERT_GT(database_->Scalar("SELECT COUNT(*) FROM information_schema.tables "
                                "WHERE table_schema = DATABASE()"),
              10)
        << "the schema was not migrated";
  }
  std::unique_ptr<TestDatabase> database_;
};

TEST_F(MysqlSchemaRulesTest, EveryTableHasAPrimaryKey) {
  if (database_ == nullptr) return;
  EXPECT_EQ(TablesWhere(*database_, kWithoutPrimaryKey), "")
      << "tables without a primary key (fix them in a new migration)";
}

TEST_F(MysqlSchemaRulesTest, EveryTableIsInnoDb) {
  if (database_ == nullptr) return;
  EXPECT_EQ(TablesWhere(*database_, "t.engine <> 'InnoDB'"), "")
      << "tables on another engine (Galera replicates InnoDB only)";
}

// The test of the rule itself: a table without a key is reported.
TEST_F(MysqlSchemaRulesTest, ATableWithoutAPrimaryKeyIsNamed) {
  if (database_ == nullptr) return;
  {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("CREATE TABLE keyless_probe (v INT) ENGINE=InnoDB").ok());
  }
  EXPECT_EQ(TablesWhere(*database_, kWithoutPrimaryKey), "keyless_probe");
}

}  // namespace
}  // namespace mileage::testing
