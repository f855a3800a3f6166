#pragma once

#include <string>
#include <string_view>

namespace mileage::wechat::crypto {

// Bytes as lowercase hex ("0a1b").
std::string HexLower(std::string_view bytes);

// Bytes as uppercase hex ("0A1B").
std::string HexUpper(std::string_view bytes);

// ASCII letters upper-cased; other bytes unchanged.
std::string AsciiUpper(std::string_view text);

}  // namespace mileage::wechat::crypto
