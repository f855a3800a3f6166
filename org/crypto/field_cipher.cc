#include "org/crypto/field_cipher.h"

#include <openssl/evp.h>

#include "org/crypto/hex.h"
#include "org/crypto/openssl_ptr.h"

namespace mileage::org {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kKeyIdHexLength = 8;
constexpr std::string_view kEncryptionLabel = "mileage/field-cipher/aes-256-gcm/v1";
constexpr std::string_view kKeyIdLabel = "mileage/field-cipher/key-id/v1";

Status Malformed() {
  return InvalidArgumentError("sealed value is malformed", "MALFORMED_CIPHERTEXT");
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
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
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  random_.Fill(std::span<uint8_t>(nonce, kNonceSize));
  unsigned char* cipher = nonce + kNonceSize;
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  bool ok = ctx != nullptr &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.key.data(), nonce) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(context),
                              static_cast<int>(context.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), cipher, &length, Bytes(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), cipher + length, &final_length) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                                cipher + plaintext.size()) == 1;
  if (!ok) return InternalError("AES-256-GCM encryption failed");
  return std::string(kVersion) + "." + key.id + "." + HexEncode(out);
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
  if (!raw || raw->size() < kNonceSize + kTagSize) return Malformed();

  const Entry* key = nullptr;
  for (const Entry& entry : keys_) {
    if (entry.id == key_id) key = &entry;
  }
  if (key == nullptr) {
    return FailedPreconditionError(
        "sealed value uses a data key that is not configured (id " + std::string(key_id) + ")",
        "UNKNOWN_DATA_KEY");
  }

  const size_t text_size = raw->size() - kNonceSize - kTagSize;
  const unsigned char* nonce = raw->data();
  const unsigned char* cipher = nonce + kNonceSize;
  std::vector<unsigned char> tag(cipher + text_size, cipher + text_size + kTagSize);
  std::string plain(text_size, '\0');
  auto* plain_bytes = reinterpret_cast<unsigned char*>(plain.data());
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->key.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(context),
                        static_cast<int>(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), plain_bytes, &length, cipher, static_cast<int>(text_size)) ==
          1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          tag.data()) == 1;
  if (!ok) return InternalError("AES-256-GCM decryption failed");
  if (EVP_DecryptFinal_ex(ctx.get(), plain_bytes + length, &final_length) != 1) {
    return FailedPreconditionError("sealed value failed authentication", "CIPHERTEXT_REJECTED");
  }
  return plain;
}

}  // namespace mileage::org
