// The contract of db::Db and db::Connection (db/db.h) and of the migration runner, run
// unchanged against SQLite (a file, and :memory:) and MySQL/MariaDB (MILEAGE_TEST_MYSQL_URL).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/random.h"
#include "common/testing/fake_clock.h"
#include "db/db.h"
#include "db/in_list.h"
#include "db/migrate.h"
#include "db/mysql/mysql_db.h"
#include "db/outbox.h"
#include "db/sql_dialect.h"
#include "db/sqlite/sqlite_db.h"
#include "db/url.h"
#include "tests/support/counting_connection.h"
#include "tests/support/external.h"

namespace mileage::db {
namespace {

using std::chrono::milliseconds;

const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

#define ASSERT_OK(expr)                                                                    \
  do {                                                                                     \
    const auto& assert_ok_value_ = (expr);                                                 \
    ASSERT_TRUE(StatusOf(assert_ok_value_).ok()) << StatusOf(assert_ok_value_).ToString(); \
  } while (false)

#define EXPECT_OK(expr)                                                                    \
  do {                                                                                     \
    const auto& expect_ok_value_ = (expr);                                                 \
    EXPECT_TRUE(StatusOf(expect_ok_value_).ok()) << StatusOf(expect_ok_value_).ToString(); \
  } while (false)

// What a test asks of the database it opens.
struct TestDbOptions {
  int pool_size = 8;
  milliseconds acquire_timeout{30000};
  // SQLite busy timeout; MySQL read/write timeout (InnoDB lock waits end at half of it).
  milliseconds lock_timeout{10000};
};

// One backend under test: prepares a fresh, empty database for each test and opens Db
// handles on it.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Status SetUp() = 0;
  virtual void TearDown() = 0;
  virtual Result<std::unique_ptr<Db>> Open(const TestDbOptions& options) = 0;
  // Opens the same driver on a target that cannot be reached.
  virtual Result<std::unique_ptr<Db>> OpenUnreachable() = 0;
  // Whether several connections (and several Db handles) share one database.
  virtual bool shared() const { return true; }
  // When not empty, the backend is not configured; skip_allowed says whether to skip.
  virtual std::string missing() const { return ""; }
  virtual bool skip_allowed() const { return false; }
};

std::string RandomSuffix() {
  OsRandom random;
  return RandomHex(random, 8);
}

// SQLite in a fresh temporary directory (in a subdirectory that OpenSqliteDb must create).
class SqliteFileBackend : public Backend {
 public:
  Status SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("mileage-db-ct-" + RandomSuffix());
    return Status::Ok();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Result<std::unique_ptr<Db>> Open(const TestDbOptions& options) override {
    SqliteOptions sqlite;
    sqlite.path = (dir_ / "data" / "test.db").string();
    sqlite.pool.max_size = options.pool_size;
    sqlite.pool.acquire_timeout = options.acquire_timeout;
    sqlite.busy_timeout = options.lock_timeout;
    return OpenSqliteDb(sqlite);
  }
  Result<std::unique_ptr<Db>> OpenUnreachable() override {
    // A path whose parent is a regular file can be neither created nor opened.
    std::filesystem::create_directories(dir_);
    const std::filesystem::path file = dir_ / "plain-file";
    std::ofstream(file) << "not a directory";
    SqliteOptions sqlite;
    sqlite.path = (file / "test.db").string();
    return OpenSqliteDb(sqlite);
  }

 protected:
  std::filesystem::path dir_;
};

// A private in-memory SQLite database: one connection, so nothing is shared.
class SqliteMemoryBackend final : public SqliteFileBackend {
 public:
  Result<std::unique_ptr<Db>> Open(const TestDbOptions& options) override {
    SqliteOptions sqlite;
    sqlite.path = ":memory:";
    sqlite.pool.max_size = options.pool_size;
    sqlite.pool.acquire_timeout = options.acquire_timeout;
    sqlite.busy_timeout = options.lock_timeout;
    return OpenSqliteDb(sqlite);
  }
  bool shared() const override { return false; }
};

// A database mileage_ct_<random> created on the server of MILEAGE_TEST_MYSQL_URL for one test
// and dropped after it.
class MysqlBackend final : public Backend {
 public:
  MysqlBackend() {
    bool skip = false;
    const std::string url = testing::ExternalServerUrl("MILEAGE_TEST_MYSQL_URL", &skip);
    skip_allowed_ = skip;
    if (url.empty()) {
      missing_ =
          "MILEAGE_TEST_MYSQL_URL is not set (scripts/test starts a private MariaDB; "
          "set MILEAGE_TEST_ALLOW_SKIP=1 to skip)";
      return;
    }
    Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
    if (!parsed.ok() || parsed->dialect != Dialect::kMysql) {
      missing_ = "MILEAGE_TEST_MYSQL_URL is not a mysql:// URL: " + parsed.status().ToString();
      return;
    }
    url_ = *parsed;
  }

  std::string missing() const override { return missing_; }
  bool skip_allowed() const override { return skip_allowed_; }

