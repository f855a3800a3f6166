#include "members/pii_vault.h"

#include <algorithm>

#include "crypto/hex.h"

namespace mileage::members {

PiiVault::PiiVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
                   std::string_view hash_label, std::span<const crypto::DataKey> previous)
    : cipher_(cipher) {
  std::vector<const crypto::DataKey*> keys{&data_key};
  for (const crypto::DataKey& key : previous) keys.push_back(&key);
  for (const crypto::DataKey* key : keys) {
    Result<crypto::Key256> derived = key->Derive(hash_label);
    if (!derived.ok()) {
      setup_ = derived.status();
      return;
    }
    macs_.push_back(std::make_unique<crypto::HmacSha256Key>(*derived));
  }
}

Result<std::string> PiiVault::Hash(std::string_view normalized) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(crypto::Digest256 mac, macs_.front()->Sign(normalized));
  return crypto::HexEncode(mac);
}

Result<std::vector<std::string>> PiiVault::Hashes(std::string_view normalized) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  std::vector<std::string> out;
  for (const auto& mac : macs_) {
    MILEAGE_ASSIGN_OR_RETURN(crypto::Digest256 digest, mac->Sign(normalized));
    std::string hex = crypto::HexEncode(digest);
    if (std::find(out.begin(), out.end(), hex) == out.end()) out.push_back(std::move(hex));
  }
  return out;
}

Result<SealedPii> PiiVault::Protect(std::string_view normalized, std::string_view context) const {
  SealedPii out;
  MILEAGE_ASSIGN_OR_RETURN(out.hash, Hash(normalized));
  MILEAGE_ASSIGN_OR_RETURN(out.sealed, cipher_.Seal(normalized, context));
  return out;
}

Result<std::string> PiiVault::Open(std::string_view sealed, std::string_view context) const {
  return cipher_.Open(sealed, context);
}

}  // namespace mileage::members
