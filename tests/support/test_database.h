#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/result.h"
#include "db/db.h"

namespace mileage::testing {

// The storage a test runs on. Suites that must pass on both are parameterized over it
// (INSTANTIATE_TEST_SUITE_P(..., ::testing::Values(Backend::kSqlite, Backend::kMysql),
// BackendName)).
enum class Backend { kSqlite, kMysql };

// "Sqlite" or "Mysql", for test names.
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// A database of its own for one test on the server of MILEAGE_TEST_MYSQL_URL, dropped when
// destroyed.
class PrivateMysqlDatabase {
 public:
  // Errors: Unavailable when the server cannot be reached; InvalidArgument for a bad URL.
  static Result<std::unique_ptr<PrivateMysqlDatabase>> Create(const std::string& server_url);
  ~PrivateMysqlDatabase();
  // mysql://user:password@host:port/<the private database>
  const std::string& url() const { return url_; }

 private:
  PrivateMysqlDatabase() = default;
  std::unique_ptr<db::Db> admin_;
  std::string name_;
  std::string url_;
};

// A fresh, migrated database for one test: a SQLite file in a temporary directory, or a
// private database on the MariaDB of MILEAGE_TEST_MYSQL_URL. Use from SetUp():
//   db_ = TestDatabase::Open(GetParam());  // fails or skips the test itself when unavailable
//   if (db_ == nullptr) return;
class TestDatabase {
 public:
  // nullptr after recording a gtest failure (or a skip when MILEAGE_TEST_ALLOW_SKIP=1 and the
  // MariaDB URL is missing). `pool_size` bounds the connections (concurrency tests raise it).
  static std::unique_ptr<TestDatabase> Open(Backend backend, int pool_size = 8);
  ~TestDatabase();

  db::Db& db() { return *db_; }
  // The first column of the first row of `sql` as an integer (0 for no row or NULL), recording
  // a failure when the query fails: for checking state after a test's actions.
  int64_t Scalar(const std::string& sql);
  // The `database` config value that reaches the same database (for a TestServer).
  const std::string& url() const { return url_; }

 private:
  TestDatabase() = default;
  std::string dir_;
  std::unique_ptr<PrivateMysqlDatabase> mysql_;
  std::unique_ptr<db::Db> db_;
  std::string url_;
};

}  // namespace mileage::testing
