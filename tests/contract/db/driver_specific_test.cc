// Driver behaviour outside the shared contract: SQLite's pragmas and files, MySQL's session
// settings and its lock-wait and deadlock errors.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/random.h"
#include "db/db.h"
#include "db/mysql/mysql_db.h"
#include "db/sqlite/sqlite_db.h"
#include "db/url.h"
#include "tests/support/external.h"

namespace mileage::db {
namespace {

using std::chrono::milliseconds;

class SqliteDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OsRandom random;
    dir_ = std::filesystem::temp_directory_path() / ("mileage-db-sqlite-" + RandomHex(random, 8));
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
};

std::string PragmaValue(Db& db, const std::string& pragma) {
  Result<PooledConnection> conn = db.Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return "";
  Result<std::vector<Row>> rows = (*conn)->Query("PRAGMA " + pragma);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->empty()) return "";
  return (*rows)[0].Text(0);
}

TEST_F(SqliteDriverTest, FileIsDurableWalWithForeignKeysAndItsDirectoryIsCreated) {
  SqliteOptions options;
  options.path = (dir_ / "nested" / "deeper" / "mileage.db").string();
  options.busy_timeout = milliseconds(1234);
  Result<std::unique_ptr<Db>> db = OpenSqliteDb(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(options.path));
  // Every connection of the pool gets the settings, not only the first.
  std::vector<PooledConnection> held;
  for (int i = 0; i < 3; ++i) {
    Result<PooledConnection> conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok());
    held.push_back(std::move(conn).value());
  }
  for (PooledConnection& conn : held) {
    Result<std::vector<Row>> rows = conn->Query("PRAGMA journal_mode");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].Text(0), "wal");
    rows = conn->Query("PRAGMA synchronous");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].Int(0), 2);  // FULL
    rows = conn->Query("PRAGMA foreign_keys");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].Int(0), 1);
    rows = conn->Query("PRAGMA busy_timeout");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].Int(0), 1234);
  }
}

TEST_F(SqliteDriverTest, ForeignKeysAreEnforced) {
  SqliteOptions options;
  options.path = (dir_ / "fk.db").string();
  Result<std::unique_ptr<Db>> db = OpenSqliteDb(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<PooledConnection> conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->ExecScript("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                               "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                               "NOT NULL REFERENCES parent(id));")
                  .ok());
  Result<ExecResult> orphan = (*conn)->Exec("INSERT INTO child (id, parent_id) VALUES (1, 99)");
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.status().code(), StatusCode::kInternal);
  Result<std::vector<Row>> rows = (*conn)->Query("SELECT COUNT(*) FROM child");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_F(SqliteDriverTest, WriteTransactionsOfOneDbQueueAndTimeOutAsAborted) {
  SqliteOptions options;
  options.path = (dir_ / "queue.db").string();
  options.busy_timeout = milliseconds(100);
  Result<std::unique_ptr<Db>> db = OpenSqliteDb(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<PooledConnection> first = (*db)->Acquire();
  Result<PooledConnection> second = (*db)->Acquire();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*first)->Exec("CREATE TABLE t (x INTEGER)").ok());
  ASSERT_TRUE((*first)->Begin().ok());
  ASSERT_TRUE((*first)->Exec("INSERT INTO t VALUES (1)").ok());
  Status waited = (*second)->Begin();
  EXPECT_EQ(waited.code(), StatusCode::kAborted) << waited.ToString();
  EXPECT_FALSE((*second)->in_transaction());
  // Reads are never blocked by a writer (WAL).
  Result<std::vector<Row>> rows = (*second)->Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].Int(0), 0);
  ASSERT_TRUE((*first)->Commit().ok());
  ASSERT_TRUE((*second)->Begin().ok());
  ASSERT_TRUE((*second)->Exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE((*second)->Rollback().ok());
  // A transaction abandoned on a returned connection frees the queue too.
  { PooledConnection abandoned = std::move(second).value(); }
  Result<PooledConnection> third = (*db)->Acquire();
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE((*first)->Begin().ok());
  { PooledConnection abandoned = std::move(first).value(); }
  EXPECT_TRUE((*third)->Begin().ok());
  EXPECT_TRUE((*third)->Commit().ok());
}

