#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"

namespace mileage::crypto {

// What tells one kind of bearer token from another (console staff, mini-program members): the
// text every token starts with, the label of its MAC key (DataKey::Derive) and the prefix of
// the key its session is stored under. Distinct kinds have distinct prefixes and labels, so a
// token of one kind is refused as malformed by the other.
struct BearerTokenKind {
  std::string_view prefix;     // e.g. "mst1."
  std::string_view key_label;  // e.g. "mileage/console-session-token/v1"
  std::string_view kv_prefix;  // e.g. "console:session:"
};

// A fresh token and where its session lives in the Kv.
struct MintedToken {
  std::string token;
  std::string kv_key;
};

// Opaque session tokens of one kind. A token is the kind's prefix + 64 hex digits of randomness
// (256 bits) + "." + 32 hex digits of tag, the tag being the first 16 bytes of HMAC-SHA256 over
// the prefix and the random part under a key derived from the data key. A token of another
// deployment (another data key) or kind, or any malformed string, fails the check in constant
// time before anything is looked up. The Kv key of a session is the kind's kv_prefix +
// hex(SHA-256(token)), so the Kv never holds a usable token. Immutable; safe for concurrent use
// (the random source must be too).
class BearerTokens {
 public:
  // A key derivation failure surfaces as Internal from Mint and KvKeyOf.
  BearerTokens(const DataKey& data_key, RandomSource& random, BearerTokenKind kind);

  // Errors: Internal when OpenSSL fails.
  Result<MintedToken> Mint() const;
  // The Kv key of a token this deployment minted for this kind. Unauthenticated INVALID_TOKEN
  // for anything else; Internal when OpenSSL fails.
  Result<std::string> KvKeyOf(std::string_view token) const;

 private:
  Result<std::string> Tag(std::string_view signed_part) const;
  size_t TokenLength() const;

  RandomSource& random_;
  const BearerTokenKind kind_;
  Status setup_;
  std::unique_ptr<HmacSha256Key> mac_;
};

}  // namespace mileage::crypto
