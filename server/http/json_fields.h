#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/json.h"

namespace mileage::server {

// The one way server/ writes the members of a JSON object: "key":value. Times are written as
// RFC 3339 UTC text; the Optional writers write null where the value is absent (an id or a
// time of 0 means absent in the domain structs).
void WriteInt(JsonWriter& w, std::string_view key, int64_t value);
void WriteText(JsonWriter& w, std::string_view key, std::string_view value);
void WriteBool(JsonWriter& w, std::string_view key, bool value);
void WriteOptionalText(JsonWriter& w, std::string_view key, const std::optional<std::string>& text);
void WriteOptionalInt(JsonWriter& w, std::string_view key, std::optional<int64_t> value);
void WriteOptionalId(JsonWriter& w, std::string_view key, int64_t id);
void WriteTime(JsonWriter& w, std::string_view key, int64_t unix_seconds);
void WriteOptionalTime(JsonWriter& w, std::string_view key, int64_t unix_seconds);

// "key":[...], each item written by `write_item(item)` (which writes to the same writer).
template <typename Items, typename WriteItem>
void WriteArray(JsonWriter& w, std::string_view key, const Items& items, WriteItem&& write_item) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.StartArray();
  for (const auto& item : items) write_item(item);
  w.EndArray();
}

}  // namespace mileage::server
