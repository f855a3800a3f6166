#include "members/pii_vault.h"

#include "crypto/hex.h"

namespace mileage::members {

PiiVault::PiiVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
                   std::string_view hash_label)
    : cipher_(cipher) {
  Result<crypto::Key256> key = data_key.Derive(hash_label);
  if (!key.ok()) {
    setup_ = key.status();
    return;
  }
  mac_ = std::make_unique<crypto::HmacSha256Key>(*key);
}

Result<std::string> PiiVault::Hash(std::string_view normalized) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(crypto::Digest256 mac, mac_->Sign(normalized));
  return crypto::HexEncode(mac);
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
