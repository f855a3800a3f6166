#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/openssl_types.h"

namespace mileage::crypto {

// One-shot digests and MACs; each returns the raw bytes (16, 20, 32 and 32 of them). OpenSSL
// cannot fail on these inputs short of memory exhaustion, which aborts.
std::string Md5(std::string_view data);
std::string Sha1(std::string_view data);
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

using Digest256 = std::array<uint8_t, 32>;

// HMAC-SHA256 under one key, prepared once so that each Sign costs a context copy, not an
// algorithm fetch (the session-token check runs on every console request). Immutable after
// construction; safe for concurrent use. Not copyable.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::span<const uint8_t> key);
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // The MAC of `data`. Internal when OpenSSL fails (the key could not be set up, or memory).
  Result<Digest256> Sign(std::string_view data) const;

 private:
  EvpMacPtr mac_;
  EvpMacCtxPtr keyed_;  // initialised with the key; copied by every Sign
};

}  // namespace mileage::crypto
