#include "db/sql_dialect.h"

namespace mileage::db {
namespace {

void AppendList(std::string& out, std::initializer_list<std::string_view> items) {
  bool first = true;
  for (std::string_view item : items) {
    if (!first) out += ", ";
    out += item;
    first = false;
  }
}

}  // namespace

std::string_view InsertIgnoreInto(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "INSERT OR IGNORE INTO" : "INSERT IGNORE INTO";
}

std::string InsertedValue(Dialect dialect, std::string_view column) {
  if (dialect == Dialect::kSqlite) return "excluded." + std::string(column);
  return "VALUES(" + std::string(column) + ")";
}

std::string UpsertClause(Dialect dialect, std::initializer_list<std::string_view> conflict_columns,
                         std::initializer_list<std::string_view> update_columns) {
  std::string out;
  if (dialect == Dialect::kSqlite) {
    out = " ON CONFLICT (";
    AppendList(out, conflict_columns);
    out += ")";
    if (update_columns.size() == 0) return out + " DO NOTHING";
    out += " DO UPDATE SET ";
  } else {
    out = " ON DUPLICATE KEY UPDATE ";
    if (update_columns.size() == 0) {
      const std::string key(*conflict_columns.begin());
      return out + key + " = " + key;
    }
  }
  bool first = true;
  for (std::string_view column : update_columns) {
    if (!first) out += ", ";
    out += column;
    out += " = ";
    out += InsertedValue(dialect, column);
    first = false;
  }
  return out;
}

std::string_view ForUpdate(Dialect dialect) {
  return dialect == Dialect::kMysql ? " FOR UPDATE" : "";
}

std::string IntegerDivide(Dialect dialect, std::string_view dividend, std::string_view divisor) {
  const char* op = dialect == Dialect::kSqlite ? ") / (" : ") DIV (";
  return "(" + std::string(dividend) + op + std::string(divisor) + ")";
}

std::string_view BeginStatement(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "START TRANSACTION";
}

}  // namespace mileage::db
