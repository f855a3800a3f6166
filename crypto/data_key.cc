#include "crypto/data_key.h"

#include <algorithm>

#include "crypto/digest.h"
#include "crypto/hex.h"

namespace mileage::crypto {

Result<DataKey> DataKey::FromHex(std::string_view hex) {
  std::optional<std::vector<uint8_t>> bytes;
  if (hex.size() == kHexLength) bytes = HexDecode(hex);
  if (!bytes) {
    return InvalidArgumentError("the data key must be 64 hex digits (32 bytes)",
                                "INVALID_DATA_KEY");
  }
  Key256 key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return DataKey(key);
}

Result<Key256> DataKey::Derive(std::string_view label) const {
  HmacSha256Key mac(bytes_);
  return mac.Sign(label);
}

}  // namespace mileage::crypto
