#include "db/outbox.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
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

std::optional<int64_t> PayloadMemberId(std::string_view json) {
  size_t i = 0;
  auto skip_string = [&]() -> std::optional<std::string_view> {
    if (i >= json.size() || json[i] != '"') return std::nullopt;
    const size_t start = ++i;
    while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
    if (i >= json.size()) return std::nullopt;
    return json.substr(start, i++ - start);
  };
  auto skip_space = [&] {
    while (i < json.size() && std::isspace(static_cast<unsigned char>(json[i]))) ++i;
  };
  skip_space();
  if (i >= json.size() || json[i++] != '{') return std::nullopt;
  while (true) {
    skip_space();
    std::optional<std::string_view> key = skip_string();
    if (!key.has_value()) return std::nullopt;
    skip_space();
    if (i >= json.size() || json[i++] != ':') return std::nullopt;
    skip_space();
    if (i < json.size() && json[i] == '"') {
      if (!skip_string().has_value()) return std::nullopt;
    } else {
      const size_t start = i;
      while (i < json.size() && json[i] != ',' && json[i] != '}') ++i;
      const std::string_view value = json.substr(start, i - start);
      if (*key == "member_id" && !value.empty() && value.size() <= 18 &&
          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::stoll(std::string(value));
      }
    }
    skip_space();
    if (i >= json.size() || json[i] != ',') return std::nullopt;
    ++i;
  }
}

}  // namespace mileage::db
