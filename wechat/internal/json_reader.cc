#include "wechat/internal/json_reader.h"

#include <utility>

#include "json/reader.h"

namespace mileage::wechat::internal {

bool ParseJsonObject(std::string_view text, rapidjson::Document& doc) {
  if (text.empty() || text.size() > kMaxJsonBytes) return false;
  Result<rapidjson::Document> parsed = json::Parse(text);
  if (!parsed.ok() || !parsed->IsObject()) return false;
  doc = std::move(*parsed);
  return true;
}

ObjectReader::ObjectReader(const rapidjson::Value& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.IsObject()) Fail("value " + path_ + " is not an object");
}

const rapidjson::Value* ObjectReader::Find(const char* name) const {
  if (!object_.IsObject()) return nullptr;
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

void ObjectReader::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

void ObjectReader::Missing(const char* name) { Fail("missing field " + path_ + name); }

void ObjectReader::WrongType(const char* name, const char* type) {
  Fail("field " + path_ + name + " is not " + type);
}

std::string ObjectReader::RequiredString(const char* name) {
  const rapidjson::Value* v = Find(name);
  if (v == nullptr) {
    Missing(name);
    return {};
  }
  return OptionalString(name);
}

std::string ObjectReader::OptionalString(const char* name) {
  const rapidjson::Value* v = Find(name);
  if (v == nullptr) return {};
  if (!v->IsString()) {
    WrongType(name, "a string");
    return {};
  }
  return std::string(v->GetString(), v->GetStringLength());
}

int64_t ObjectReader::RequiredNonNegative(const char* name) {
  if (Find(name) == nullptr) {
    Missing(name);
    return 0;
  }
  return OptionalNonNegative(name).value_or(0);
}

std::optional<int64_t> ObjectReader::OptionalNonNegative(const char* name) {
  const rapidjson::Value* v = Find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->IsInt64() || v->GetInt64() < 0) {
    WrongType(name, "a non-negative integer");
    return std::nullopt;
  }
  return v->GetInt64();
}

const rapidjson::Value* ObjectReader::OptionalObject(const char* name) {
  const rapidjson::Value* v = Find(name);
  if (v == nullptr) return nullptr;
  if (!v->IsObject()) {
    WrongType(name, "an object");
    return nullptr;
  }
  return v;
}

const rapidjson::Value* ObjectReader::RequiredObject(const char* name) {
  if (Find(name) == nullptr) {
    Missing(name);
    return nullptr;
  }
  return OptionalObject(name);
}

const rapidjson::Value* ObjectReader::OptionalArray(const char* name) {
  const rapidjson::Value* v = Find(name);
  if (v == nullptr) return nullptr;
  if (!v->IsArray()) {
    WrongType(name, "an array");
    return nullptr;
  }
  return v;
}

}  // namespace mileage::wechat::internal
