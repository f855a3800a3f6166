#include "org/audit_store.h"

#include <string_view>
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

Result<PageOf<AuditRecord>> AuditStore::List(int64_t brand_id, const PageRequest& page) {
  return db::QueryPage<AuditRecord>(
      conn_,
      {"SELECT a.id, a.brand_id, a.staff_id, s.username, a.action, a.object_type, a.object_id, "
       "a.outcome, a.detail, a.request_id, a.client_address, a.created_at "
       "FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id",
       "SELECT COUNT(*) FROM audit_log a", " WHERE a.brand_id = ?", "a.id DESC"},
      {db::Value(brand_id)}, page, [](const db::Row& row) {
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
