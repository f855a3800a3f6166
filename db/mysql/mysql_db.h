#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "db/db.h"
#include "db/pool.h"

namespace mileage::db {

// Settings of the MySQL/MariaDB driver (MySQL Connector/C++ 1.1).
struct MysqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  // Never logged or echoed in an error.
  std::string password;
  std::string database;
  PoolOptions pool;
  // TCP connect timeout.
  std::chrono::milliseconds connect_timeout{5000};
  // Socket read/write timeout of one statement; the session's InnoDB lock wait timeout is set
  // below it so that a lock wait ends as Aborted, not as a lost connection.
  std::chrono::milliseconds io_timeout{5000};
  // MariaDB Galera: the session's wsrep_sync_wait on every connection (1: reads and
  // transactions first wait until this node has applied every write committed anywhere in the
  // cluster); unset leaves the server's default. A server without the variable refuses it.
  std::optional<int> wsrep_sync_wait;
};

// Opens a pool of connections to a MySQL or MariaDB schema: utf8mb4, strict SQL mode, UTC
// session time zone, REPEATABLE READ, affected rows counting matched rows (as SQLite does), no
// automatic reconnect (a lost connection is reported and replaced by the pool). One connection
// is opened immediately so that a bad address or account fails at start-up. Errors:
// InvalidArgument when host, user or database is empty; Unavailable naming host:port when the
// server cannot be reached or refuses the account or schema (the message never contains the
// password).
Result<std::unique_ptr<Db>> OpenMysqlDb(const MysqlOptions& options);

}  // namespace mileage::db
