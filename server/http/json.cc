#include "server/http/json.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>

#include "common/civil_time.h"
#include "common/clock.h"
#include "common/log.h"
#include "server/http/error_mapping.h"

namespace mileage::server {
namespace {
Status MissingField(const char* field) {
  return InvalidArgumentError(std::string("field \"") + field + "\" is required", "MISSING_FIELD");
}
Status InvalidField(const char* field, const char* what) {
  return InvalidArgumentError(std::string("field \"") + field + "\" must be " + what,
                              "INVALID_FIELD");
}

// Null when the field is absent or null, or when `object` is not an object at all (callers
// check the shape first; this keeps a slip from reaching RapidJSON's contract checks).
const rapidjson::Value* Find(const rapidjson::Value& object, const char* field) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(field);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

}  // namespace

Result<rapidjson::Document> ParseJsonObject(std::string_view body) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document doc, json::Parse(body));
  if (!doc.IsObject()) return InvalidArgumentError("body must be a JSON object", "BODY_NOT_OBJECT");
  return doc;
}

Result<std::string> RequiredString(const rapidjson::Value& object, const char* field) {
  MILEAGE_ASSIGN_OR_RETURN(auto value, OptionalString(object, field));
  if (!value) return MissingField(field);
  return *value;
}

Result<std::optional<std::string>> OptionalString(const rapidjson::Value& object,
                                                  const char* field) {
  const rapidjson::Value* v = Find(object, field);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->IsString()) return InvalidField(field, "a string");
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

Result<int64_t> RequiredInt(const rapidjson::Value& object, const char* field) {
  MILEAGE_ASSIGN_OR_RETURN(auto value, OptionalInt(object, field));
  if (!value) return MissingField(field);
  return *value;
}

Result<std::optional<int64_t>> OptionalInt(const rapidjson::Value& object, const char* field) {
  const rapidjson::Value* v = Find(object, field);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->IsInt64()) return InvalidField(field, "an integer");
  return std::optional<int64_t>(v->GetInt64());
}

Result<std::optional<std::optional<double>>> NullableNumber(const rapidjson::Value& object,
                                                            const char* field) {
  using Nullable = std::optional<std::optional<double>>;
  if (!object.IsObject()) return Nullable();
  auto it = object.FindMember(field);
  if (it == object.MemberEnd()) return Nullable();
  if (it->value.IsNull()) return Nullable(std::optional<double>());
  if (!it->value.IsNumber()) return InvalidField(field, "a number or null");
  return Nullable(std::optional<double>(it->value.GetDouble()));
}

Result<std::optional<bool>> OptionalBool(const rapidjson::Value& object, const char* field) {
  const rapidjson::Value* v = Find(object, field);
  if (v == nullptr) return std::optional<bool>();
  if (!v->IsBool()) return InvalidField(field, "true or false");
  return std::optional<bool>(v->GetBool());
}

Result<std::optional<int64_t>> OptionalTime(const rapidjson::Value& object, const char* field) {
  const rapidjson::Value* v = Find(object, field);
  if (v == nullptr) return std::optional<int64_t>();
  std::optional<TimePoint> time;
  if (v->IsString()) time = civil::ParseRfc3339({v->GetString(), v->GetStringLength()});
  if (!time.has_value()) return InvalidField(field, "an RFC 3339 time (2026-11-22T08:00:00Z)");
  return std::optional<int64_t>(UnixSeconds(*time));
}

void WriteError(httplib::Response& res, const Status& status) {
  // The client gets ClientMessage(status); what it hides goes to the log (with the request id).
  if (status.code() == StatusCode::kInternal || status.code() == StatusCode::kUnavailable) {
    MILEAGE_LOG(kError) << "request failed: " << status.ToString();
  } else if (ClientMessage(status) != status.message()) {
    MILEAGE_LOG(kWarn) << "request refused: " << status.ToString();
  }
  res.status = HttpStatusFor(status.code());
  res.set_content(ErrorBody(status), "application/json");
}

void SetRetryAfter(httplib::Response& res, const Status& status, std::chrono::seconds retry_after) {
  if (status.code() != StatusCode::kResourceExhausted || retry_after.count() <= 0) return;
  res.set_header("Retry-After", std::to_string(retry_after.count()));
}

}  // namespace mileage::server
