#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"
#include "crypto/field_cipher.h"

namespace mileage::members {

// One piece of personal data as it is stored: `hash` (hex HMAC-SHA256 under a key derived from
// the data key) is the searchable value, `sealed` the crypto::FieldCipher copy. Neither holds
// the clear text.
struct SealedPii {
  std::string hash;
  std::string sealed;
};

// The one home of keyed hashing and sealing of members' personal data (phones, plates, VINs):
// each kind has its own hash key, derived from the data key under `hash_label`, so equal texts
// of two kinds never hash alike. Callers normalise the text first (the hash is of exact bytes)
// and give the sealing context that binds a copy to its row. During a data key rotation
// (config previous_data_keys) the stored hashes are under the previous keys until the
// re-sealing job (privacy/key_rotation.h) rewrote their rows: Hash gives the primary key's hash
// (what is written), Hashes every key's (what lookups try). Built by the composition root from
// the data keys and the org crypto::FieldCipher (which must outlive it); immutable and safe for
// concurrent use.
class PiiVault {
 public:
  PiiVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
           std::string_view hash_label, std::span<const crypto::DataKey> previous = {});

  // The search hash of `normalized` under the primary key. Internal when a key could not be
  // derived or OpenSSL fails.
  Result<std::string> Hash(std::string_view normalized) const;
  // Its hash under every key, the primary first (one entry when no rotation runs). Errors as
  // Hash.
  Result<std::vector<std::string>> Hashes(std::string_view normalized) const;
  // The hash and a sealed copy bound to `context`. Errors: Hash's; Internal from Seal.
  Result<SealedPii> Protect(std::string_view normalized, std::string_view context) const;
  // The text of a sealed copy. Errors: crypto::FieldCipher::Open's (e.g. a copy moved to a row
  // of another context).
  Result<std::string> Open(std::string_view sealed, std::string_view context) const;

 private:
  const crypto::FieldCipher& cipher_;
  Status setup_;
  std::vector<std::unique_ptr<crypto::HmacSha256Key>> macs_;  // primary first
};

}  // namespace mileage::members