  Status SetUp() override {
    MysqlOptions options = BaseOptions();
    options.database = url_.database;
    options.pool.max_size = 1;
    MILEAGE_ASSIGN_OR_RETURN(admin_, OpenMysqlDb(options));
    database_ = "mileage_ct_" + RandomSuffix();
    MILEAGE_ASSIGN_OR_RETURN(PooledConnection conn, admin_->Acquire());
    return conn->Exec("CREATE DATABASE " + database_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        .status();
  }
  void TearDown() override {
    if (admin_ == nullptr) return;
    if (!database_.empty()) {
      Result<PooledConnection> conn = admin_->Acquire();
      Status status = conn.ok() ? (*conn)->Exec("DROP DATABASE IF EXISTS " + database_).status()
                                : conn.status();
      EXPECT_TRUE(status.ok()) << "dropping " << database_ << ": " << status.ToString();
    }
    admin_.reset();
  }
  Result<std::unique_ptr<Db>> Open(const TestDbOptions& options) override {
    MysqlOptions mysql = BaseOptions();
    mysql.database = database_;
    mysql.pool.max_size = options.pool_size;
    mysql.pool.acquire_timeout = options.acquire_timeout;
    mysql.io_timeout = options.lock_timeout;
    return OpenMysqlDb(mysql);
  }
  Result<std::unique_ptr<Db>> OpenUnreachable() override {
    MysqlOptions mysql = BaseOptions();
    mysql.database = database_;
    mysql.port = ClosedPort();
    return OpenMysqlDb(mysql);
  }
  // Opens the test database with the right account but a wrong password.
  Result<std::unique_ptr<Db>> OpenWithPassword(const std::string& password) {
    MysqlOptions mysql = BaseOptions();
    mysql.database = database_;
    mysql.password = password;
    return OpenMysqlDb(mysql);
  }

 private:
  MysqlOptions BaseOptions() const {
    MysqlOptions options;
    options.host = url_.host;
    options.port = url_.port;
    options.user = url_.user;
    options.password = url_.password;
    options.connect_timeout = milliseconds(5000);
    return options;
  }

  // A loopback port with nothing listening: bound, read and released.
  static int ClosedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t length = sizeof(addr);
    int port = 1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  DatabaseUrl url_;
  std::string missing_;
  bool skip_allowed_ = false;
  std::unique_ptr<Db> admin_;
  std::string database_;
};

struct BackendParam {
  const char* name;
  std::function<std::unique_ptr<Backend>()> make;
};

void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

Result<ExecResult> ExecOn(Db& db, std::string_view sql, const std::vector<Value>& params = {}) {
  MILEAGE_ASSIGN_OR_RETURN(PooledConnection conn, db.Acquire());
  return conn->Exec(sql, params);
}

Result<std::vector<Row>> QueryOn(Db& db, std::string_view sql,
                                 const std::vector<Value>& params = {}) {
  MILEAGE_ASSIGN_OR_RETURN(PooledConnection conn, db.Acquire());
  return conn->Query(sql, params);
}

// SELECT COUNT(*) FROM `table`; -1 (and a test failure) on error.
int64_t CountRows(Connection& conn, const std::string& table) {
  Result<std::vector<Row>> rows = conn.Query("SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->size() != 1) return -1;
  return (*rows)[0].Int(0);
}

int64_t CountRows(Db& db, const std::string& table) {
  Result<PooledConnection> conn = db.Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  return CountRows(**conn, table);
}

class DbContractTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (!backend_->missing().empty()) {
      if (backend_->skip_allowed()) GTEST_SKIP() << backend_->missing();
      FAIL() << backend_->missing();
    }
    ASSERT_OK(backend_->SetUp());
    Result<std::unique_ptr<Db>> db = backend_->Open(TestDbOptions{});
    ASSERT_OK(db);
    db_ = std::move(db).value();
  }

  void TearDown() override {
    db_.reset();
    if (backend_ != nullptr) backend_->TearDown();
  }

  Dialect dialect() const { return db_->dialect(); }

  void CreateTable(std::string_view sql) { ASSERT_OK(ExecOn(*db_, sql)); }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Db> db_;
};

TEST_P(DbContractTest, CommittedRowsBecomeVisibleToAnotherConnection) {
  if (!backend_->shared()) GTEST_SKIP() << "needs two connections to one database";
  CreateTable("CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body TEXT NOT NULL)");
  Result<PooledConnection> writer = db_->Acquire();
  Result<PooledConnection> reader = db_->Acquire();
  ASSERT_OK(writer);
  ASSERT_OK(reader);
  ASSERT_OK((*writer)->Begin());
  EXPECT_TRUE((*writer)->in_transaction());
  ASSERT_OK((*writer)->Exec("INSERT INTO notes (id, body) VALUES (?, ?)",
                            {Value(int64_t{1}), Value("hello")}));
  EXPECT_EQ(CountRows(**reader, "notes"), 0);
  ASSERT_OK((*writer)->Commit());
  EXPECT_FALSE((*writer)->in_transaction());
  Result<std::vector<Row>> rows = (*reader)->Query("SELECT body FROM notes WHERE id = ?", {1});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "hello");
}

// IntsById and TextsById (db/in_list.h): the rows of the ids asked for that exist, keyed by id,
// in one statement; no statement at all for no ids.
TEST_P(DbContractTest, ReadsByIdMapTheRowsOfTheIdsThatExist) {
  CreateTable("CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body TEXT NOT NULL, n BIGINT)");
  Result<PooledConnection> conn = db_->Acquire();
  ASSERT_OK(conn);
  for (int64_t id : {3, 5, 8}) {
    ASSERT_OK((*conn)->Exec("INSERT INTO notes (id, body, n) VALUES (?, ?, ?)",
                            {Value(id), Value("note " + std::to_string(id)), Value(id * 10)}));
  }
  testing::CountingConnection counted(**conn);
  const std::vector<int64_t> ids{8, 4, 3};
  Result<std::map<int64_t, std::string>> bodies =
      TextsById(counted, "SELECT id, body FROM notes WHERE id IN", ids);
  ASSERT_OK(bodies);
  EXPECT_EQ(*bodies, (std::map<int64_t, std::string>{{3, "note 3"}, {8, "note 8"}}));
  Result<std::map<int64_t, int64_t>> ns =
      IntsById(counted, "SELECT id, n FROM notes WHERE n > 40 AND id IN", ids);
  ASSERT_OK(ns);
  EXPECT_EQ(*ns, (std::map<int64_t, int64_t>{{8, 80}}));
  EXPECT_EQ(counted.statements(), 2);
  Result<std::map<int64_t, int64_t>> none =
      IntsById(counted, "SELECT id, n FROM notes WHERE id IN", std::vector<int64_t>{});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(counted.statements(), 2);
}

