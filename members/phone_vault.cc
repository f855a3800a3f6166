#include "members/phone_vault.h"

#include "crypto/hex.h"
#include "members/validation.h"

namespace mileage::members {
namespace {

constexpr std::string_view kHashKeyLabel = "mileage/member-phone-hash/v1";

}  // namespace

PhoneVault::PhoneVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher)
    : cipher_(cipher) {
  Result<crypto::Key256> key = data_key.Derive(kHashKeyLabel);
  if (!key.ok()) {
    setup_ = key.status();
    return;
  }
  mac_ = std::make_unique<crypto::HmacSha256Key>(*key);
}

std::string PhoneVault::Context(int64_t brand_id) {
  return "member_identities.phone:" + std::to_string(brand_id);
}

Result<std::string> PhoneVault::HashNormalized(std::string_view normalized) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(crypto::Digest256 mac, mac_->Sign(normalized));
  return crypto::HexEncode(mac);
}

Result<std::string> PhoneVault::Hash(std::string_view phone) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePhone(phone));
  return HashNormalized(normalized);
}

Result<ProtectedPhone> PhoneVault::Protect(int64_t brand_id, std::string_view phone) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePhone(phone));
  ProtectedPhone out;
  MILEAGE_ASSIGN_OR_RETURN(out.hash, HashNormalized(normalized));
  MILEAGE_ASSIGN_OR_RETURN(out.sealed, cipher_.Seal(normalized, Context(brand_id)));
  out.masked = MaskPhone(normalized);
  return out;
}

Result<std::string> PhoneVault::Open(int64_t brand_id, std::string_view sealed) const {
  return cipher_.Open(sealed, Context(brand_id));
}

}  // namespace mileage::members