TEST_F(SqliteDriverTest, FileThatIsNotADatabaseIsUnavailable) {
  std::filesystem::create_directories(dir_);
  const std::filesystem::path path = dir_ / "garbage.db";
  std::ofstream(path) << std::string(4096, 'x');
  SqliteOptions options;
  options.path = path.string();
  Result<std::unique_ptr<Db>> db = OpenSqliteDb(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
}

TEST_F(SqliteDriverTest, MemoryDatabaseHasASingleConnection) {
  SqliteOptions options;
  options.path = ":memory:";
  options.pool.max_size = 8;
  options.pool.acquire_timeout = milliseconds(50);
  Result<std::unique_ptr<Db>> db = OpenSqliteDb(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->Stats().size, 1);
  {
    Result<PooledConnection> conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("CREATE TABLE t (x INTEGER)").ok());
    EXPECT_EQ((*db)->Acquire().status().code(), StatusCode::kUnavailable);
  }
  // The table is still there: the one connection is the database.
  EXPECT_EQ(PragmaValue(**db, "table_info(t)").empty(), false);
}

// Tests against the server of MILEAGE_TEST_MYSQL_URL, each in its own database.
class MysqlDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bool skip = false;
    const std::string url = testing::ExternalServerUrl("MILEAGE_TEST_MYSQL_URL", &skip);
    if (url.empty()) {
      if (skip) GTEST_SKIP() << "MILEAGE_TEST_MYSQL_URL is not set";
      FAIL() << "MILEAGE_TEST_MYSQL_URL is not set (set MILEAGE_TEST_ALLOW_SKIP=1 to skip)";
    }
    Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    base_.host = parsed->host;
    base_.port = parsed->port;
    base_.user = parsed->user;
    base_.password = parsed->password;
    base_.database = parsed->database;
    base_.pool.max_size = 1;
    Result<std::unique_ptr<Db>> admin = OpenMysqlDb(base_);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(admin).value();
    OsRandom random;
    database_ = "mileage_dt_" + RandomHex(random, 8);
    Result<PooledConnection> conn = admin_->Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("CREATE DATABASE " + database_ + " COLLATE utf8mb4_bin").ok());
  }
  void TearDown() override {
    if (admin_ == nullptr || database_.empty()) return;
    Result<PooledConnection> conn = admin_->Acquire();
    ASSERT_TRUE(conn.ok());
    EXPECT_TRUE((*conn)->Exec("DROP DATABASE IF EXISTS " + database_).ok());
  }

  Result<std::unique_ptr<Db>> Open(milliseconds io_timeout) {
    MysqlOptions options = base_;
    options.database = database_;
    options.pool.max_size = 4;
    options.io_timeout = io_timeout;
    return OpenMysqlDb(options);
  }

  MysqlOptions base_;
  std::unique_ptr<Db> admin_;
  std::string database_;
};

TEST_F(MysqlDriverTest, SessionIsUtf8mb4StrictAndUtc) {
  Result<std::unique_ptr<Db>> db = Open(milliseconds(4000));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<PooledConnection> conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<Row>> rows = (*conn)->Query(
      "SELECT @@character_set_client, @@character_set_results, @@time_zone, @@sql_mode, "
      "@@innodb_lock_wait_timeout, @@autocommit");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  const Row& row = (*rows)[0];
  EXPECT_EQ(row.Text(0), "utf8mb4");
  EXPECT_EQ(row.Text(1), "utf8mb4");
  EXPECT_EQ(row.Text(2), "+00:00");
  EXPECT_NE(row.Text(3).find("STRICT_ALL_TABLES"), std::string::npos) << row.Text(3);
  EXPECT_EQ(row.Int(4), 2);
  EXPECT_EQ(row.Int(5), 1);

  // Strict mode: an oversized value is an error, never silently truncated.
  ASSERT_TRUE((*conn)->Exec("CREATE TABLE short_text (v VARCHAR(3))").ok());
  Result<ExecResult> too_long = (*conn)->Exec("INSERT INTO short_text VALUES (?)", {"abcd"});
  EXPECT_EQ(too_long.status().code(), StatusCode::kInternal);
  Result<std::vector<Row>> count = (*conn)->Query("SELECT COUNT(*) FROM short_text");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ((*count)[0].Int(0), 0);
}