TEST_P(DbContractTest, RolledBackRowsAreNeverVisible) {
  CreateTable("CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body TEXT NOT NULL)");
  {
    Result<PooledConnection> writer = db_->Acquire();
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->Begin());
    ASSERT_OK((*writer)->Exec("INSERT INTO notes (id, body) VALUES (?, ?)",
                              {Value(int64_t{1}), Value("draft")}));
    EXPECT_EQ(CountRows(**writer, "notes"), 1);
    ASSERT_OK((*writer)->Rollback());
    EXPECT_FALSE((*writer)->in_transaction());
    EXPECT_EQ(CountRows(**writer, "notes"), 0);
    EXPECT_OK((*writer)->Rollback());  // no transaction open: a no-op
  }
  EXPECT_EQ(CountRows(*db_, "notes"), 0);
}

TEST_P(DbContractTest, ReturningAConnectionRollsBackItsOpenTransaction) {
  CreateTable("CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body TEXT NOT NULL)");
  {
    Result<PooledConnection> writer = db_->Acquire();
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->Begin());
    ASSERT_OK((*writer)->Exec("INSERT INTO notes (id, body) VALUES (1, 'abandoned')"));
  }
  EXPECT_EQ(CountRows(*db_, "notes"), 0);
  Result<PooledConnection> next = db_->Acquire();
  ASSERT_OK(next);
  EXPECT_FALSE((*next)->in_transaction());
}

TEST_P(DbContractTest, UniqueViolationIsAlreadyExistsAndTheTransactionStillRollsBack) {
  CreateTable("CREATE TABLE codes (code VARCHAR(64) NOT NULL, note TEXT, UNIQUE (code))");
  ASSERT_OK(ExecOn(*db_, "INSERT INTO codes (code, note) VALUES (?, ?)",
                   {Value("secret-code-7731"), Value("first")}));

  Result<PooledConnection> conn = db_->Acquire();
  ASSERT_OK(conn);
  ASSERT_OK((*conn)->Begin());
  ASSERT_OK((*conn)->Exec("INSERT INTO codes (code, note) VALUES (?, ?)",
                          {Value("other-code"), Value("second")}));
  Result<ExecResult> duplicate = (*conn)->Exec("INSERT INTO codes (code, note) VALUES (?, ?)",
                                               {Value("secret-code-7731"), Value("third")});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists) << duplicate.status().ToString();
  EXPECT_EQ(duplicate.status().message().find("secret-code-7731"), std::string::npos)
      << "a parameter value leaked into the error: " << duplicate.status().message();
  ASSERT_OK((*conn)->Rollback());

  Result<std::vector<Row>> rows = (*conn)->Query("SELECT code, note FROM codes ORDER BY code");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "secret-code-7731");
  EXPECT_EQ((*rows)[0].Text(1), "first");
}

TEST_P(DbContractTest, InsertIgnoreAndUpsertFromTheDialectHelper) {
  CreateTable("CREATE TABLE kv (k VARCHAR(32) NOT NULL PRIMARY KEY, v BIGINT NOT NULL)");
  const std::string ignore = std::string(InsertIgnoreInto(dialect())) + " kv (k, v) VALUES (?, ?)";
  Result<ExecResult> first = ExecOn(*db_, ignore, {Value("a"), Value(int64_t{1})});
  ASSERT_OK(first);
  EXPECT_EQ(first->affected_rows, 1);
  Result<ExecResult> second = ExecOn(*db_, ignore, {Value("a"), Value(int64_t{2})});
  ASSERT_OK(second);
  EXPECT_EQ(second->affected_rows, 0);

  const std::string upsert =
      "INSERT INTO kv (k, v) VALUES (?, ?)" + UpsertClause(dialect(), {"k"}, {"v"});
  ASSERT_OK(ExecOn(*db_, upsert, {Value("a"), Value(int64_t{3})}));
  ASSERT_OK(ExecOn(*db_, upsert, {Value("b"), Value(int64_t{4})}));
  Result<std::vector<Row>> rows =
      QueryOn(*db_, "SELECT k, v FROM kv ORDER BY k" + std::string(ForUpdate(dialect())));
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Int(1), 3);
  EXPECT_EQ((*rows)[1].Int(1), 4);
}

