#include "db/outbox.h"

#include <cstdio>
#include <vector>

namespace mileage::db {
namespace {

void AppendQuoted(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string PayloadJson(std::initializer_list<PayloadField> fields) {
  std::string out = "{";
  for (const PayloadField& field : fields) {
    if (out.size() > 1) out += ',';
    AppendQuoted(field.first, out);
    out += ':';
    if (const int64_t* number = std::get_if<int64_t>(&field.second)) {
      out += std::to_string(*number);
    } else {
      AppendQuoted(std::get<std::string_view>(field.second), out);
    }
  }
  out += '}';
  return out;
}

Status AddOutboxEvent(Connection& conn, std::string_view topic, int64_t brand_id,
                      std::string_view aggregate_ref, std::string_view payload, int64_t now) {
  const OutboxEvent event{std::string(topic), brand_id, std::string(aggregate_ref),
                          std::string(payload)};
  return AddOutboxEvents(conn, std::span<const OutboxEvent>(&event, 1), now);
}

Status AddOutboxEvents(Connection& conn, std::span<const OutboxEvent> events, int64_t now) {
  if (events.empty()) return Status::Ok();
  std::string sql =
      "INSERT INTO outbox_events (topic, brand_id, aggregate_ref, payload, created_at) VALUES ";
  std::vector<Value> params;
  params.reserve(events.size() * 5);
  for (const OutboxEvent& event : events) {
    if (!params.empty()) sql += ", ";
    sql += "(?, ?, ?, ?, ?)";
    params.insert(params.end(), {Value(event.topic), Value(event.brand_id),
                                 Value(event.aggregate_ref), Value(event.payload), Value(now)});
  }
  return conn.Exec(sql, params).status();
}

}  // namespace mileage::db
