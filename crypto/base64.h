#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mileage::crypto {

// Standard base64 (RFC 4648 section 4, "+/" alphabet) with "=" padding.
std::string Base64Encode(std::string_view bytes);

// Strict decoding: the standard alphabet only, length a multiple of 4, padding only at the end,
// zero unused bits (so every byte string has exactly one accepted encoding), no whitespace.
// nullopt when the input is not such an encoding.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace mileage::crypto
