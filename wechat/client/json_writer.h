#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mileage::wechat::client {

// Writes one JSON document field by field (RapidJSON underneath, so strings are escaped):
//   JsonWriter w; w.BeginObject(); w.String("appid", appid); w.EndObject(); w.Take();
// A short-lived helper for one thread.
class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}

  void BeginObject() { writer_.StartObject(); }
  void BeginObject(std::string_view key) {
    Key(key);
    writer_.StartObject();
  }
  void EndObject() { writer_.EndObject(); }
  void BeginArray(std::string_view key) {
    Key(key);
    writer_.StartArray();
  }
  void BeginArray() { writer_.StartArray(); }
  void EndArray() { writer_.EndArray(); }

  void String(std::string_view key, std::string_view value) {
    Key(key);
    Value(value);
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    writer_.Int64(value);
  }
  // Embeds `json`, which must be one valid JSON value, as is.
  void Raw(std::string_view key, std::string_view json) {
    Key(key);
    writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  void Bool(std::string_view key, bool value) {
    Key(key);
    writer_.Bool(value);
  }
  // An array element or a value after Key.
  void Value(std::string_view value) {
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  void Key(std::string_view key) {
    writer_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  }

  std::string Take() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace mileage::wechat::client
