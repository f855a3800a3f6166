#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mileage::crypto {

// Bytes as lowercase hex ("0a1b").
std::string HexEncode(std::string_view bytes);
std::string HexEncode(std::span<const uint8_t> bytes);

// Bytes as uppercase hex ("0A1B").
std::string HexUpper(std::string_view bytes);

// The bytes of an even-length hex string (either case); nullopt when it is not one.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);

// ASCII letters upper-cased; other bytes unchanged.
std::string AsciiUpper(std::string_view text);

}  // namespace mileage::crypto
