#include "db/mysql/mysql_db.h"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/parameter_metadata.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/log.h"
#include "db/sql_script.h"

namespace mileage::db {
namespace {

// Distinct SQL texts kept prepared per connection (server-side statements count against the
// server's max_prepared_stmt_count); beyond that the cache starts over.
constexpr size_t kMaxCachedStatements = 256;

// Where an exception was raised: errors while executing with bound values may quote those
// values, so their messages are redacted.
enum class Phase { kPrepare, kExecute, kScript };

// Errors after which the connection is gone: the client lost the server (CR_* 2xxx), the
// server killed or is shutting down the session, or a connection-class SQLSTATE (08xxx).
bool IsConnectionError(int code, const std::string& sqlstate) {
  if (sqlstate.starts_with("08")) return true;
  switch (code) {
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1152:  // ER_ABORTING_CONNECTION
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 2001:  // CR_SOCKET_CREATE_ERROR
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2004:  // CR_IPSOCK_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2009:  // CR_WRONG_HOST_INFO
    case 2012:  // CR_SERVER_HANDSHAKE_ERR
    case 2013:  // CR_SERVER_LOST
    case 2014:  // CR_COMMANDS_OUT_OF_SYNC: the protocol state is lost
    case 2026:  // CR_SSL_CONNECTION_ERROR
    case 2047:  // CR_CONN_UNKNOW_PROTOCOL
    case 2048:  // CR_INVALID_CONN_HANDLE
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return true;
    default:
      return false;
  }
}

// Replaces the text inside each pair of single quotes with '?': server messages about a
// statement's execution may quote the offending value ("Duplicate entry 'x' ...").
std::string RedactQuoted(std::string_view text) {
  std::string out;
  bool inside = false;
  for (char c : text) {
    if (c == '\'') {
      if (inside) out += "?'";
      if (!inside) out.push_back('\'');
      inside = !inside;
    } else if (!inside) {
      out.push_back(c);
    }
  }
  if (inside) out += "?";
  return out;
}

// "key 'uk_code'" from "Duplicate entry 'x' for key 'uk_code'", or "" when absent.
std::string DuplicateKeyName(std::string_view text) {
  const size_t at = text.rfind("for key '");
  if (at == std::string_view::npos) return "";
  const size_t start = at + 9;
  const size_t end = text.find('\'', start);
  if (end == std::string_view::npos) return "";
  return std::string(text.substr(start, end - start));
}

int Seconds(std::chrono::milliseconds ms) {
  const auto s = (ms.count() + 999) / 1000;
  return static_cast<int>(std::clamp<int64_t>(s, 1, 3600));
}

std::string HostPort(const MysqlOptions& options) {
  const bool ipv6 = options.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(options.port);
}

Result<sql::mysql::MySQL_Driver*> Driver() {
  // Loading the driver initializes the client library once; C++ makes this thread-safe.
  static sql::mysql::MySQL_Driver* const driver = []() -> sql::mysql::MySQL_Driver* {
    try {
      return sql::mysql::get_mysql_driver_instance();
    } catch (const std::exception&) {
      return nullptr;
    }
  }();
  if (driver == nullptr) return InternalError("mysql: cannot load MySQL Connector/C++");
  return driver;
}

// How a result column is read back.
enum class ColumnKind { kSigned, kUnsigned, kDecimal, kText };

ColumnKind KindOf(sql::ResultSetMetaData& meta, unsigned int column) {
  switch (meta.getColumnType(column)) {
    case sql::DataType::BIT:
    case sql::DataType::TINYINT:
    case sql::DataType::SMALLINT:
    case sql::DataType::MEDIUMINT:
    case sql::DataType::INTEGER:
    case sql::DataType::BIGINT:
    case sql::DataType::YEAR:
      return meta.isSigned(column) ? ColumnKind::kSigned : ColumnKind::kUnsigned;
    case sql::DataType::DECIMAL:
    case sql::DataType::NUMERIC:
      // SUM() and friends of integer columns are DECIMAL with scale 0: integers, as on SQLite.
      return meta.getScale(column) == 0 ? ColumnKind::kDecimal : ColumnKind::kText;
    default:
      return ColumnKind::kText;
  }
}

// One Connector/C++ connection (sql::Connection) with its prepared statements. Every
// sql::SQLException stops here. The pool lends it to one thread at a time; not safe for
// concurrent use.
class MysqlConnection final : public Connection {
 public:
  // `returning`: the server takes INSERT ... RETURNING (MariaDB 10.5+). `galera`: the server
  // is a Galera node (wsrep_on), whose transactions Begin guards (below).
  MysqlConnection(std::unique_ptr<sql::Connection> conn, std::unique_ptr<sql::Statement> plain,
                  bool returning, bool galera)
      : conn_(std::move(conn)), plain_(std::move(plain)), returning_(returning), galera_(galera) {}

