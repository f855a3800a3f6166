#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"

namespace mileage::crypto {

// AES-256-GCM for secrets at rest (merchant API v3 keys, partner secrets). A sealed value is
// text: "v1.<key id>.<hex(nonce || ciphertext || tag)>" with a fresh random 12-byte nonce and a
// 16-byte tag. The key id (8 hex digits) is a fingerprint of the data key, so that keys can
// rotate: Seal uses the primary key, Open finds the primary or a previous key by id.
// `context` (e.g. "merchants.apiv3_key:1900000109") is bound as associated data, so a value
// copied to another row or column does not open. Owned by the org module; immutable after
// construction and safe for concurrent use (the random source must be too).
class FieldCipher {
 public:
  // Internal-status construction failures surface on first use (Seal/Open answer Internal).
  FieldCipher(const DataKey& primary, std::span<const DataKey> previous, RandomSource& random);

  // Errors: Internal when OpenSSL fails.
  Result<std::string> Seal(std::string_view plaintext, std::string_view context) const;
  // Errors: InvalidArgument (MALFORMED_CIPHERTEXT) when `sealed` is not in the format above;
  // FailedPrecondition UNKNOWN_DATA_KEY when no configured key has its id;
  // FailedPrecondition CIPHERTEXT_REJECTED when the tag does not verify (wrong key, altered
  // text or another context).
  Result<std::string> Open(std::string_view sealed, std::string_view context) const;

  const std::string& primary_key_id() const { return keys_.front().id; }

 private:
  struct Entry {
    std::string id;
    Key256 key;
  };
  static Entry MakeEntry(const DataKey& key, Status* error);

  std::vector<Entry> keys_;  // primary first
  Status setup_;
  RandomSource& random_;
};

}  // namespace mileage::crypto
