#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.h"
#include "org/crypto/openssl_ptr.h"

namespace mileage::org {

using Digest256 = std::array<uint8_t, 32>;

// SHA-256 of `data`. Internal when OpenSSL fails (out of memory).
Result<Digest256> Sha256(std::string_view data);

// HMAC-SHA256 under one key, prepared once so that each Sign costs a context copy, not an
// algorithm fetch (the session-token check runs on every console request). Immutable after
// construction; safe for concurrent use. Not copyable.
class HmacSha256 {
 public:
  explicit HmacSha256(std::span<const uint8_t> key);
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // The MAC of `data`. Internal when OpenSSL fails (the key could not be set up, or memory).
  Result<Digest256> Sign(std::string_view data) const;

 private:
  EvpMacPtr mac_;
  EvpMacCtxPtr keyed_;  // initialised with the key; copied by every Sign
};

// Compares in time that depends only on the lengths, never on where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace mileage::org
