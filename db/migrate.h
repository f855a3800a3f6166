#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::db {

// One schema change: the SQL file db/migrations/<dialect>/NNNN_name.sql. A value type.
// The script must not control transactions itself (no BEGIN/COMMIT).
struct Migration {
  int version = 0;   // NNNN; migrations apply in increasing version order
  std::string name;  // the file name's rest without ".sql", e.g. "idempotency_keys"
  std::string sql;   // the script, run with Connection::ExecScript
};

// "0001_idempotency_keys.sql": how a migration is named in errors and logs.
std::string MigrationFileName(const Migration& migration);

// Lowercase hex SHA-256 of the script: the checksum recorded for an applied migration.
std::string MigrationChecksum(const Migration& migration);

// The migrations compiled into this binary from db/migrations/<dialect>/, in version order.
std::vector<Migration> EmbeddedMigrations(Dialect dialect);

// What a Migrate call did.
struct MigrateResult {
  std::vector<std::string> applied;  // file names applied by this call, in order
  int already_applied = 0;           // migrations found recorded before this call
};

// Applies the embedded migrations of db.dialect() not yet recorded in the schema_migrations
// table (created when missing), in version order, each recorded with its name, checksum and
// the clock's time. Safe when several processes migrate the same database at once: MySQL
// serializes them with GET_LOCK, SQLite with BEGIN IMMEDIATE, and each migration is applied
// exactly once. On SQLite a migration and its record commit together; on MySQL DDL commits
// implicitly, so a migration that fails half-way may leave part of its changes (but no record).
// Each statement runs on one of db's connections, so on MySQL its read timeout (io_timeout)
// bounds every migration statement: open the Db that migrates a large database with a long one.
// Errors: InvalidArgument when the list is not strictly increasing in version or has an empty
// name; FailedPrecondition naming the file when a recorded migration's checksum or name differs
// from the list, or when a migration is missing below one already applied; Aborted when
// another process kept migrating for 60 s; a failing script's own error (its file name
// prefixed to the message), after which that migration is not recorded; Unavailable when the
// database cannot be reached.
Result<MigrateResult> Migrate(Db& db, const Clock& clock);
// The same with an explicit list (tests, tools).
Result<MigrateResult> Migrate(Db& db, const Clock& clock, std::span<const Migration> migrations);

}  // namespace mileage::db
