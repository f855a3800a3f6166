#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"
#include "db/db.h"
#include "db/pool.h"

namespace mileage::db {

// Settings of the embedded SQLite driver.
struct SqliteOptions {
  // The database file (its directory is created when missing), or ":memory:" for a private
  // in-memory database; the pool then holds a single connection, since every SQLite
  // connection to ":memory:" is a database of its own.
  std::string path;
  PoolOptions pool;
  // How long a statement waits for another connection's write lock before it fails with
  // Aborted.
  std::chrono::milliseconds busy_timeout{5000};
};

// Opens a SQLite database: WAL journal, synchronous=FULL (a commit survives power loss),
// foreign keys enforced, writers serialized by BEGIN IMMEDIATE. One connection is opened
// immediately so that a bad path fails at start-up. Errors: Unavailable when the directory
// cannot be created or the file cannot be opened as a database; Internal when it cannot be
// switched to WAL.
Result<std::unique_ptr<Db>> OpenSqliteDb(const SqliteOptions& options);

}  // namespace mileage::db