TEST_F(MysqlDriverTest, WsrepSyncWaitIsSetOnEveryConnectionWhenAsked) {
  MysqlOptions options = base_;
  options.database = database_;
  options.pool.max_size = 3;
  options.wsrep_sync_wait = 1;
  Result<std::unique_ptr<Db>> db = OpenMysqlDb(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::vector<PooledConnection> held;
  for (int i = 0; i < 3; ++i) {
    Result<PooledConnection> conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    held.push_back(std::move(conn).value());
  }
  for (PooledConnection& conn : held) {
    Result<std::vector<Row>> rows = conn->Query("SELECT @@SESSION.wsrep_sync_wait");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ((*rows)[0].Int(0), 1);
  }
  // Unset leaves the server's default (0).
  Result<std::unique_ptr<Db>> plain = Open(milliseconds(4000));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  Result<PooledConnection> conn = (*plain)->Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<Row>> rows = (*conn)->Query("SELECT @@SESSION.wsrep_sync_wait");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_F(MysqlDriverTest, LockWaitTimeoutIsAborted) {
  Result<std::unique_ptr<Db>> db = Open(milliseconds(2000));  // lock waits end after 1 s
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<PooledConnection> holder = (*db)->Acquire();
  Result<PooledConnection> waiter = (*db)->Acquire();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(waiter.ok());
  ASSERT_TRUE((*holder)->Exec("CREATE TABLE c (id INT PRIMARY KEY, n INT) ENGINE=InnoDB").ok());
  ASSERT_TRUE((*holder)->Exec("INSERT INTO c VALUES (1, 0)").ok());
  ASSERT_TRUE((*holder)->Begin().ok());
  ASSERT_TRUE((*holder)->Exec("UPDATE c SET n = 1 WHERE id = 1").ok());
  ASSERT_TRUE((*waiter)->Begin().ok());
  Result<ExecResult> blocked = (*waiter)->Exec("UPDATE c SET n = 2 WHERE id = 1");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), StatusCode::kAborted) << blocked.status().ToString();
  EXPECT_FALSE((*waiter)->broken());
  EXPECT_TRUE((*waiter)->Rollback().ok());
  ASSERT_TRUE((*holder)->Commit().ok());
  Result<std::vector<Row>> rows = (*waiter)->Query("SELECT n FROM c WHERE id = 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 1);
}

TEST_F(MysqlDriverTest, DeadlockIsAborted) {
  Result<std::unique_ptr<Db>> db = Open(milliseconds(2000));  // lock waits end after 1 s
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Result<PooledConnection> a = (*db)->Acquire();
  Result<PooledConnection> b = (*db)->Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*a)->Exec("CREATE TABLE d (id INT PRIMARY KEY, n INT) ENGINE=InnoDB").ok());
  ASSERT_TRUE((*a)->Exec("INSERT INTO d VALUES (1, 0), (2, 0)").ok());
  ASSERT_TRUE((*a)->Begin().ok());
  ASSERT_TRUE((*b)->Begin().ok());
  ASSERT_TRUE((*a)->Exec("UPDATE d SET n = 1 WHERE id = 1").ok());
  ASSERT_TRUE((*b)->Exec("UPDATE d SET n = 2 WHERE id = 2").ok());
  Status a_second;
  std::thread a_thread([&] { a_second = (*a)->Exec("UPDATE d SET n = 1 WHERE id = 2").status(); });
  // Let A block on B's row first (polling at most 1 s), so that B's statement closes the cycle.
  Result<PooledConnection> observer = (*db)->Acquire();
  ASSERT_TRUE(observer.ok());
  for (int i = 0; i < 200; ++i) {
    Result<std::vector<Row>> waiting = (*observer)->Query(
        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'");
    if (waiting.ok() && (*waiting)[0].Int(0) > 0) break;
    std::this_thread::sleep_for(milliseconds(5));
  }
  Status b_second = (*b)->Exec("UPDATE d SET n = 2 WHERE id = 1").status();
  if (!b_second.ok()) (*b)->Rollback().IgnoreError();  // lets A finish if B was the victim
  a_thread.join();
  // InnoDB normally picks one victim at once (1213); should it miss the cycle, both lock
  // waits time out (1205). Either way the caller sees Aborted and retries.
  for (const Status* status : {&a_second, &b_second}) {
    EXPECT_TRUE(status->ok() || status->code() == StatusCode::kAborted) << status->ToString();
  }
  EXPECT_TRUE(!a_second.ok() || !b_second.ok());
  EXPECT_TRUE((*a)->Rollback().ok());
  EXPECT_TRUE((*b)->Rollback().ok());
}

}  // namespace
}  // namespace mileage::db