  ~MysqlConnection() override {
    try {
      statements_.clear();
      plain_.reset();
      if (!broken_) conn_->close();
      conn_.reset();
    } catch (const std::exception&) {
      // Closing a dead connection may report the failure; there is nothing left to do.
    }
  }
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  using Connection::Exec;
  using Connection::Query;

  Dialect dialect() const override { return Dialect::kMysql; }
  Result<ExecResult> Exec(std::string_view sql, std::span<const Value> params = {}) override;
  Result<int64_t> Insert(std::string_view sql, std::span<const Value> params = {}) override;
  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params = {}) override;
  Status ExecScript(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool in_transaction() const override { return in_transaction_; }
  Status Ping() override { return Query("SELECT 1").status(); }
  bool broken() const override { return broken_; }

 private:
  struct CachedStatement {
    std::unique_ptr<sql::PreparedStatement> statement;
    size_t parameters = 0;
  };

  // Prepares `sql` (once per connection) and binds `params` to it.
  Result<CachedStatement*> PrepareAndBind(std::string_view sql, std::span<const Value> params);
  // Runs a statement without parameters or results on the plain statement.
  Status Run(std::string_view sql);
  // Galera: before a statement outside a transaction, turns autocommit back on if a transaction
  // turned it off (it stays off between transactions: one statement saved per transaction).
  Status AutocommitOutsideTransactions();
  // Galera: after `sql` ran in a transaction, sets the guard savepoint again when `sql` was DDL,
  // whose implicit commit ended the transaction Begin guarded.
  Status RenewGuardAfter(std::string_view sql);
  Status Fail(const sql::SQLException& e, std::string_view sql, Phase phase);
  Status Fail(const std::exception& e, std::string_view sql);
  Result<std::vector<Row>> ReadRows(sql::ResultSet& rs);

  // Declared first so that it is destroyed last, after the statements that use it.
  std::unique_ptr<sql::Connection> conn_;
  std::unique_ptr<sql::Statement> plain_;
  std::unordered_map<std::string, CachedStatement> statements_;
  const bool returning_;
  const bool galera_;
  bool broken_ = false;
  bool in_transaction_ = false;
  int last_error_code_ = 0;      // the server's error code of the last statement that failed
  bool autocommit_off_ = false;  // Galera: the session runs with autocommit = 0
};

Status MysqlConnection::Fail(const sql::SQLException& e, std::string_view sql, Phase phase) {
  const int code = e.getErrorCode();
  last_error_code_ = code;
  const std::string& sqlstate = e.getSQLState();
  const std::string text = e.what();
  const std::string in = sql.empty() ? "" : " (in: " + SqlForMessage(sql) + ")";
  if (code == 1062 || code == 1586 || code == 1022) {
    const std::string key = DuplicateKeyName(text);
    return AlreadyExistsError("mysql: duplicate entry for key '" + key + "'" + in);
  }
  std::string message = "mysql error " + std::to_string(code) + " (" + sqlstate +
                        "): " + (phase == Phase::kExecute ? RedactQuoted(text) : text) + in;
  if (code == 1213 || code == 1205) return AbortedError(std::move(message));
  // ER_SP_DOES_NOT_EXIST for a savepoint: the transaction that set it was rolled back under
  // this statement (see Begin), so what this statement joined is not that transaction.
  if (code == 1305) return AbortedError(std::move(message));
  const bool closed = dynamic_cast<const sql::InvalidInstanceException*>(&e) != nullptr;
  if (closed || IsConnectionError(code, sqlstate)) {
    broken_ = true;
    in_transaction_ = false;
    return UnavailableError(std::move(message));
  }
  return InternalError(std::move(message));
}

Status MysqlConnection::Fail(const std::exception& e, std::string_view sql) {
  return InternalError("mysql: " + std::string(e.what()) + " (in: " + SqlForMessage(sql) + ")");
}

Result<MysqlConnection::CachedStatement*> MysqlConnection::PrepareAndBind(
    std::string_view sql, std::span<const Value> params) {
  if (broken_) return UnavailableError("mysql: the connection was lost");
  MILEAGE_RETURN_IF_ERROR(AutocommitOutsideTransactions());
  const std::string key(sql);
  auto it = statements_.find(key);
  if (it == statements_.end()) {
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    CachedStatement entry;
    try {
      entry.statement.reset(conn_->prepareStatement(sql::SQLString(key)));
      entry.parameters =
          static_cast<size_t>(entry.statement->getParameterMetaData()->getParameterCount());
    } catch (const sql::SQLException& e) {
      return Fail(e, sql, Phase::kPrepare);
    } catch (const std::exception& e) {
      return Fail(e, sql);
    }
    it = statements_.emplace(key, std::move(entry)).first;
  }
  CachedStatement* entry = &it->second;
  if (entry->parameters != params.size()) {
    return InternalError("mysql: statement has " + std::to_string(entry->parameters) +
                         " parameters, got " + std::to_string(params.size()) +
                         " (in: " + SqlForMessage(sql) + ")");
  }
  sql::PreparedStatement& ps = *entry->statement;
  try {
    for (size_t i = 0; i < params.size(); ++i) {
      const auto index = static_cast<unsigned int>(i + 1);
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        ps.setInt64(index, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        ps.setString(index, sql::SQLString(*s));
      } else {
        ps.setNull(index, sql::DataType::SQLNULL);
      }
    }
  } catch (const sql::SQLException& e) {
    return Fail(e, sql, Phase::kExecute);
  } catch (const std::exception& e) {
    return Fail(e, sql);
  }
  return entry;
}

Result<ExecResult> MysqlConnection::Exec(std::string_view sql, std::span<const Value> params) {
  MILEAGE_ASSIGN_OR_RETURN(CachedStatement * entry, PrepareAndBind(sql, params));
  ExecResult result;
  try {
    result.affected_rows = entry->statement->executeUpdate();
  } catch (const sql::SQLException& e) {
    return Fail(e, sql, Phase::kExecute);
  } catch (const std::exception& e) {
    return Fail(e, sql);
  }
  MILEAGE_RETURN_IF_ERROR(RenewGuardAfter(sql));
  return result;
}

Result<int64_t> MysqlConnection::Insert(std::string_view sql, std::span<const Value> params) {
  std::vector<Row> rows;
  if (returning_) {
    MILEAGE_ASSIGN_OR_RETURN(rows, Query(std::string(sql) + " RETURNING id", params));
  } else {
    MILEAGE_ASSIGN_OR_RETURN(ExecResult result, Exec(sql, params));
    if (result.affected_rows == 1) {
      MILEAGE_ASSIGN_OR_RETURN(rows, Query("SELECT LAST_INSERT_ID()"));
    }
  }
  if (rows.size() != 1) {
    return InternalError("mysql: the INSERT inserted no row (in: " + SqlForMessage(sql) + ")");
  }
  return rows[0].Int(0);
}

Result<std::vector<Row>> MysqlConnection::ReadRows(sql::ResultSet& rs) {
  sql::ResultSetMetaData& meta = *rs.getMetaData();
  const unsigned int columns = meta.getColumnCount();
  std::vector<ColumnKind> kinds;
  kinds.reserve(columns);
  for (unsigned int c = 1; c <= columns; ++c) kinds.push_back(KindOf(meta, c));
  std::vector<Row> rows;
  rows.reserve(rs.rowsCount());
  while (rs.next()) {
    std::vector<Value> values;
    values.reserve(columns);
    for (unsigned int c = 1; c <= columns; ++c) {
      if (rs.isNull(c)) {
        values.emplace_back(nullptr);
        continue;
      }
      switch (kinds[c - 1]) {
        case ColumnKind::kSigned:
          values.emplace_back(static_cast<int64_t>(rs.getInt64(c)));
          break;
        case ColumnKind::kUnsigned:
          // BIGINT UNSIGNED above INT64_MAX wraps; we store no such values.
          values.emplace_back(static_cast<int64_t>(rs.getUInt64(c)));
          break;
        case ColumnKind::kDecimal: {
          std::string text = rs.getString(c).asStdString();
          int64_t n = 0;
          auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
          if (ec == std::errc() && end == text.data() + text.size()) {
            values.emplace_back(n);
          } else {
            values.emplace_back(std::move(text));
          }
          break;
        }
        case ColumnKind::kText:
          values.emplace_back(rs.getString(c).asStdString());
          break;
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

Result<std::vector<Row>> MysqlConnection::Query(std::string_view sql,
                                                std::span<const Value> params) {
  MILEAGE_ASSIGN_OR_RETURN(CachedStatement * entry, PrepareAndBind(sql, params));
  try {
    std::unique_ptr<sql::ResultSet> rs(entry->statement->executeQuery());
    return ReadRows(*rs);
  } catch (const sql::SQLException& e) {
    return Fail(e, sql, Phase::kExecute);
  } catch (const std::exception& e) {
    return Fail(e, sql);
  }
}

Status MysqlConnection::Run(std::string_view sql) {
  if (broken_) return UnavailableError("mysql: the connection was lost");
  try {
    if (plain_->execute(sql::SQLString(std::string(sql)))) {
      std::unique_ptr<sql::ResultSet> rs(plain_->getResultSet());
    }
    return Status::Ok();
  } catch (const sql::SQLException& e) {
    return Fail(e, sql, Phase::kScript);
  } catch (const std::exception& e) {
    return Fail(e, sql);
  }
}

Status MysqlConnection::ExecScript(std::string_view sql) {
  MILEAGE_RETURN_IF_ERROR(AutocommitOutsideTransactions());
  for (const std::string& statement : SplitSqlScript(sql)) {
    MILEAGE_RETURN_IF_ERROR(Run(statement));
    MILEAGE_RETURN_IF_ERROR(RenewGuardAfter(statement));
  }
  return Status::Ok();
}

// On a Galera node, a write that another node committed first rolls back a transaction here
// that holds a lock it needs (a brute-force abort), at any moment between two statements. The
// next statement should then fail with 1213, but MariaDB 10.11 does not always say so: in the
// payments scale test on Galera, about one run in six has a notification whose every statement
// succeeded while its transaction was gone at COMMIT, and before this guard the statements after
// the rollback had committed one by one under autocommit (a reward coupon of a payment that was
// not recorded). So on Galera a transaction runs with autocommit off, where a statement after
// such a rollback opens a new transaction instead, and it begins with a savepoint that COMMIT
// releases first: when the savepoint is gone (1305), the transaction is not the one begun, and it
// ends as Aborted (rolled back, the work retried). Two more statements per transaction
// (SAVEPOINT, RELEASE), on Galera only; autocommit goes off at a connection's first transaction
// and back on only before a statement outside one.
constexpr std::string_view kGuardSavepoint = "mileage_transaction";

Status MysqlConnection::Begin() {
  if (in_transaction_) return InternalError("mysql: a transaction is already open");
  if (galera_ && !autocommit_off_) {
    MILEAGE_RETURN_IF_ERROR(Run("SET autocommit = 0"));
    autocommit_off_ = true;
  }
  in_transaction_ = true;
  Status begun = Run("START TRANSACTION");
  if (begun.ok() && galera_) begun = Run("SAVEPOINT " + std::string(kGuardSavepoint));
  if (!begun.ok()) Rollback().IgnoreError();
  return begun;
}

Status MysqlConnection::Commit() {
  if (!in_transaction_) return InternalError("mysql: COMMIT without an open transaction");
  // On failure the transaction stays open for the caller's Rollback.
  if (galera_) {
    Status released = Run("RELEASE SAVEPOINT " + std::string(kGuardSavepoint));
    if (!released.ok() && last_error_code_ == 1305) {  // not a 1213 reported there
      MILEAGE_LOG(kWarn) << "mysql: the transaction was rolled back under its statements "
                            "(Galera brute-force abort), not committed: "
                         << released.ToString();
    }
    MILEAGE_RETURN_IF_ERROR(released);
  }
  MILEAGE_RETURN_IF_ERROR(Run("COMMIT"));
  in_transaction_ = false;
  return Status::Ok();
}

Status MysqlConnection::Rollback() {
  if (!in_transaction_) return Status::Ok();
  Status status = Run("ROLLBACK");
  in_transaction_ = false;
  return status;
}

Status MysqlConnection::RenewGuardAfter(std::string_view sql) {
  if (!galera_ || !in_transaction_ || !CommitsImplicitly(sql)) return Status::Ok();
  return Run("SAVEPOINT " + std::string(kGuardSavepoint));
}

Status MysqlConnection::AutocommitOutsideTransactions() {
  if (!autocommit_off_ || in_transaction_) return Status::Ok();
  MILEAGE_RETURN_IF_ERROR(Run("SET autocommit = 1"));
  autocommit_off_ = false;
  return Status::Ok();
}

// True for a MariaDB 10.5 or later VERSION() ("10.11.6-MariaDB-0+deb12u1"), which takes
// INSERT ... RETURNING; MySQL has no RETURNING.
bool SupportsReturning(std::string_view version) {
  if (version.find("MariaDB") == std::string_view::npos) return false;
  int major = 0, minor = 0;
  const char* end = version.data() + version.size();
  auto [dot, ec] = std::from_chars(version.data(), end, major);
  if (ec != std::errc() || dot == end || *dot != '.') return false;
  if (std::from_chars(dot + 1, end, minor).ec != std::errc()) return false;
  return major > 10 || (major == 10 && minor >= 5);
}

// `text` with every occurrence of the password masked, in case a message ever quotes it.
std::string Scrubbed(std::string text, const std::string& password) {
  if (password.empty()) return text;
  for (size_t at = text.find(password); at != std::string::npos; at = text.find(password, at + 3)) {
    text.replace(at, password.size(), "***");
  }
  return text;
}

Result<std::unique_ptr<Connection>> Connect(const MysqlOptions& options) {
  MILEAGE_ASSIGN_OR_RETURN(sql::mysql::MySQL_Driver * driver, Driver());
  const int io_seconds = Seconds(options.io_timeout);
  // A lock wait must end as Aborted (1205) before the socket read gives up on the statement.
  const int lock_wait_seconds = std::max(1, io_seconds / 2);
  try {
    sql::ConnectOptionsMap properties;
    properties["hostName"] = sql::SQLString("tcp://" + HostPort(options));
    properties["userName"] = sql::SQLString(options.user);
    properties["password"] = sql::SQLString(options.password);
    properties["schema"] = sql::SQLString(options.database);
    properties["OPT_CONNECT_TIMEOUT"] = Seconds(options.connect_timeout);
    properties["OPT_READ_TIMEOUT"] = io_seconds;
    properties["OPT_WRITE_TIMEOUT"] = io_seconds;
    properties["OPT_RECONNECT"] = false;
    properties["CLIENT_FOUND_ROWS"] = true;
    properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    properties["characterSetResults"] = sql::SQLString("utf8mb4");
    std::unique_ptr<sql::Connection> conn(driver->connect(properties));
    std::unique_ptr<sql::Statement> plain(conn->createStatement());
    plain->execute(sql::SQLString(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE', time_zone = '+00:00', "
        "innodb_lock_wait_timeout = " +
        std::to_string(lock_wait_seconds) +
        (options.wsrep_sync_wait ? ", wsrep_sync_wait = " + std::to_string(*options.wsrep_sync_wait)
                                 : std::string())));
    std::string version;
    {
      std::unique_ptr<sql::ResultSet> rs(plain->executeQuery(sql::SQLString("SELECT VERSION()")));
      if (rs->next()) version = rs->getString(1).asStdString();
    }
    // MariaDB has wsrep_on with or without Galera; MySQL does not know the variable.
    bool galera = false;
    if (version.find("MariaDB") != std::string::npos) {
      std::unique_ptr<sql::ResultSet> rs(
          plain->executeQuery(sql::SQLString("SELECT @@GLOBAL.wsrep_on")));
      galera = rs->next() && rs->getInt(1) == 1;
    }
    return std::unique_ptr<Connection>(std::make_unique<MysqlConnection>(
        std::move(conn), std::move(plain), SupportsReturning(version), galera));
  } catch (const sql::SQLException& e) {
    return UnavailableError("mysql: cannot connect to " + HostPort(options) + " as '" +
                            options.user + "' to database '" + options.database + "': error " +
                            std::to_string(e.getErrorCode()) + ": " +
                            Scrubbed(e.what(), options.password));
  } catch (const std::exception& e) {
    return UnavailableError("mysql: cannot connect to " + HostPort(options) + ": " +
                            Scrubbed(e.what(), options.password));
  }
}

}  // namespace

Result<std::unique_ptr<Db>> OpenMysqlDb(const MysqlOptions& options) {
  if (options.host.empty() || options.user.empty() || options.database.empty()) {
    return InvalidArgumentError("mysql: host, user and database are required");
  }
  auto pool = std::make_unique<ConnectionPool>(Dialect::kMysql, options.pool,
                                               [options]() { return Connect(options); });
  { MILEAGE_ASSIGN_OR_RETURN(PooledConnection first, pool->Acquire()); }
  return std::unique_ptr<Db>(std::move(pool));
}

}  // namespace mileage::db