TEST_P(DbContractTest, ConditionalUpdateReportsMatchedRows) {
  CreateTable("CREATE TABLE counters (id BIGINT NOT NULL PRIMARY KEY, remaining BIGINT NOT NULL)");
  ASSERT_OK(ExecOn(*db_, "INSERT INTO counters (id, remaining) VALUES (1, 1)"));
  const char* kTake =
      "UPDATE counters SET remaining = remaining - 1 WHERE id = ? AND remaining > 0";
  Result<ExecResult> took = ExecOn(*db_, kTake, {Value(int64_t{1})});
  ASSERT_OK(took);
  EXPECT_EQ(took->affected_rows, 1);
  Result<ExecResult> empty = ExecOn(*db_, kTake, {Value(int64_t{1})});
  ASSERT_OK(empty);
  EXPECT_EQ(empty->affected_rows, 0);
  // A matched row counts even when the update leaves it unchanged.
  Result<ExecResult> same =
      ExecOn(*db_, "UPDATE counters SET remaining = remaining WHERE id = ?", {Value(int64_t{1})});
  ASSERT_OK(same);
  EXPECT_EQ(same->affected_rows, 1);
  Result<std::vector<Row>> rows = QueryOn(*db_, "SELECT remaining FROM counters WHERE id = 1");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_P(DbContractTest, ConcurrentConditionalDecrementsNeverOversell) {
  CreateTable("CREATE TABLE counters (id BIGINT NOT NULL PRIMARY KEY, remaining BIGINT NOT NULL)");
  ASSERT_OK(ExecOn(*db_, "INSERT INTO counters (id, remaining) VALUES (1, 5000)"));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1000;
  std::atomic<int> successes{0};
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        bool took = false;
        Status status = InTransaction(
            *db_,
            [&took](Connection& conn) {
              Result<ExecResult> r = conn.Exec(
                  "UPDATE counters SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0");
              if (!r.ok()) return r.status();
              took = r->affected_rows == 1;
              return Status::Ok();
            },
            10);
        if (!status.ok()) {
          ++failures;
          errors[t] = status.ToString();
        } else if (took) {
          ++successes;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& error : errors) EXPECT_EQ(error, "");
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(successes, 5000);
  Result<std::vector<Row>> rows = QueryOn(*db_, "SELECT remaining FROM counters WHERE id = 1");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_P(DbContractTest, InsertReturnsTheNewRowsKey) {
  CreateTable(dialect() == Dialect::kSqlite
                  ? "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "name VARCHAR(32) NOT NULL UNIQUE)"
                  : "CREATE TABLE items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                    "name VARCHAR(32) NOT NULL UNIQUE)");
  Result<PooledConnection> conn = db_->Acquire();
  ASSERT_OK(conn);
  Result<int64_t> first = (*conn)->Insert("INSERT INTO items (name) VALUES (?)", {"first"});
  Result<int64_t> second = (*conn)->Insert("INSERT INTO items (name) VALUES (?)", {"second"});
  ASSERT_OK(first);
  ASSERT_OK(second);
  EXPECT_GT(*first, 0);
  EXPECT_GT(*second, *first);
  Result<std::vector<Row>> rows =
      (*conn)->Query("SELECT id, name FROM items ORDER BY id", std::span<const Value>{});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Int(0), *first);
  EXPECT_EQ((*rows)[0].Text(1), "first");
  EXPECT_EQ((*rows)[1].Int(0), *second);
  EXPECT_EQ((*rows)[1].Text(1), "second");

  // A duplicate is AlreadyExists and writes nothing; an ignored insert has no id.
  Result<int64_t> duplicate = (*conn)->Insert("INSERT INTO items (name) VALUES (?)", {"first"});
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);
  const std::string ignore = std::string(InsertIgnoreInto(dialect())) + " items (name) VALUES (?)";
  Result<int64_t> ignored = (*conn)->Insert(ignore, {"second"});
  EXPECT_EQ(ignored.status().code(), StatusCode::kInternal);
  Result<std::vector<Row>> count =
      (*conn)->Query("SELECT COUNT(*) FROM items", std::span<const Value>{});
  ASSERT_OK(count);
  EXPECT_EQ((*count)[0].Int(0), 2);
  // The connection is still usable after both failures.
  Result<int64_t> third = (*conn)->Insert("INSERT INTO items (name) VALUES (?)", {"third"});
  ASSERT_OK(third);
  EXPECT_GT(*third, *second);
}

TEST_P(DbContractTest, ConcurrentInsertsEachGetTheirOwnRowsKey) {
  CreateTable(dialect() == Dialect::kSqlite
                  ? "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "name VARCHAR(32) NOT NULL UNIQUE)"
                  : "CREATE TABLE items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                    "name VARCHAR(32) NOT NULL UNIQUE)");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::vector<std::pair<int64_t, std::string>>> got(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        int64_t id = 0;
        // Each insert in its own transaction, as the stores do; busy/deadlock is retried.
        Status status = InTransaction(
            *db_,
            [&](Connection& conn) -> Status {
              MILEAGE_ASSIGN_OR_RETURN(id,
                                       conn.Insert("INSERT INTO items (name) VALUES (?)", {name}));
              return Status::Ok();
            },
            20);
        if (!status.ok()) {
          errors[t] = status.ToString();
          return;
        }
        got[t].emplace_back(id, name);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& error : errors) EXPECT_EQ(error, "");
  // Every returned id names the row that its own insert wrote.
  Result<std::vector<Row>> rows = QueryOn(*db_, "SELECT id, name FROM items");
  ASSERT_OK(rows);
  std::map<int64_t, std::string> stored;
  for (const Row& row : *rows) stored[row.Int(0)] = row.Text(1);
  ASSERT_EQ(stored.size(), static_cast<size_t>(kThreads * kPerThread));
  for (const auto& per_thread : got) {
    for (const auto& [id, name] : per_thread) EXPECT_EQ(stored[id], name) << id;
  }
}

