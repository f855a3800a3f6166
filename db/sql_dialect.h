#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "db/db.h"

namespace mileage::db {

// The few pieces of SQL text that differ between SQLite and MySQL/MariaDB, so that one store
// implementation serves both (DESIGN.md section 3). Pure functions.

// "INSERT OR IGNORE INTO" (SQLite) or "INSERT IGNORE INTO" (MySQL): an insert that skips a row
// whose unique key already exists (affected_rows 0). Usage:
//   InsertIgnoreInto(d) + " t (a, b) VALUES (?, ?)"
std::string_view InsertIgnoreInto(Dialect dialect);

// The value the failed insert tried to write to `column`, for use in an upsert's SET list:
// "excluded.col" (SQLite) or "VALUES(col)" (MySQL).
std::string InsertedValue(Dialect dialect, std::string_view column);

// The clause to append to "INSERT INTO t (...) VALUES (...)" that turns it into an upsert on
// the unique key `conflict_columns` (SQLite needs them; MySQL uses whichever unique key
// clashed), setting each of `update_columns` to the inserted value:
//   SQLite: " ON CONFLICT (k1, k2) DO UPDATE SET c1 = excluded.c1, c2 = excluded.c2"
//   MySQL:  " ON DUPLICATE KEY UPDATE c1 = VALUES(c1), c2 = VALUES(c2)"
// With no update columns the existing row is kept (DO NOTHING / k1 = k1). conflict_columns
// must not be empty. affected_rows of an upsert is dialect-specific: compare it with 0 only.
std::string UpsertClause(Dialect dialect, std::initializer_list<std::string_view> conflict_columns,
                         std::initializer_list<std::string_view> update_columns);

// The suffix of a SELECT that locks the rows it reads until commit: " FOR UPDATE" on MySQL,
// "" on SQLite (whose transactions from Begin() already hold the database write lock).
std::string_view ForUpdate(Dialect dialect);

// Integer division of two non-negative integer expressions, truncated: "(a) / (b)" on SQLite,
// "(a) DIV (b)" on MySQL (whose "/" answers a decimal). Used to group Unix times into days in
// SQL without a per-row date function.
std::string IntegerDivide(Dialect dialect, std::string_view dividend, std::string_view divisor);

// The statement Connection::Begin() runs: "BEGIN IMMEDIATE" or "START TRANSACTION".
std::string_view BeginStatement(Dialect dialect);

}  // namespace mileage::db
