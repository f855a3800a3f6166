#pragma once

#include <string_view>

namespace mileage::crypto {

// True when a and b are equal, in time that depends only on their lengths (CRYPTO_memcmp).
// Use it whenever a secret, a MAC or a signature is compared. Lengths are not secret.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace mileage::crypto
