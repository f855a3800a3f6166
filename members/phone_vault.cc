#include "members/phone_vault.h"

#include "members/validation.h"

namespace mileage::members {
namespace {

constexpr std::string_view kHashKeyLabel = "mileage/member-phone-hash/v1";

}  // namespace

PhoneVault::PhoneVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
                       std::span<const crypto::DataKey> previous)
    : vault_(data_key, cipher, kHashKeyLabel, previous) {}

std::string PhoneVault::Context(int64_t brand_id) {
  return "member_identities.phone:" + std::to_string(brand_id);
}

Result<std::string> PhoneVault::Hash(std::string_view phone) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePhone(phone));
  return vault_.Hash(normalized);
}

Result<std::vector<std::string>> PhoneVault::Hashes(std::string_view phone) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePhone(phone));
  return vault_.Hashes(normalized);
}

org::SealedColumn PhoneVault::SealedColumn() const {
  return org::SealedColumn{"member_identities",
                           "value_sealed",
                           "brand_id",
                           [](const db::Row& row) { return Context(row.Int(0)); },
                           "value",
                           [this](std::string_view opened) { return vault_.Hash(opened); }};
}

Result<ProtectedPhone> PhoneVault::Protect(int64_t brand_id, std::string_view phone) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePhone(phone));
  MILEAGE_ASSIGN_OR_RETURN(SealedPii sealed, vault_.Protect(normalized, Context(brand_id)));
  return ProtectedPhone{std::move(sealed.hash), std::move(sealed.sealed), MaskPhone(normalized)};
}

Result<std::string> PhoneVault::Open(int64_t brand_id, std::string_view sealed) const {
  return vault_.Open(sealed, Context(brand_id));
}

}  // namespace mileage::members
