#include "org/audit_store.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/paged_query.h"
#include "org/scope_sql.h"

namespace mileage::org {
namespace {

// At most `limit` characters of UTF-8 `text`, never splitting a character.
std::string Truncated(std::string_view text, size_t limit) {
  size_t characters = 0;
  size_t i = 0;
  while (i < text.size() && characters < limit) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    ++characters;
  }
  return std::string(text.substr(0, i));
}

db::Value OptionalValue(const std::optional<int64_t>& v) {
  return v.has_value() ? db::Value(*v) : db::Value(nullptr);
}

// " WHERE ..." of a List: the brand, then each filter that is set. An action prefix ("staff.")
// is the byte range ["staff.", "staff/"): '/' follows '.', and LIKE would read the '_' of
// "earning_rule." as a wildcard. Both dialects compare these columns bytewise (utf8mb4_bin).
std::string FilterWhere(int64_t brand_id, const AuditFilter& filter,
                        std::vector<db::Value>& params) {
  std::string where = " WHERE a.brand_id = ?";
  params.emplace_back(brand_id);
  if (!filter.action.empty() && filter.action.back() == '.') {
    std::string end = filter.action;
    end.back() = '/';
    where += " AND a.action >= ? AND a.action < ?";
    params.emplace_back(filter.action);
    params.emplace_back(std::move(end));
  } else if (!filter.action.empty()) {
    where += " AND a.action = ?";
    params.emplace_back(filter.action);
  }
  if (filter.staff_id.has_value()) {
    where += " AND a.staff_id = ?";
    params.emplace_back(*filter.staff_id);
  }
  if (!filter.object_type.empty()) {
    where += " AND a.object_type = ?";
    params.emplace_back(filter.object_type);
  }
  if (filter.object_id.has_value()) {
    where += " AND a.object_id = ?";
    params.emplace_back(*filter.object_id);
  }
  if (!filter.outcome.empty()) {
    where += " AND a.outcome = ?";
    params.emplace_back(filter.outcome);
  }
  if (filter.from.has_value()) {
    where += " AND a.created_at >= ?";
    params.emplace_back(*filter.from);
  }
  if (filter.until.has_value()) {
    where += " AND a.created_at < ?";
    params.emplace_back(*filter.until);
  }
  return where;
}

}  // namespace

Status AuditStore::Insert(const AuditRecord& record) {
  return conn_
      .Exec(
          "INSERT INTO audit_log (brand_id, staff_id, action, object_type, object_id, outcome, "
          "detail, request_id, client_address, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {db::Value(record.brand_id), OptionalValue(record.staff_id),
           db::Value(Truncated(record.action, 64)), db::Value(Truncated(record.object_type, 32)),
           OptionalValue(record.object_id), db::Value(Truncated(record.outcome, 16)),
           db::Value(Truncated(record.detail, 255)), db::Value(Truncated(record.request_id, 64)),
           db::Value(Truncated(record.client_address, 64)), db::Value(record.created_at)})
      .status();
}

Result<PageOf<AuditRecord>> AuditStore::List(int64_t brand_id, const AuditFilter& filter,
                                             const PageRequest& page) {
  std::vector<db::Value> params;
  const std::string where = FilterWhere(brand_id, filter, params);
  return db::QueryPage<AuditRecord>(
      conn_,
      {"SELECT a.id, a.brand_id, a.staff_id, s.username, a.action, a.object_type, a.object_id, "
       "a.outcome, a.detail, a.request_id, a.client_address, a.created_at "
       "FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id",
       "SELECT COUNT(*) FROM audit_log a", where, "a.id DESC"},
      std::move(params), page, [](const db::Row& row) {
        AuditRecord r;
        r.id = row.Int(0);
        r.brand_id = row.Int(1);
        r.staff_id = row.OptionalInt(2);
        r.staff_username = row.Text(3);
        r.action = row.Text(4);
        r.object_type = row.Text(5);
        r.object_id = row.OptionalInt(6);
        r.outcome = row.Text(7);
        r.detail = row.Text(8);
        r.request_id = row.Text(9);
        r.client_address = row.Text(10);
        r.created_at = row.Int(11);
        return r;
      });
}

}  // namespace mileage::org
