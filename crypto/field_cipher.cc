#include "crypto/field_cipher.h"

#include "crypto/aes_gcm.h"
#include "crypto/hex.h"

namespace mileage::crypto {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr size_t kKeyIdHexLength = 8;
constexpr std::string_view kEncryptionLabel = "mileage/field-cipher/aes-256-gcm/v1";
constexpr std::string_view kKeyIdLabel = "mileage/field-cipher/key-id/v1";

Status Malformed() {
  return InvalidArgumentError("sealed value is malformed", "MALFORMED_CIPHERTEXT");
}

std::string_view KeyBytes(const Key256& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

}  // namespace

FieldCipher::Entry FieldCipher::MakeEntry(const DataKey& key, Status* error) {
  Entry entry{};
  Result<Key256> encryption = key.Derive(kEncryptionLabel);
  Result<Key256> fingerprint = key.Derive(kKeyIdLabel);
  if (!encryption.ok() || !fingerprint.ok()) {
    *error = InternalError("deriving the field-cipher key failed");
    return entry;
  }
  entry.key = *encryption;
  entry.id = HexEncode(std::span<const uint8_t>(fingerprint->data(), kKeyIdHexLength / 2));
  return entry;
}

FieldCipher::FieldCipher(const DataKey& primary, std::span<const DataKey> previous,
                         RandomSource& random)
    : random_(random) {
  keys_.push_back(MakeEntry(primary, &setup_));
  for (const DataKey& key : previous) keys_.push_back(MakeEntry(key, &setup_));
}

Result<std::string> FieldCipher::Seal(std::string_view plaintext, std::string_view context) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  const Entry& key = keys_.front();
  std::string nonce(kGcmNonceBytes, '\0');
  random_.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(nonce.data()), nonce.size()));
  Result<std::string> sealed = AesGcmEncrypt(KeyBytes(key.key), nonce, context, plaintext);
  if (!sealed.ok()) return InternalError("AES-256-GCM encryption failed");
  return std::string(kVersion) + "." + key.id + "." + HexEncode(nonce + *sealed);
}

Result<std::string> FieldCipher::Open(std::string_view sealed, std::string_view context) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  const size_t first_dot = sealed.find('.');
  if (first_dot == std::string_view::npos || sealed.substr(0, first_dot) != kVersion) {
    return Malformed();
  }
  const size_t second_dot = sealed.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || second_dot - first_dot - 1 != kKeyIdHexLength) {
    return Malformed();
  }
  const std::string_view key_id = sealed.substr(first_dot + 1, kKeyIdHexLength);
  std::optional<std::vector<uint8_t>> raw = HexDecode(sealed.substr(second_dot + 1));
  if (!raw || raw->size() < kGcmNonceBytes + kGcmTagBytes) return Malformed();

  const Entry* key = nullptr;
  for (const Entry& entry : keys_) {
    if (entry.id == key_id) key = &entry;
  }
  if (key == nullptr) {
    return FailedPreconditionError(
        "sealed value uses a data key that is not configured (id " + std::string(key_id) + ")",
        "UNKNOWN_DATA_KEY");
  }
  const std::string_view bytes(reinterpret_cast<const char*>(raw->data()), raw->size());
  Result<std::string> plain = AesGcmDecrypt(KeyBytes(key->key), bytes.substr(0, kGcmNonceBytes),
                                            context, bytes.substr(kGcmNonceBytes));
  if (!plain.ok()) {
    return FailedPreconditionError("sealed value failed authentication", "CIPHERTEXT_REJECTED");
  }
  return plain;
}

}  // namespace mileage::crypto
