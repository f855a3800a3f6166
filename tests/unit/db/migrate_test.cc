#include "db/migrate.h"

#include <gtest/gtest.h>

namespace mileage::db {
namespace {

TEST(MigrationTest, FileNameAndChecksum) {
  Migration m{7, "add_things", "CREATE TABLE things (id INT);"};
  EXPECT_EQ(MigrationFileName(m), "0007_add_things.sql");
  EXPECT_EQ(MigrationChecksum(Migration{1, "x", ""}),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string sum = MigrationChecksum(m);
  EXPECT_EQ(sum.size(), 64u);
  m.sql += " ";
  EXPECT_NE(MigrationChecksum(m), sum);
}

TEST(MigrationTest, BothDialectsEmbedTheSameMigrationsInOrder) {
  const std::vector<Migration> sqlite = EmbeddedMigrations(Dialect::kSqlite);
  const std::vector<Migration> mysql = EmbeddedMigrations(Dialect::kMysql);
  ASSERT_FALSE(sqlite.empty());
  ASSERT_EQ(sqlite.size(), mysql.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, mysql[i].version);
    EXPECT_EQ(sqlite[i].name, mysql[i].name);
    if (i > 0) {
      EXPECT_GT(sqlite[i].version, sqlite[i - 1].version);
    }
  }
  EXPECT_EQ(MigrationFileName(sqlite[0]), "0001_idempotency_keys.sql");
  EXPECT_NE(sqlite[0].sql.find("CREATE TABLE idempotency_keys"), std::string::npos);
  EXPECT_NE(mysql[0].sql.find("ENGINE=InnoDB"), std::string::npos);
}

}  // namespace
}  // namespace mileage::db
