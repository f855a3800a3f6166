#include "db/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "db/sql_script.h"

namespace mileage::db {
namespace {

constexpr std::string_view kMemoryPath = ":memory:";
// Distinct SQL texts kept prepared per connection; beyond that the cache starts over, so that
// generated SQL (IN lists of varying length) cannot grow it without bound.
constexpr size_t kMaxCachedStatements = 256;

// Admits one write transaction of this process at a time, so that writers queue on a
// condition variable instead of polling SQLite's busy handler, which sleeps up to 100 ms
// between attempts. Shared by the connections of one Db; safe for concurrent use, and may be
// left from another thread than the one that entered. Other processes still meet SQLite's own
// lock.
class WriterGate {
 public:
  // False when the gate stayed taken for `timeout`.
  bool TryEnterFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!free_.wait_for(lock, timeout, [this] { return !taken_; })) return false;
    taken_ = true;
    return true;
  }
  void Leave() {
    {
      std::lock_guard lock(mutex_);
      taken_ = false;
    }
    free_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable free_;
  bool taken_ = false;
};

// One SQLite connection (sqlite3*), opened without SQLite's own mutex: the pool lends it to
// one thread at a time. Not safe for concurrent use.
class SqliteConnection final : public Connection {
 public:
  // Errors: Unavailable when the file cannot be opened; Internal when WAL cannot be enabled.
  static Result<std::unique_ptr<Connection>> Open(const SqliteOptions& options,
                                                  std::shared_ptr<WriterGate> gate);

