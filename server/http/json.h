#pragma once

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "json/reader.h"

namespace mileage::server {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// json::Parse (json/reader.h) for a body that must be one JSON object: also BODY_NOT_OBJECT.
Result<rapidjson::Document> ParseJsonObject(std::string_view body);

// Field accessors with clear errors: InvalidArgument MISSING_FIELD when a required field is
// absent (or null), INVALID_FIELD when it has the wrong type or range. Optional ones return
// nullopt when absent.
Result<std::string> RequiredString(const rapidjson::Value& object, const char* field);
Result<std::optional<std::string>> OptionalString(const rapidjson::Value& object,
                                                  const char* field);
Result<int64_t> RequiredInt(const rapidjson::Value& object, const char* field);
Result<std::optional<int64_t>> OptionalInt(const rapidjson::Value& object, const char* field);
// A number that may be null: nullopt when absent, an empty optional when null, INVALID_FIELD
// when neither a number nor null.
Result<std::optional<std::optional<double>>> NullableNumber(const rapidjson::Value& object,
                                                            const char* field);
Result<std::optional<bool>> OptionalBool(const rapidjson::Value& object, const char* field);
// An RFC 3339 time ("2026-11-22T23:42:52Z", any offset) as Unix seconds (fractions dropped).
Result<std::optional<int64_t>> OptionalTime(const rapidjson::Value& object, const char* field);

// Writes a JSON response produced by `fill`, which writes one value with the writer.
template <typename Fill>
void WriteJson(httplib::Response& res, int status, Fill&& fill) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  fill(writer);
  res.status = status;
  res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
}

// Writes the JSON error body of a non-OK Status with its HTTP status (one mapping table).
void WriteError(httplib::Response& res, const Status& status);

// Sets the Retry-After header (whole seconds) when `status` is a 429 (ResourceExhausted) and the
// service said how long to wait (`retry_after` > 0).
void SetRetryAfter(httplib::Response& res, const Status& status, std::chrono::seconds retry_after);

inline void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace mileage::server
