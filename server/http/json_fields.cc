#include "server/http/json_fields.h"

#include "common/civil_time.h"

namespace mileage::server {
namespace {

void Key(JsonWriter& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

}  // namespace

void WriteInt(JsonWriter& w, std::string_view key, int64_t value) {
  Key(w, key);
  w.Int64(value);
}

void WriteText(JsonWriter& w, std::string_view key, std::string_view value) {
  Key(w, key);
  WriteString(w, value);
}

void WriteBool(JsonWriter& w, std::string_view key, bool value) {
  Key(w, key);
  w.Bool(value);
}

void WriteOptionalText(JsonWriter& w, std::string_view key,
                       const std::optional<std::string>& text) {
  if (text.has_value()) return WriteText(w, key, *text);
  Key(w, key);
  w.Null();
}

void WriteOptionalInt(JsonWriter& w, std::string_view key, std::optional<int64_t> value) {
  Key(w, key);
  if (value.has_value()) {
    w.Int64(*value);
  } else {
    w.Null();
  }
}

void WriteOptionalId(JsonWriter& w, std::string_view key, int64_t id) {
  WriteOptionalInt(w, key, id == 0 ? std::nullopt : std::optional<int64_t>(id));
}

void WriteTime(JsonWriter& w, std::string_view key, int64_t unix_seconds) {
  WriteText(w, key, civil::FormatRfc3339Utc(unix_seconds));
}

void WriteOptionalTime(JsonWriter& w, std::string_view key, int64_t unix_seconds) {
  if (unix_seconds != 0) return WriteTime(w, key, unix_seconds);
  Key(w, key);
  w.Null();
}

}  // namespace mileage::server