TEST_P(DbContractTest, OutboxEventsCommitInOrderWithOneStatement) {
  CreateTable(dialect() == Dialect::kSqlite
                  ? "CREATE TABLE outbox_events (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "topic TEXT NOT NULL, brand_id BIGINT NOT NULL, aggregate_ref TEXT NOT NULL, "
                    "payload TEXT NOT NULL, created_at BIGINT NOT NULL)"
                  : "CREATE TABLE outbox_events (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                    "topic TEXT NOT NULL, brand_id BIGINT NOT NULL, aggregate_ref TEXT NOT NULL, "
                    "payload TEXT NOT NULL, created_at BIGINT NOT NULL)");
  const std::vector<OutboxEvent> events = {
      {"member.enrolled", 7, "41", PayloadJson({{"member_id", int64_t{41}}})},
      {"member.tier_changed", 7, "41", PayloadJson({{"to", "gold"}})},
      {"payment.recorded", 7, "tx-1", PayloadJson({{"transaction_id", "tx-1"}})}};
  ASSERT_OK(
      InTransaction(*db_, [&](Connection& conn) { return AddOutboxEvents(conn, events, 1234); }));
  ASSERT_OK(InTransaction(*db_, [&](Connection& conn) {
    return AddOutboxEvents(conn, std::span<const OutboxEvent>(), 1234);
  }));
  Result<std::vector<Row>> rows =
      QueryOn(*db_,
              "SELECT topic, brand_id, aggregate_ref, payload, created_at FROM outbox_events "
              "ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].Text(0), "member.enrolled");
  EXPECT_EQ((*rows)[0].Text(3), R"({"member_id":41})");
  EXPECT_EQ((*rows)[1].Text(0), "member.tier_changed");
  EXPECT_EQ((*rows)[1].Text(3), R"({"to":"gold"})");
  EXPECT_EQ((*rows)[2].Text(0), "payment.recorded");
  EXPECT_EQ((*rows)[2].Text(2), "tx-1");
  for (const Row& row : *rows) {
    EXPECT_EQ(row.Int(1), 7);
    EXPECT_EQ(row.Int(4), 1234);
  }
}

TEST_P(DbContractTest, ValuesRoundTripExactly) {
  CreateTable("CREATE TABLE vals (id BIGINT NOT NULL PRIMARY KEY, i BIGINT, t TEXT, b BLOB)");
  const std::string text = std::string("nul\0inside, ", 12) + "中文 UTF-8 ✓ 'quote' \"dq\" \\";
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes.push_back(static_cast<char>(c));
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const char* kInsert = "INSERT INTO vals (id, i, t, b) VALUES (?, ?, ?, ?)";
  ASSERT_OK(ExecOn(*db_, kInsert, {Value(int64_t{1}), Value(kMin), Value(text), Value(bytes)}));
  ASSERT_OK(ExecOn(*db_, kInsert,
                   {Value(int64_t{2}), Value(kMax), Value(std::string()), Value(std::string())}));
  ASSERT_OK(
      ExecOn(*db_, kInsert, {Value(int64_t{3}), Value(nullptr), Value(nullptr), Value(nullptr)}));

  Result<std::vector<Row>> rows = QueryOn(*db_, "SELECT id, i, t, b FROM vals ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  const std::vector<Row>& r = *rows;
  EXPECT_EQ(r[0].Int(1), kMin);
  EXPECT_EQ(r[0].Text(2), text);
  EXPECT_EQ(r[0].Text(2).size(), text.size());
  EXPECT_EQ(r[0].Text(3), bytes);
  EXPECT_EQ(r[1].Int(1), kMax);
  EXPECT_FALSE(r[1].IsNull(2));
  EXPECT_EQ(r[1].Text(2), "");
  EXPECT_TRUE(std::holds_alternative<int64_t>(r[1].value(1)));
  for (size_t c = 1; c < 4; ++c) EXPECT_TRUE(r[2].IsNull(c)) << "column " << c;
  EXPECT_EQ(r[2].OptionalInt(1), std::nullopt);
  EXPECT_EQ(r[2].OptionalText(2), std::nullopt);

  // Bound text matches stored text, including the NUL byte.
  Result<std::vector<Row>> by_text = QueryOn(*db_, "SELECT id FROM vals WHERE t = ?", {text});
  ASSERT_OK(by_text);
  ASSERT_EQ(by_text->size(), 1u);
  EXPECT_EQ((*by_text)[0].Int(0), 1);

  // Aggregates of integers are integers on every backend.
  Result<std::vector<Row>> sum = QueryOn(*db_, "SELECT COUNT(*), SUM(id) FROM vals");
  ASSERT_OK(sum);
  ASSERT_EQ(sum->size(), 1u);
  EXPECT_TRUE(std::holds_alternative<int64_t>((*sum)[0].value(0)));
  EXPECT_TRUE(std::holds_alternative<int64_t>((*sum)[0].value(1)));
  EXPECT_EQ((*sum)[0].Int(0), 3);
  EXPECT_EQ((*sum)[0].Int(1), 6);
}

// What each driver puts in a Value (db.h), which Row::Int and Row::Text rely on: a wrong
// index or text that is not an integer aborts a test build, so correct reads of every column
// kind the stores use must land on the alternatives below.
TEST_P(DbContractTest, DriversReadIntegersAsIntegersAndTextAsText) {
  CreateTable(
      "CREATE TABLE kinds (id BIGINT NOT NULL PRIMARY KEY, i INTEGER NOT NULL, b BIGINT NOT NULL, "
      "d DECIMAL(20, 0) NOT NULL, m DECIMAL(10, 2) NOT NULL, v VARCHAR(32) NOT NULL, t TEXT, "
      "n BIGINT)");
  const char* kInsert =
      "INSERT INTO kinds (id, i, b, d, m, v, t, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  ASSERT_OK(ExecOn(*db_, kInsert,
                   {Value(int64_t{1}), Value(int64_t{7}), Value(int64_t{9'000'000'000}),
                    Value(int64_t{12}), Value(std::string("3.25")), Value(std::string("42")),
                    Value(std::string("abc")), Value(nullptr)}));
  ASSERT_OK(ExecOn(*db_, kInsert,
                   {Value(int64_t{2}), Value(int64_t{-3}), Value(int64_t{4'000'000'000}),
                    Value(int64_t{30}), Value(std::string("1.50")), Value(std::string("x")),
                    Value(std::string("")), Value(int64_t{5})}));
  auto holds_int = [](const Value& v) { return std::holds_alternative<int64_t>(v); };
  auto holds_text = [](const Value& v) { return std::holds_alternative<std::string>(v); };

  Result<std::vector<Row>> columns =
      QueryOn(*db_, "SELECT id, i, b, d, m, v, t, n FROM kinds WHERE id = 1");
  ASSERT_OK(columns);
  ASSERT_EQ(columns->size(), 1u);
  const Row& c = (*columns)[0];
  ASSERT_EQ(c.size(), 8u);
  for (size_t k : {0, 1, 2, 3}) EXPECT_TRUE(holds_int(c.value(k))) << "column " << k;
  EXPECT_TRUE(holds_text(c.value(4)));  // a DECIMAL with a scale is text: Int would abort
  EXPECT_TRUE(holds_text(c.value(5)));
  EXPECT_TRUE(holds_text(c.value(6)));
  EXPECT_TRUE(c.IsNull(7));
  EXPECT_EQ(c.Int(1), 7);
  EXPECT_EQ(c.Int(2), 9'000'000'000);
  EXPECT_EQ(c.Int(3), 12);
  EXPECT_EQ(c.Text(4).substr(0, 4), "3.25");
  EXPECT_EQ(c.Int(5), 42);  // text that is a whole integer reads as one
  EXPECT_EQ(c.Text(6), "abc");
  EXPECT_EQ(c.OptionalInt(7), std::nullopt);
  EXPECT_EQ(c.Int(7), 0);

  // Aggregates of integer columns: COUNT is BIGINT and SUM DECIMAL(N, 0) on MySQL, integers on
  // SQLite; all integers here, and NULL for SUM and MAX over no rows.
  Result<std::vector<Row>> aggregates =
      QueryOn(*db_,
              "SELECT COUNT(*), SUM(b), SUM(i), MAX(b), MIN(i), COALESCE(SUM(b), 0), SUM(d), "
              "COUNT(n), SUM(b) * 2, ? FROM kinds",
              {Value(int64_t{-8})});
  ASSERT_OK(aggregates);
  ASSERT_EQ(aggregates->size(), 1u);
  const Row& a = (*aggregates)[0];
  for (size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(holds_int(a.value(k))) << "column " << k;
  EXPECT_EQ(a.Int(0), 2);
  EXPECT_EQ(a.Int(1), 13'000'000'000);
  EXPECT_EQ(a.Int(2), 4);
  EXPECT_EQ(a.Int(3), 9'000'000'000);
  EXPECT_EQ(a.Int(4), -3);
  EXPECT_EQ(a.Int(5), 13'000'000'000);
  EXPECT_EQ(a.Int(6), 42);
  EXPECT_EQ(a.Int(7), 1);
  EXPECT_EQ(a.Int(8), 26'000'000'000);
  EXPECT_EQ(a.Int(9), -8);

  Result<std::vector<Row>> none =
      QueryOn(*db_, "SELECT SUM(b), MAX(b), COALESCE(SUM(b), 0), COUNT(*) FROM kinds WHERE id < 0");
  ASSERT_OK(none);
  ASSERT_EQ(none->size(), 1u);
  const Row& z = (*none)[0];
  EXPECT_TRUE(z.IsNull(0));
  EXPECT_TRUE(z.IsNull(1));
  EXPECT_TRUE(holds_int(z.value(2)));
  EXPECT_TRUE(holds_int(z.value(3)));
  EXPECT_EQ(z.Int(2), 0);
  EXPECT_EQ(z.Int(3), 0);
}

TEST_P(DbContractTest, MisuseIsInternalNotACrash) {
  Result<PooledConnection> conn = db_->Acquire();
  ASSERT_OK(conn);
  Result<std::vector<Row>> missing_param = (*conn)->Query("SELECT ? + ?", {1});
  ASSERT_FALSE(missing_param.ok());
  EXPECT_EQ(missing_param.status().code(), StatusCode::kInternal);
  Result<std::vector<Row>> bad_sql = (*conn)->Query("SELEKT nothing");
  ASSERT_FALSE(bad_sql.ok());
  EXPECT_EQ(bad_sql.status().code(), StatusCode::kInternal);
  Result<std::vector<Row>> no_table = (*conn)->Query("SELECT * FROM no_such_table");
  ASSERT_FALSE(no_table.ok());
  EXPECT_EQ(no_table.status().code(), StatusCode::kInternal);
  EXPECT_FALSE((*conn)->broken());
  EXPECT_OK((*conn)->Query("SELECT 1"));
}

TEST_P(DbContractTest, ExecScriptRunsEveryStatement) {
  Result<PooledConnection> conn = db_->Acquire();
  ASSERT_OK(conn);
  ASSERT_OK(
      (*conn)->ExecScript("-- two tables; one row\n"
                          "CREATE TABLE s1 (id BIGINT NOT NULL PRIMARY KEY, v TEXT);\n"
                          "CREATE TABLE s2 (id BIGINT NOT NULL PRIMARY KEY);\n"
                          "INSERT INTO s1 (id, v) VALUES (1, 'a;b');\n"));
  EXPECT_EQ(CountRows(**conn, "s1"), 1);
  EXPECT_EQ(CountRows(**conn, "s2"), 0);
  Status bad =
      (*conn)->ExecScript("INSERT INTO s2 (id) VALUES (1); INSERT INTO nowhere VALUES (1);");
  EXPECT_EQ(bad.code(), StatusCode::kInternal) << bad.ToString();
}

TEST_P(DbContractTest, ExhaustedPoolTimesOutAsUnavailable) {
  TestDbOptions options;
  options.pool_size = 2;
  options.acquire_timeout = milliseconds(100);
  db_.reset();
  Result<std::unique_ptr<Db>> small = backend_->Open(options);
  ASSERT_OK(small);
  Db& db = **small;
  std::vector<PooledConnection> held;
  for (int i = 0; i < db.Stats().size; ++i) {
    Result<PooledConnection> conn = db.Acquire();
    ASSERT_OK(conn);
    held.push_back(std::move(conn).value());
  }
  Result<PooledConnection> refused = db.Acquire();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();
  EXPECT_EQ(db.Stats().timeouts, 1);
  held.pop_back();
  Result<PooledConnection> again = db.Acquire();
  ASSERT_OK(again);
  EXPECT_OK((*again)->Query("SELECT 1"));
}

TEST_P(DbContractTest, LostConnectionIsUnavailableAndReplacedByThePool) {
  if (!backend_->shared()) GTEST_SKIP() << "needs two connections to one database";
  CreateTable("CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body TEXT NOT NULL)");
  if (dialect() == Dialect::kMysql) {
    // The server kills the connection; its next statement must fail cleanly.
    Result<PooledConnection> victim = db_->Acquire();
    ASSERT_OK(victim);
    Result<std::vector<Row>> id = (*victim)->Query("SELECT CONNECTION_ID()");
    ASSERT_OK(id);
    ASSERT_EQ(id->size(), 1u);
    {
      Result<PooledConnection> killer = db_->Acquire();
      ASSERT_OK(killer);
      ASSERT_OK((*killer)->Exec("KILL CONNECTION " + std::to_string((*id)[0].Int(0))));
    }
    Result<std::vector<Row>> after = (*victim)->Query("SELECT 1");
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.status().code(), StatusCode::kUnavailable) << after.status().ToString();
    EXPECT_TRUE((*victim)->broken());
    Result<ExecResult> again = (*victim)->Exec("INSERT INTO notes (id, body) VALUES (1, 'x')");
    EXPECT_EQ(again.status().code(), StatusCode::kUnavailable);
    const PoolStats before = db_->Stats();
    { PooledConnection returned = std::move(victim).value(); }
    const PoolStats after_return = db_->Stats();
    EXPECT_EQ(after_return.replaced, before.replaced + 1);
    EXPECT_EQ(after_return.open, before.open - 1);
  } else {
    // SQLite's analogue: another connection holds the write lock past the busy timeout.
    TestDbOptions impatient;
    impatient.pool_size = 2;
    impatient.lock_timeout = milliseconds(200);
    Result<std::unique_ptr<Db>> other = backend_->Open(impatient);
    ASSERT_OK(other);
    Result<PooledConnection> holder = db_->Acquire();
    ASSERT_OK(holder);
    ASSERT_OK((*holder)->Begin());
    ASSERT_OK((*holder)->Exec("INSERT INTO notes (id, body) VALUES (1, 'holder')"));
    {
      Result<PooledConnection> blocked = (*other)->Acquire();
      ASSERT_OK(blocked);
      Result<ExecResult> write =
          (*blocked)->Exec("INSERT INTO notes (id, body) VALUES (2, 'blocked')");
      ASSERT_FALSE(write.ok());
      EXPECT_EQ(write.status().code(), StatusCode::kAborted) << write.status().ToString();
      Status begin = (*blocked)->Begin();
      EXPECT_EQ(begin.code(), StatusCode::kAborted) << begin.ToString();
      EXPECT_FALSE((*blocked)->in_transaction());
      EXPECT_FALSE((*blocked)->broken());
    }
    ASSERT_OK((*holder)->Commit());
    ASSERT_OK(ExecOn(**other, "INSERT INTO notes (id, body) VALUES (2, 'after')"));
  }
  // The pool hands out a working connection again, and the data is intact.
  Result<PooledConnection> next = db_->Acquire();
  ASSERT_OK(next);
  ASSERT_OK((*next)->Exec("INSERT INTO notes (id, body) VALUES (3, 'next')"));
  Result<std::vector<Row>> rows = (*next)->Query("SELECT id FROM notes ORDER BY id");
  ASSERT_OK(rows);
  std::vector<int64_t> ids;
  for (const Row& row : *rows) ids.push_back(row.Int(0));
  if (dialect() == Dialect::kMysql) {
    EXPECT_EQ(ids, (std::vector<int64_t>{3}));
  } else {
    EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3}));
  }
}

TEST_P(DbContractTest, UnreachableDatabaseIsUnavailableAtOpen) {
  Result<std::unique_ptr<Db>> db = backend_->OpenUnreachable();
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
  if (dialect() == Dialect::kMysql) {
    EXPECT_NE(db.status().message().find("127.0.0.1:"), std::string::npos) << db.status().message();
    const std::string password = "wrong-pw-51977";
    Result<std::unique_ptr<Db>> denied =
        static_cast<MysqlBackend&>(*backend_).OpenWithPassword(password);
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(denied.status().message().find(password), std::string::npos)
        << denied.status().message();
  }
}

std::vector<Migration> TestMigrations() {
  return {
      {1, "create_a",
       "CREATE TABLE m_a (id BIGINT NOT NULL PRIMARY KEY);\n"
       "INSERT INTO m_a (id) VALUES (1);\n"},
      {2, "create_b", "CREATE TABLE m_b (id BIGINT NOT NULL PRIMARY KEY);"},
  };
}

TEST_P(DbContractTest, MigrationsApplyOnceAndAreRecorded) {
  testing::FakeClock clock;
  const std::vector<Migration> migrations = TestMigrations();
  Result<MigrateResult> first = Migrate(*db_, clock, migrations);
  ASSERT_OK(first);
  EXPECT_EQ(first->applied, (std::vector<std::string>{"0001_create_a.sql", "0002_create_b.sql"}));
  EXPECT_EQ(first->already_applied, 0);

  Result<MigrateResult> second = Migrate(*db_, clock, migrations);
  ASSERT_OK(second);
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->already_applied, 2);
  EXPECT_EQ(CountRows(*db_, "m_a"), 1);

  Result<std::vector<Row>> rows = QueryOn(
      *db_, "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*rows)[i].Int(0), migrations[i].version);
    EXPECT_EQ((*rows)[i].Text(1), migrations[i].name);
    EXPECT_EQ((*rows)[i].Text(2), MigrationChecksum(migrations[i]));
    EXPECT_EQ((*rows)[i].Int(3), UnixSeconds(clock.Now()));
  }
}

TEST_P(DbContractTest, ChangedOrSkippedMigrationIsRefused) {
  testing::FakeClock clock;
  std::vector<Migration> migrations = TestMigrations();
  ASSERT_OK(Migrate(*db_, clock, migrations));

  std::vector<Migration> edited = migrations;
  edited[0].sql += "-- edited\n";
  edited.push_back({3, "create_c", "CREATE TABLE m_c (id BIGINT NOT NULL PRIMARY KEY);"});
  Result<MigrateResult> refused = Migrate(*db_, clock, edited);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("0001_create_a.sql"), std::string::npos)
      << refused.status().message();

  std::vector<Migration> renamed = migrations;
  renamed[1].name = "make_b";
  Result<MigrateResult> rename_refused = Migrate(*db_, clock, renamed);
  EXPECT_EQ(rename_refused.status().code(), StatusCode::kFailedPrecondition);

  const std::vector<Migration> unordered = {migrations[1], migrations[0]};
  EXPECT_EQ(Migrate(*db_, clock, unordered).status().code(), StatusCode::kInvalidArgument);

  Result<std::vector<Row>> rows = QueryOn(*db_, "SELECT version FROM schema_migrations");
  ASSERT_OK(rows);
  EXPECT_EQ(rows->size(), 2u);
}

TEST_P(DbContractTest, MigrationMissingBelowAnAppliedOneIsRefused) {
  testing::FakeClock clock;
  const std::vector<Migration> all = {
      {1, "one", "CREATE TABLE m_1 (id BIGINT);"},
      {2, "two", "CREATE TABLE m_2 (id BIGINT);"},
      {3, "three", "CREATE TABLE m_3 (id BIGINT);"},
  };
  const std::vector<Migration> without_two = {all[0], all[2]};
  ASSERT_OK(Migrate(*db_, clock, without_two));
  Result<MigrateResult> refused = Migrate(*db_, clock, all);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("0002_two.sql"), std::string::npos)
      << refused.status().message();
}

TEST_P(DbContractTest, FailingMigrationLeavesNoRecord) {
  testing::FakeClock clock;
  std::vector<Migration> migrations = TestMigrations();
  migrations.push_back({3, "broken",
                        "CREATE TABLE m_c (id BIGINT NOT NULL PRIMARY KEY);\n"
                        "INSERT INTO no_such_table (id) VALUES (1);\n"});
  Result<MigrateResult> failed = Migrate(*db_, clock, migrations);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("0003_broken.sql"), std::string::npos)
      << failed.status().message();
  Result<std::vector<Row>> rows =
      QueryOn(*db_, "SELECT version FROM schema_migrations ORDER BY version");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].Int(0), 2);

  migrations[2].sql = "CREATE TABLE m_d (id BIGINT NOT NULL PRIMARY KEY);";
  Result<MigrateResult> fixed = Migrate(*db_, clock, migrations);
  ASSERT_OK(fixed);
  EXPECT_EQ(fixed->applied, (std::vector<std::string>{"0003_broken.sql"}));
  EXPECT_EQ(CountRows(*db_, "m_d"), 0);
}

