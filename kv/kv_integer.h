#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mileage::kv {

// Parses a stored counter exactly as Redis INCRBY does: an optional '-', then "0" or a digit
// 1-9 followed by digits, within int64; no spaces, '+' or leading zeros ("-0" and "007" are
// not integers). nullopt when the text is not such an integer.
std::optional<int64_t> ParseKvInteger(std::string_view text);

}  // namespace mileage::kv
