#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace mileage::crypto {

using Key256 = std::array<uint8_t, 32>;

// The deployment's 32-byte data key (config `data_key`): the root of the field cipher's key and
// of the session-token MAC key, each derived for its own purpose. A value type; never log it.
class DataKey {
 public:
  static constexpr size_t kHexLength = 64;

  // InvalidArgument (INVALID_DATA_KEY) unless `hex` is exactly 64 hex digits; the message
  // never repeats the text.
  static Result<DataKey> FromHex(std::string_view hex);
  static DataKey FromBytes(const Key256& bytes) { return DataKey(bytes); }

  // A 32-byte subkey for one purpose: HMAC-SHA256(data key, label). Distinct labels give
  // independent keys. Internal when OpenSSL fails.
  Result<Key256> Derive(std::string_view label) const;

 private:
  explicit DataKey(const Key256& bytes) : bytes_(bytes) {}
  Key256 bytes_;
};

}  // namespace mileage::crypto
