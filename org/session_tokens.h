#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"

namespace mileage::org {

// A fresh token and where its session lives in the Kv.
struct MintedToken {
  std::string token;
  std::string kv_key;
};

// Console session tokens. A token is "mst1." + 64 hex digits of randomness (256 bits) + "." +
// 32 hex digits of tag, the tag being the first 16 bytes of HMAC-SHA256 over "mst1." + the
// random part under a key derived from the data key. A token of another deployment (another
// data key), or any malformed string, fails the tag check in constant time before the Kv is
// asked. The Kv key of a session is "console:session:" + hex(SHA-256(token)), so the Kv never
// holds a usable token. Immutable; safe for concurrent use (the random source must be too).
class SessionTokens {
 public:
  // A key derivation failure surfaces as Internal from Mint and KvKeyOf.
  SessionTokens(const crypto::DataKey& data_key, RandomSource& random);

  // Errors: Internal when OpenSSL fails.
  Result<MintedToken> Mint() const;
  // The Kv key of a token this deployment minted. Unauthenticated INVALID_TOKEN for anything
  // else; Internal when OpenSSL fails.
  Result<std::string> KvKeyOf(std::string_view token) const;

 private:
  Result<std::string> Tag(std::string_view signed_part) const;

  RandomSource& random_;
  Status setup_;
  std::unique_ptr<crypto::HmacSha256Key> mac_;
};

}  // namespace mileage::org
