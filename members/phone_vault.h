#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "members/pii_vault.h"
#include "org/resealer.h"

namespace mileage::members {

// How a member's phone is kept: `hash` (hex HMAC-SHA256 under a key derived from the data key)
// is the searchable, unique-per-brand value; `sealed` the crypto::FieldCipher copy; `masked` what
// the console shows. None holds the clear number.
struct ProtectedPhone {
  std::string hash;
  std::string sealed;
  std::string masked;
};

// Member phones through the PiiVault: normalised, hashed under the phone key, sealed to their
// brand and masked. Built once by the composition root from the data key and the org
// crypto::FieldCipher (which must outlive it); immutable and safe for concurrent use.
class PhoneVault {
 public:
  // `previous`: the keys of a data key rotation (their hashes are what Hashes adds).
  PhoneVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
             std::span<const crypto::DataKey> previous = {});

  // The protected forms of `phone` for a member of `brand_id`. Errors: InvalidArgument
  // INVALID_PHONE (NormalizePhone); Internal when the key could not be derived or OpenSSL fails.
  Result<ProtectedPhone> Protect(int64_t brand_id, std::string_view phone) const;
  // Only the search hash of `phone` (no randomness, no sealing). Errors as Protect.
  Result<std::string> Hash(std::string_view phone) const;
  // Its search hash under every data key, the primary first (what lookups try while a rotation
  // runs). Errors as Hash.
  Result<std::vector<std::string>> Hashes(std::string_view phone) const;
  // The normalised number of a sealed copy. Errors: crypto::FieldCipher::Open's.
  Result<std::string> Open(int64_t brand_id, std::string_view sealed) const;
  // member_identities' sealed phones with their hashes, for the data key rotation's re-sealing
  // (org::ResealColumn). Refers to this vault, which must outlive it.
  org::SealedColumn SealedColumn() const;

 private:
  // Binds a sealed phone to its brand, so a copy moved to another brand's row does not open.
  static std::string Context(int64_t brand_id);

  PiiVault vault_;
};

}  // namespace mileage::members