  ~SqliteConnection() override {
    for (auto& [sql, entry] : statements_) sqlite3_finalize(entry.stmt);
    sqlite3_close_v2(db_);
    if (holds_gate_) gate_->Leave();
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  using Connection::Exec;
  using Connection::Query;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<ExecResult> Exec(std::string_view sql, std::span<const Value> params = {}) override;
  Result<int64_t> Insert(std::string_view sql, std::span<const Value> params = {}) override;
  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params = {}) override;
  Status ExecScript(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override { return Exec("COMMIT").status(); }
  Status Rollback() override {
    if (!in_transaction()) return Status::Ok();
    return Exec("ROLLBACK").status();
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  Status Ping() override { return Query("SELECT 1").status(); }
  bool broken() const override { return broken_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
  };

  // Resets a statement when leaving scope: releases its read snapshot and its bindings.
  class ResetOnExit {
   public:
    explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
    ~ResetOnExit() {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

   private:
    sqlite3_stmt* stmt_;
  };

  // Releases the writer gate once no transaction is open any more, whichever way it ended
  // (COMMIT, ROLLBACK, or SQLite rolling back by itself after an I/O error).
  class ReleaseGateWhenIdle {
   public:
    explicit ReleaseGateWhenIdle(SqliteConnection* conn) : conn_(conn) {}
    ~ReleaseGateWhenIdle() {
      if (conn_->holds_gate_ && !conn_->in_transaction()) {
        conn_->holds_gate_ = false;
        conn_->gate_->Leave();
      }
    }
    ReleaseGateWhenIdle(const ReleaseGateWhenIdle&) = delete;
    ReleaseGateWhenIdle& operator=(const ReleaseGateWhenIdle&) = delete;

   private:
    SqliteConnection* conn_;
  };

  SqliteConnection(sqlite3* db, std::shared_ptr<WriterGate> gate,
                   std::chrono::milliseconds busy_timeout)
      : db_(db), gate_(std::move(gate)), busy_timeout_(busy_timeout) {}

  Result<CachedStatement> Prepare(std::string_view sql);
  Status Bind(sqlite3_stmt* stmt, std::span<const Value> params, std::string_view sql);
  // Maps a SQLite result code (with sqlite3_errmsg) to our Status; marks the connection broken
  // when the file is gone or unusable.
  Status Error(int rc, std::string_view sql, std::string_view detail = {});

  sqlite3* db_;
  const std::shared_ptr<WriterGate> gate_;
  const std::chrono::milliseconds busy_timeout_;
  bool holds_gate_ = false;
  std::unordered_map<std::string, CachedStatement> statements_;
  bool broken_ = false;
};

Status SqliteConnection::Begin() {
  if (!holds_gate_) {
    if (!gate_->TryEnterFor(busy_timeout_)) {
      return AbortedError("sqlite: another transaction held the write lock for " +
                          std::to_string(busy_timeout_.count()) + " ms");
    }
    holds_gate_ = true;
  }
  return Exec("BEGIN IMMEDIATE").status();
}

Status SqliteConnection::Error(int rc, std::string_view sql, std::string_view detail) {
  std::string message = "sqlite: ";
  message += detail.empty() ? std::string_view(sqlite3_errmsg(db_)) : detail;
  if (!sql.empty()) message += " (in: " + SqlForMessage(sql) + ")";
  const int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return AlreadyExistsError(std::move(message));
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return AbortedError(std::move(message));
  if (primary == SQLITE_CANTOPEN) {
    broken_ = true;
    return UnavailableError(std::move(message));
  }
  if (primary == SQLITE_IOERR || primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    broken_ = true;
  }
  return InternalError(std::move(message));
}

Result<SqliteConnection::CachedStatement> SqliteConnection::Prepare(std::string_view sql) {
  const std::string key(sql);
  if (auto it = statements_.find(key); it != statements_.end()) return it->second;
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return InternalError("sqlite: statement too long");
  }
  if (statements_.size() >= kMaxCachedStatements) {
    for (auto& [text, entry] : statements_) sqlite3_finalize(entry.stmt);
    statements_.clear();
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return Error(rc, sql);
  if (stmt == nullptr) return InternalError("sqlite: empty statement");
  const std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (!SplitSqlScript(rest).empty()) {
    sqlite3_finalize(stmt);
    return InternalError(
        "sqlite: more than one statement; use ExecScript (in: " + SqlForMessage(sql) + ")");
  }
  CachedStatement entry{stmt};
  statements_.emplace(key, entry);
  return entry;
}

Status SqliteConnection::Bind(sqlite3_stmt* stmt, std::span<const Value> params,
                              std::string_view sql) {
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<size_t>(expected) != params.size()) {
    return InternalError("sqlite: statement has " + std::to_string(expected) + " parameters, got " +
                         std::to_string(params.size()) + " (in: " + SqlForMessage(sql) + ")");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<int64_t>(&params[i])) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      // Bound as text (not blob) so that it compares equal to stored text; the explicit
      // length keeps embedded NUL bytes.
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) return Error(rc, sql);
  }
  return Status::Ok();
}

Result<ExecResult> SqliteConnection::Exec(std::string_view sql, std::span<const Value> params) {
  ReleaseGateWhenIdle release_gate(this);
  MILEAGE_ASSIGN_OR_RETURN(CachedStatement entry, Prepare(sql));
  ResetOnExit reset(entry.stmt);
  MILEAGE_RETURN_IF_ERROR(Bind(entry.stmt, params, sql));
  const int64_t total_before = sqlite3_total_changes64(db_);
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW) rc = sqlite3_step(entry.stmt);
  if (rc != SQLITE_DONE) return Error(rc, sql);
  ExecResult result;
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, even across DDL;
  // the total tells whether this statement changed anything at all.
  if (sqlite3_total_changes64(db_) != total_before) result.affected_rows = sqlite3_changes64(db_);
  return result;
}

