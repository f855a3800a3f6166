#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/db.h"

namespace mileage::db {

// Where the database lives, parsed from the `database` config value. A value type.
struct DatabaseUrl {
  Dialect dialect = Dialect::kSqlite;
  // kSqlite: the file path, or ":memory:".
  std::string path;
  // kMysql: the server, account and schema.
  std::string host;
  int port = 3306;
  std::string user;
  // Never log it: use Redacted().
  std::string password;
  std::string database;
  // kMysql: the session's wsrep_sync_wait (MariaDB Galera; docs/OPERATIONS.md "Galera"), set on
  // every pooled connection; unset leaves the server's default (0: reads do not wait).
  std::optional<int> wsrep_sync_wait;

  // The URL with the password masked ("mysql://app:***@db:3306/mileage"), for logs.
  std::string Redacted() const;
};

// Parses "sqlite:PATH", "sqlite::memory:" or
// "mysql://user[:password]@host[:port]/database[?wsrep_sync_wait=N]", e.g.
// "sqlite:var/mileage.db", "mysql://app:p%40ss@10.0.0.5/mileage", "mysql://app@[::1]/m",
// "mysql://app@db1/mileage?wsrep_sync_wait=1".
// The port defaults to 3306; '%XX' escapes are decoded in the user and password (a password
// may also contain a literal '@', ':' or '/': the user info ends at the last '@').
// InvalidArgument naming what is wrong, never echoing the password, when: the URL is empty or
// its scheme is neither sqlite: nor mysql://; the SQLite path is empty or starts with "//";
// the MySQL user or host is missing; the host has characters other than letters, digits, '.',
// '-', '_' (or an unclosed '[' for IPv6); the port is not 1..65535; the database name is
// missing, longer than 64 characters, or not [A-Za-z0-9_]; an escape is malformed; the URL
// carries a fragment, or a query other than one wsrep_sync_wait=N with N in 0..15.
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

}  // namespace mileage::db
