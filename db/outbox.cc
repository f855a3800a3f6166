#include "db/outbox.h"

#include <cstdio>

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
  return conn
      .Exec(
          "INSERT INTO outbox_events (topic, brand_id, aggregate_ref, payload, created_at) "
          "VALUES (?, ?, ?, ?, ?)",
          {Value(std::string(topic)), Value(brand_id), Value(std::string(aggregate_ref)),
           Value(std::string(payload)), Value(now)})
      .status();
}

}  // namespace mileage::db