Result<int64_t> SqliteConnection::Insert(std::string_view sql, std::span<const Value> params) {
  MILEAGE_ASSIGN_OR_RETURN(ExecResult result, Exec(sql, params));
  if (result.affected_rows != 1) {
    return InternalError("sqlite: the INSERT inserted " + std::to_string(result.affected_rows) +
                         " rows, not one (in: " + SqlForMessage(sql) + ")");
  }
  // Embedded: reading the rowid costs no round trip.
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<Row>> SqliteConnection::Query(std::string_view sql,
                                                 std::span<const Value> params) {
  ReleaseGateWhenIdle release_gate(this);
  MILEAGE_ASSIGN_OR_RETURN(CachedStatement entry, Prepare(sql));
  ResetOnExit reset(entry.stmt);
  MILEAGE_RETURN_IF_ERROR(Bind(entry.stmt, params, sql));
  std::vector<Row> rows;
  const int columns = sqlite3_column_count(entry.stmt);
  int rc;
  while ((rc = sqlite3_step(entry.stmt)) == SQLITE_ROW) {
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(entry.stmt, c)) {
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(entry.stmt, c)));
          break;
        case SQLITE_NULL:
          values.emplace_back(nullptr);
          break;
        case SQLITE_BLOB: {
          const void* data = sqlite3_column_blob(entry.stmt, c);
          const int size = sqlite3_column_bytes(entry.stmt, c);
          values.emplace_back(data == nullptr ? std::string()
                                              : std::string(static_cast<const char*>(data),
                                                            static_cast<size_t>(size)));
          break;
        }
        default: {
          // TEXT, and REAL rendered as text (we never store floating point).
          const unsigned char* text = sqlite3_column_text(entry.stmt, c);
          const int size = sqlite3_column_bytes(entry.stmt, c);
          values.emplace_back(text == nullptr ? std::string()
                                              : std::string(reinterpret_cast<const char*>(text),
                                                            static_cast<size_t>(size)));
          break;
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  if (rc != SQLITE_DONE) return Error(rc, sql);
  return rows;
}

Status SqliteConnection::ExecScript(std::string_view sql) {
  ReleaseGateWhenIdle release_gate(this);
  const std::string script(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  const std::string detail = error != nullptr ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  return Error(rc, {}, detail);
}

Result<std::unique_ptr<Connection>> SqliteConnection::Open(const SqliteOptions& options,
                                                           std::shared_ptr<WriterGate> gate) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return UnavailableError("sqlite: cannot open " + options.path + ": " + detail);
  }
  std::unique_ptr<SqliteConnection> conn(
      new SqliteConnection(db, std::move(gate), options.busy_timeout));
  sqlite3_extended_result_codes(db, 1);
  const auto busy_ms = options.busy_timeout.count();
  sqlite3_busy_timeout(
      db, static_cast<int>(std::min<int64_t>(busy_ms, std::numeric_limits<int>::max())));

  // The file is really opened by the first statement: a directory, a file that is not a
  // database or a missing permission shows here.
  auto fail = [&](const Status& status) {
    const StatusCode code =
        status.code() == StatusCode::kInternal ? StatusCode::kUnavailable : status.code();
    return Status(code, "sqlite: cannot open " + options.path + ": " + status.message());
  };
  Result<std::vector<Row>> mode = conn->Query("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return fail(mode.status());
  const std::string journal = mode->empty() ? "" : (*mode)[0].Text(0);
  if (options.path != kMemoryPath && journal != "wal") {
    return InternalError("sqlite: " + options.path + " cannot use WAL (journal_mode is '" +
                         journal + "')");
  }
  Status status = conn->ExecScript("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!status.ok()) return fail(status);
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace

Result<std::unique_ptr<Db>> OpenSqliteDb(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgumentError("sqlite: empty database path");
  SqliteOptions effective = options;
  if (effective.path == kMemoryPath) {
    effective.pool.max_size = 1;
  } else {
    const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        return UnavailableError("sqlite: cannot create the directory " + parent.string() + " for " +
                                options.path + ": " + ec.message());
      }
    }
  }
  auto gate = std::make_shared<WriterGate>();
  auto pool = std::make_unique<ConnectionPool>(
      Dialect::kSqlite, effective.pool,
      [effective, gate]() { return SqliteConnection::Open(effective, gate); });
  { MILEAGE_ASSIGN_OR_RETURN(PooledConnection first, pool->Acquire()); }
  return std::unique_ptr<Db>(std::move(pool));
}

}  // namespace mileage::db
