#pragma once

#include <cstdint>

#include "crypto/data_key.h"

namespace mileage::testing {

// A data key whose 32 bytes are all `fill`: distinct fills are distinct deployments' keys.
inline crypto::DataKey FilledDataKey(uint8_t fill) {
  crypto::Key256 bytes{};
  bytes.fill(fill);
  return crypto::DataKey::FromBytes(bytes);
}

}  // namespace mileage::testing
