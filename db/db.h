#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace mileage::db {

enum class Dialect { kSqlite, kMysql };

// A bound parameter or a column value: NULL, a 64-bit integer or text/bytes.
// No floating point: money is fen and points are integers (DESIGN.md section 2).
using Value = std::variant<std::nullptr_t, int64_t, std::string>;

// One result row, as a driver read it. Column access by 0-based index.
//
// What the drivers put in a Value: integer columns (INTEGER, BIGINT, COUNT(*), MAX of an
// integer column, SUM of integers, which MySQL reports as DECIMAL with scale 0) as int64_t;
// text and blob columns as std::string; NULL as nullptr. On MySQL a DECIMAL that does not
// fit in int64_t, a DECIMAL with a scale (AVG) and every other type (dates, floating point)
// come back as text; on SQLite a REAL comes back as its text.
//
// The accessors read what the value holds: Int an integer, or text that is a whole decimal
// integer; Text text, or an integer as its decimal digits; NULL reads as 0 / "" (use IsNull
// or the Optional accessors where NULL means something). Anything else is a programming
// error that must not turn into a silent 0 (a member_id 0): a column index the query did not
// return, or Int of text that is not an integer (e.g. "abc", "12.50"). Such a read logs an
// error naming the caller's file and line, the column index, the row's width and the value's
// type (never the value: it may be personal data), then aborts in builds without NDEBUG
// (every test build, so a test that reaches the mistake fails loudly). Release builds log
// the same error and return 0 / "" (or NULL from value()), so that one bad query fails its
// request instead of stopping the service.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  // The default arguments name the caller in the error of a misuse; never pass them.
  bool IsNull(size_t i, const char* file = __builtin_FILE(), int line = __builtin_LINE()) const;
  int64_t Int(size_t i, const char* file = __builtin_FILE(), int line = __builtin_LINE()) const;
  std::string Text(size_t i, const char* file = __builtin_FILE(),
                   int line = __builtin_LINE()) const;
  std::optional<int64_t> OptionalInt(size_t i, const char* file = __builtin_FILE(),
                                     int line = __builtin_LINE()) const;
  std::optional<std::string> OptionalText(size_t i, const char* file = __builtin_FILE(),
                                          int line = __builtin_LINE()) const;
  const Value& value(size_t i, const char* file = __builtin_FILE(),
                     int line = __builtin_LINE()) const;

 private:
  // The value at `i`, or nullptr after reporting a misuse when the row has no column `i`.
  const Value* At(size_t i, const char* accessor, const char* file, int line) const;

  std::vector<Value> values_;
};

struct ExecResult {
  // Rows matched by an UPDATE or DELETE, inserted by an INSERT (both drivers count matched
  // rows, so a conditional update that found its row reports 1 even if nothing changed).
  // Upserts differ by dialect (MySQL counts an updated row twice): compare with 0 only.
  // The id of an inserted row comes from Connection::Insert, which costs no extra round trip.
  int64_t affected_rows = 0;
};

