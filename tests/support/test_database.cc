#include "tests/support/test_database.h"

#include <stdlib.h>

#include <cctype>
#include <filesystem>

#include "common/clock.h"
#include "common/random.h"
#include "db/migrate.h"
#include "db/mysql/mysql_db.h"
#include "db/sqlite/sqlite_db.h"
#include "db/url.h"
#include "tests/support/external.h"

namespace mileage::testing {
namespace {

std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

db::MysqlOptions MysqlOptionsOf(const db::DatabaseUrl& url, int pool_size) {
  db::MysqlOptions options;
  options.host = url.host;
  options.port = url.port;
  options.user = url.user;
  options.password = url.password;
  options.database = url.database;
  options.pool.max_size = pool_size;
  options.wsrep_sync_wait = url.wsrep_sync_wait;
  return options;
}

}  // namespace

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

Result<std::unique_ptr<PrivateMysqlDatabase>> PrivateMysqlDatabase::Create(
    const std::string& server_url) {
  MILEAGE_ASSIGN_OR_RETURN(db::DatabaseUrl url, db::ParseDatabaseUrl(server_url));
  std::unique_ptr<PrivateMysqlDatabase> out(new PrivateMysqlDatabase());
  MILEAGE_ASSIGN_OR_RETURN(out->admin_, db::OpenMysqlDb(MysqlOptionsOf(url, 1)));
  OsRandom random;
  out->name_ = "mileage_it_" + RandomHex(random, 8);
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, out->admin_->Acquire());
    MILEAGE_RETURN_IF_ERROR(
        conn->Exec("CREATE DATABASE " + out->name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            .status());
  }
  const std::string host =
      url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  out->url_ = "mysql://" + PercentEncode(url.user) + ":" + PercentEncode(url.password) + "@" +
              host + ":" + std::to_string(url.port) + "/" + out->name_;
  return out;
}

PrivateMysqlDatabase::~PrivateMysqlDatabase() {
  if (admin_ == nullptr || name_.empty()) return;
  Result<db::PooledConnection> conn = admin_->Acquire();
  Status dropped =
      conn.ok() ? (*conn)->Exec("DROP DATABASE IF EXISTS " + name_).status() : conn.status();
  EXPECT_TRUE(dropped.ok()) << "dropping " << name_ << ": " << dropped.ToString();
}

std::unique_ptr<TestDatabase> TestDatabase::Open(Backend backend, int pool_size) {
  std::unique_ptr<TestDatabase> out(new TestDatabase());
  if (backend == Backend::kMysql) {
    bool skip = false;
    const std::string server = ExternalServerUrl("MILEAGE_TEST_MYSQL_URL", &skip);
    if (server.empty()) {
      if (skip) {
        [] { GTEST_SKIP() << "MILEAGE_TEST_MYSQL_URL is not set"; }();
      } else {
        ADD_FAILURE() << "MILEAGE_TEST_MYSQL_URL is not set (scripts/test starts a private "
                         "MariaDB; set MILEAGE_TEST_ALLOW_SKIP=1 to skip)";
      }
      return nullptr;
    }
    Result<std::unique_ptr<PrivateMysqlDatabase>> database = PrivateMysqlDatabase::Create(server);
    if (!database.ok()) {
      ADD_FAILURE() << "creating a MariaDB database: " << database.status().ToString();
      return nullptr;
    }
    out->mysql_ = std::move(database).value();
    out->url_ = out->mysql_->url();
    Result<db::DatabaseUrl> url = db::ParseDatabaseUrl(out->url_);
    Result<std::unique_ptr<db::Db>> db =
        url.ok() ? db::OpenMysqlDb(MysqlOptionsOf(*url, pool_size)) : url.status();
    if (!db.ok()) {
      ADD_FAILURE() << "opening " << out->url_ << ": " << db.status().ToString();
      return nullptr;
    }
    out->db_ = std::move(db).value();
  } else {
    std::string pattern = (std::filesystem::temp_directory_path() / "mileage-db-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return nullptr;
    }
    out->dir_ = pattern;
    db::SqliteOptions options;
    options.path = out->dir_ + "/mileage.db";
    options.pool.max_size = pool_size;
    out->url_ = "sqlite:" + options.path;
    Result<std::unique_ptr<db::Db>> db = db::OpenSqliteDb(options);
    if (!db.ok()) {
      ADD_FAILURE() << "opening " << out->url_ << ": " << db.status().ToString();
      return nullptr;
    }
    out->db_ = std::move(db).value();
  }
  SystemClock clock;
  Result<db::MigrateResult> migrated = db::Migrate(*out->db_, clock);
  if (!migrated.ok()) {
    ADD_FAILURE() << "migrating: " << migrated.status().ToString();
    return nullptr;
  }
  return out;
}

int64_t TestDatabase::Scalar(const std::string& sql) {
  Result<db::PooledConnection> conn = db_->Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  if (!rows.ok() || rows->empty() || rows->front().IsNull(0)) return 0;
  return rows->front().Int(0);
}

TestDatabase::~TestDatabase() {
  if (db_ != nullptr) db_->Close();
  db_.reset();
  mysql_.reset();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace mileage::testing
