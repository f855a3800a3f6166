#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mileage::org {

// Lowercase hex of `bytes`.
std::string HexEncode(std::span<const uint8_t> bytes);
std::string HexEncode(std::string_view bytes);

// The bytes of an even-length hex string (either case); nullopt when it is not one.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);

}  // namespace mileage::org