// One database connection, checked out of the pool by one thread at a time; not safe for
// concurrent use. Statements are prepared with positional `?` parameters and cached per
// connection, so repeated SQL costs one prepare per connection.
//
// Errors (same mapping on every driver): a unique or primary key violation -> AlreadyExists;
// deadlock, lock timeout or SQLite busy -> Aborted (retry the transaction); lost or refused
// connection -> Unavailable (the connection is then broken and the pool replaces it);
// anything else -> Internal. Messages never carry parameter values.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // Runs a statement that returns no rows (INSERT, UPDATE, DELETE, DDL). Internal when the
  // number of parameters does not match the `?` placeholders.
  virtual Result<ExecResult> Exec(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs an INSERT of one row into a table whose key is the generated integer column `id`
  // (AUTO_INCREMENT on MySQL, INTEGER PRIMARY KEY on SQLite) and returns the new row's id. One
  // round trip on MariaDB 10.5+ (the driver appends RETURNING id, so `sql` must not end with
  // a RETURNING clause or an ON DUPLICATE KEY UPDATE); on MySQL and older MariaDB a SELECT
  // LAST_INSERT_ID() follows. Errors as Exec (AlreadyExists on a duplicate key); Internal when
  // the statement inserted no row (an INSERT IGNORE that ignored it).
  virtual Result<int64_t> Insert(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs a statement and returns all of its rows. Integer columns come back as int64_t,
  // text and blob columns as std::string (binary-safe), NULL as nullptr.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::span<const Value> params = {}) = 0;
  // Runs a script of several statements separated by ';' (migrations); no parameters. MySQL
  // scripts are split at ';' outside quotes and comments, so compound statements (BEGIN ...
  // END bodies) are not supported there.
  virtual Status ExecScript(std::string_view sql) = 0;

  // Begin takes the write lock up front on SQLite (BEGIN IMMEDIATE) so that two writers never
  // deadlock on a lock upgrade; on MySQL it is START TRANSACTION. Control transactions only
  // through these three, never with Exec("COMMIT"), so that in_transaction() stays accurate.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // OK when no transaction is open.
  virtual Status Rollback() = 0;
  // True between a successful Begin() and the matching Commit()/Rollback().
  virtual bool in_transaction() const = 0;

  // A cheap round trip: OK when the server answers.
  virtual Status Ping() = 0;
  // True once the connection has failed in a way that makes it unusable; the pool drops it.
  virtual bool broken() const = 0;

  // Convenience overloads for literal parameter lists.
  Result<ExecResult> Exec(std::string_view sql, std::initializer_list<Value> params) {
    return Exec(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<int64_t> Insert(std::string_view sql, std::initializer_list<Value> params) {
    return Insert(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<std::vector<Row>> Query(std::string_view sql, std::initializer_list<Value> params) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()));
  }
};

class Db;

// A connection on loan from a Db; returns it (or drops it if broken) when destroyed.
// Movable, not copyable. Any open transaction is rolled back on return.
class PooledConnection {
 public:
  PooledConnection(Db* owner, std::unique_ptr<Connection> conn)
      : owner_(owner), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  ~PooledConnection();

  Connection* operator->() const { return conn_.get(); }
  Connection& operator*() const { return *conn_; }
  Connection* get() const { return conn_.get(); }

 private:
  void Release();
  Db* owner_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

struct PoolStats {
  int size = 0;          // configured maximum
  int open = 0;          // connections currently open
  int in_use = 0;        // checked out now
  int64_t waits = 0;     // acquisitions that had to wait for a free connection
  int64_t timeouts = 0;  // acquisitions that gave up waiting (Unavailable)
  int64_t replaced = 0;  // broken or dead connections dropped
};

// A database: a bounded pool of connections to one SQLite file or MySQL/MariaDB schema.
// Owned by the composition root; safe for concurrent use from any number of threads.
class Db {
 public:
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;
  // Waits up to the configured timeout for a free connection. Unavailable when the server
  // cannot be reached or the wait times out.
  virtual Result<PooledConnection> Acquire() = 0;
  virtual PoolStats Stats() const = 0;
  // Closes idle connections and refuses new acquisitions (graceful stop).
  virtual void Close() = 0;

 protected:
  friend class PooledConnection;
  // Takes back a connection from a PooledConnection (dropping it if broken).
  virtual void Return(std::unique_ptr<Connection> conn) = 0;
};

// Runs `work` inside a transaction on a pooled connection: BEGIN, work, COMMIT; rolls back
// when work fails. When the failure is Aborted (deadlock, busy, a Galera certification
// conflict) the whole transaction is retried up to `attempts` times, after a pause that doubles
// from about 1 ms to 64 ms with some randomness. Returns the last error, or OK after a
// successful commit.
Status InTransaction(Db& db, const std::function<Status(Connection&)>& work, int attempts = 3);

// A check that a long job makes first in each of its transactions, on the transaction's
// connection: an error rolls that transaction back and stops the job. The periodic jobs'
// lease (server::JobLease) is one: a node that lost the lease writes nothing more. An empty
// Fence checks nothing (a job run by hand).
using Fence = std::function<Status(Connection&)>;

// `fence`'s verdict on `conn`; OK for an empty fence.
inline Status CheckFence(const Fence& fence, Connection& conn) {
  return fence ? fence(conn) : Status::Ok();
}

}  // namespace mileage::db