TEST_P(DbContractTest, ConcurrentMigrationsApplyEachMigrationOnce) {
  testing::FakeClock clock;
  const std::vector<Migration> migrations = TestMigrations();
  std::unique_ptr<Db> second_db;
  if (backend_->shared()) {
    Result<std::unique_ptr<Db>> opened = backend_->Open(TestDbOptions{});
    ASSERT_OK(opened);
    second_db = std::move(opened).value();
  }
  Db* dbs[2] = {db_.get(), second_db != nullptr ? second_db.get() : db_.get()};
  Result<MigrateResult> results[2] = {InternalError("not run"), InternalError("not run")};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] { results[t] = Migrate(*dbs[t], clock, migrations); });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_OK(results[0]);
  ASSERT_OK(results[1]);
  EXPECT_EQ(results[0]->applied.size() + results[1]->applied.size(), migrations.size());
  EXPECT_EQ(CountRows(*db_, "m_a"), 1);
  EXPECT_EQ(CountRows(*db_, "schema_migrations"), 2);
}

TEST_P(DbContractTest, EmbeddedMigrationsCreateTheIdempotencyKeysTable) {
  testing::FakeClock clock;
  Result<MigrateResult> applied = Migrate(*db_, clock);
  ASSERT_OK(applied);
  ASSERT_FALSE(applied->applied.empty());
  EXPECT_EQ(applied->applied[0], "0001_idempotency_keys.sql");
  Result<MigrateResult> again = Migrate(*db_, clock);
  ASSERT_OK(again);
  EXPECT_TRUE(again->applied.empty());

  const char* kInsert =
      "INSERT INTO idempotency_keys (scope, idem_key, request_hash, response_status, "
      "response_body, created_at) VALUES (?, ?, ?, ?, ?, ?)";
  const std::string hash(64, 'a');
  ASSERT_OK(ExecOn(*db_, kInsert,
                   {Value("console.redeem"), Value("key-1"), Value(hash), Value(int64_t{200}),
                    Value("{\"ok\":true}"), Value(UnixSeconds(clock.Now()))}));
  Result<ExecResult> duplicate =
      ExecOn(*db_, kInsert,
             {Value("console.redeem"), Value("key-1"), Value(hash), Value(nullptr), Value(nullptr),
              Value(UnixSeconds(clock.Now()))});
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);
  ASSERT_OK(ExecOn(*db_, kInsert,
                   {Value("partner.spend"), Value("key-1"), Value(hash), Value(nullptr),
                    Value(nullptr), Value(UnixSeconds(clock.Now()))}));
  Result<std::vector<Row>> rows =
      QueryOn(*db_,
              "SELECT response_status, response_body FROM idempotency_keys WHERE scope = ? AND "
              "idem_key = ?",
              {Value("console.redeem"), Value("key-1")});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 200);
  EXPECT_EQ((*rows)[0].Text(1), "{\"ok\":true}");
}

INSTANTIATE_TEST_SUITE_P(
    Backends, DbContractTest,
    ::testing::Values(
        BackendParam{"SqliteFile", [] { return std::make_unique<SqliteFileBackend>(); }},
        BackendParam{"SqliteMemory", [] { return std::make_unique<SqliteMemoryBackend>(); }},
        BackendParam{"Mysql", [] { return std::make_unique<MysqlBackend>(); }}),
    [](const ::testing::TestParamInfo<BackendParam>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace mileage::db
