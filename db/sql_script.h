#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mileage::db {

// Helpers for the drivers: looking at SQL text without parsing it. Pure functions.

// Splits a script into statements at each ';' that is outside quotes ('', "", ``) and
// comments (-- to end of line, # to end of line, /* */). Statements are trimmed; those made
// only of whitespace and comments are dropped. Comments inside a kept statement are kept.
std::vector<std::string> SplitSqlScript(std::string_view script);

// The first `max_chars` characters of `sql` on one line, for error messages and logs. SQL text
// never carries parameter values (they are bound), so this is safe to log.
std::string SqlForMessage(std::string_view sql, size_t max_chars = 120);

// True for a statement that commits the open transaction on MySQL/MariaDB: DDL (CREATE, ALTER,
// DROP, RENAME, TRUNCATE as its first word, in any case, after blanks and comments).
bool CommitsImplicitly(std::string_view sql);

}  // namespace mileage::db
