// libFuzzer target: the server's JSON reader (server/http/json.h) and its field accessors, the
// first code every request body reaches.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/json.h"
#include "tests/fuzz/fuzz_support.h"

namespace mileage::server {
namespace {

using fuzz::Check;

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  Check(value.Accept(writer), "a parsed document serializes");
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Every value of the document with its nesting depth (1 for the root's children of an array or
// object root), without recursion.
std::vector<std::pair<const rapidjson::Value*, int>> AllValues(const rapidjson::Value& root) {
  std::vector<std::pair<const rapidjson::Value*, int>> all;
  std::vector<std::pair<const rapidjson::Value*, int>> pending = {{&root, 0}};
  while (!pending.empty()) {
    auto [value, depth] = pending.back();
    pending.pop_back();
    all.emplace_back(value, depth);
    if (value->IsArray()) {
      for (const rapidjson::Value& element : value->GetArray())
        pending.emplace_back(&element, depth + 1);
    } else if (value->IsObject()) {
      for (const auto& member : value->GetObject()) pending.emplace_back(&member.value, depth + 1);
    }
  }
  return all;
}

bool SameScalar(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsDouble() || b.IsDouble()) {
    if (!a.IsNumber() || !b.IsNumber()) return false;
    const double x = a.GetDouble();
    const double y = b.GetDouble();
    return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.GetType() != b.GetType()) return false;
  if (a.IsString()) {
    return std::string_view(a.GetString(), a.GetStringLength()) ==
           std::string_view(b.GetString(), b.GetStringLength());
  }
  if (a.IsNumber()) return a == b;
  return true;  // null, true, false (the type says which), or a container checked below
}

// Equal structure, member names and scalars, compared without recursion.
bool SameDocument(const rapidjson::Value& a, const rapidjson::Value& b) {
  std::vector<std::pair<const rapidjson::Value*, const rapidjson::Value*>> pending = {{&a, &b}};
  while (!pending.empty()) {
    auto [x, y] = pending.back();
    pending.pop_back();
    if (!SameScalar(*x, *y)) return false;
    if (x->IsArray()) {
      if (x->Size() != y->Size()) return false;
      for (rapidjson::SizeType i = 0; i < x->Size(); ++i) pending.emplace_back(&(*x)[i], &(*y)[i]);
    } else if (x->IsObject()) {
      if (x->MemberCount() != y->MemberCount()) return false;
      for (auto i = x->MemberBegin(), j = y->MemberBegin(); i != x->MemberEnd(); ++i, ++j) {
        if (!SameScalar(i->name, j->name)) return false;
        pending.emplace_back(&i->value, &j->value);
      }
    }
  }
  return true;
}

// The accessors answer every value and field name with a Status, never a broken RapidJSON
// contract (which throws: an uncaught exception is a crash here).
void ExerciseAccessors(const rapidjson::Value& value) {
  std::vector<std::string> names = {"name", "id", "username", "password", "scope", ""};
  if (value.IsObject()) {
    for (const auto& member : value.GetObject()) {
      names.emplace_back(member.name.GetString(), member.name.GetStringLength());
    }
  }
  for (const std::string& name : names) {
    Result<std::string> required = RequiredString(value, name.c_str());
    Result<std::optional<std::string>> optional = OptionalString(value, name.c_str());
    Check(required.ok() == (optional.ok() && optional->has_value()), "string accessors agree");
    Result<int64_t> number = RequiredInt(value, name.c_str());
    Result<std::optional<int64_t>> maybe = OptionalInt(value, name.c_str());
    Check(number.ok() == (maybe.ok() && maybe->has_value()), "integer accessors agree");
    if (!required.ok()) {
      Check(required.status().reason() == "MISSING_FIELD" ||
                required.status().reason() == "INVALID_FIELD",
            "a string accessor error has its code");
    }
  }
}

}  // namespace
}  // namespace mileage::server

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mileage::server;
  using mileage::fuzz::Check;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  mileage::Result<rapidjson::Document> doc = mileage::json::Parse(input);
  mileage::Result<rapidjson::Document> object = ParseJsonObject(input);
  if (!doc.ok()) {
    const std::string_view reason = doc.status().reason();
    Check(reason == "MALFORMED_JSON" || reason == "JSON_TOO_DEEP", "a parse error has its code");
    Check(!object.ok() && object.status().reason() == reason, "object parse fails alike");
    return 0;
  }
  Check(object.ok() == doc->IsObject(), "ParseJsonObject takes exactly the objects");
  if (!object.ok()) Check(object.status().reason() == "BODY_NOT_OBJECT", "non-object code");

  // Nothing deeper than the limit got through; every value is reachable without recursion.
  for (const auto& [value, depth] : AllValues(*doc)) {
    Check(depth < mileage::json::kMaxDepth || (!value->IsArray() && !value->IsObject()),
          "nesting within the limit");
    ExerciseAccessors(*value);
  }

  // What the server would write back reads as the same document (doubles within an ulp or
  // so: RapidJSON's reader is not correctly rounded).
  mileage::Result<rapidjson::Document> again = mileage::json::Parse(Serialize(*doc));
  Check(again.ok(), "a serialized document parses");
  Check(SameDocument(*doc, *again), "a serialized document reads back the same");
  return 0;
}
