#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mileage {

// The value of one hex digit, or -1.
int HexDigitValue(char c);

// Decodes %XX escapes (URL user info); nullopt when an escape is malformed or truncated.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace mileage
