#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/testing/fake_clock.h"
#include "db/migrate.h"
#include "server/storage.h"
#include "tests/support/external.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {

// A migration test's database: the schema a deployment had before migration `version`, on the
// test's backend (SQLite in a temporary directory, or a private database on the MariaDB of
// MILEAGE_TEST_MYSQL_URL), for a test that fills old rows, migrates and reads what became of
// them. Derived tests set config_ (e.g. its data key) before OpenBefore.
class MigrationFixture : public ::testing::TestWithParam<Backend> {
 protected:
  // Opens the database of config_ and applies the embedded migrations below `version`.
  void OpenBefore(int version) {
    if (GetParam() == Backend::kMysql) {
      bool skip = false;
      const std::string url = ExternalServerUrl("MILEAGE_TEST_MYSQL_URL", &skip);
      if (url.empty()) {
        if (skip) GTEST_SKIP() << "MILEAGE_TEST_MYSQL_URL is not set";
        FAIL() << "MILEAGE_TEST_MYSQL_URL is not set";
      }
      Result<std::unique_ptr<PrivateMysqlDatabase>> database = PrivateMysqlDatabase::Create(url);
      ASSERT_TRUE(database.ok()) << database.status().ToString();
      mysql_ = std::move(database).value();
      config_.database = mysql_->url();
    }
    Result<std::unique_ptr<db::Db>> opened = server::OpenDatabase(config_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
    std::vector<db::Migration> before;
    for (const db::Migration& m : db::EmbeddedMigrations(db_->dialect())) {
      if (m.version < version) before.push_back(m);
    }
    ASSERT_TRUE(db::Migrate(*db_, clock_, before).ok());
  }

  void TearDown() override {
    if (db_ != nullptr) db_->Close();
    db_.reset();
    mysql_.reset();
  }

  // The first value of `sql`'s first row as text: "NULL" for a NULL, "<none>" without a row.
  std::string Text(const std::string& sql) {
    Result<db::PooledConnection> conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return "?";
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    if (!rows.ok() || rows->empty()) return "<none>";
    return (*rows)[0].IsNull(0) ? "NULL" : (*rows)[0].Text(0);
  }

  TempDir dir_;
  FakeClock clock_{TimePoint(std::chrono::seconds(1'795'000'000))};
  Config config_ = EmbeddedConfig(dir_);
  std::unique_ptr<PrivateMysqlDatabase> mysql_;
  std::unique_ptr<db::Db> db_;
};

}  // namespace mileage::testing
