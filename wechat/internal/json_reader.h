#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mileage::wechat::internal {

// Largest JSON text accepted by ParseJsonObject.
inline constexpr size_t kMaxJsonBytes = 1 << 20;

// Parses `text` as one UTF-8 JSON object with json::Parse (iterative, depth-limited, strict
// about escapes). False when it is not valid JSON, not an object, or longer than kMaxJsonBytes.
bool ParseJsonObject(std::string_view text, rapidjson::Document& doc);

// Reads typed fields of a JSON object and remembers the first problem (a missing required field
// or a field of the wrong type), so a parser can read every field and check once. Fields that
// are absent or null count as missing. A short-lived helper for one thread; it borrows the
// object, which must outlive it.
class ObjectReader {
 public:
  // `path` prefixes field names in error messages ("amount." -> "amount.total").
  explicit ObjectReader(const rapidjson::Value& object, std::string path = {});

  std::string RequiredString(const char* name);
  std::string OptionalString(const char* name);
  // Integers must be whole numbers in [0, 2^63).
  int64_t RequiredNonNegative(const char* name);
  std::optional<int64_t> OptionalNonNegative(const char* name);
  // Null when absent; records an error when present and not an object / array.
  const rapidjson::Value* OptionalObject(const char* name);
  const rapidjson::Value* RequiredObject(const char* name);
  const rapidjson::Value* OptionalArray(const char* name);

  bool ok() const { return error_.empty(); }
  // "missing field amount.total" or "field payer.openid is not a string"; empty when ok().
  const std::string& error() const { return error_; }
  // Records a problem found by the caller (e.g. a value outside its enumeration).
  void Fail(std::string message);

 private:
  const rapidjson::Value* Find(const char* name) const;
  void Missing(const char* name);
  void WrongType(const char* name, const char* type);

  const rapidjson::Value& object_;
  std::string path_;
  std::string error_;
};

}  // namespace mileage::wechat::internal
