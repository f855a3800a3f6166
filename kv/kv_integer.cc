#include "kv/kv_integer.h"

#include <charconv>
#include <system_error>

namespace mileage::kv {

std::optional<int64_t> ParseKvInteger(std::string_view text) {
  // "-9223372036854775808" is the longest valid text: 20 characters.
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::string_view digits = text.front() == '-' ? text.substr(1) : text;
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (digits.front() == '0' && text != "0") return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace mileage::kv
