#include "crypto/aes_gcm.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/openssl_types.h"
#include "crypto/reasons.h"

namespace mileage::crypto {
namespace {

const EVP_CIPHER* CipherForKey(size_t key_bytes) {
  switch (key_bytes) {
    case 16:
      return EVP_aes_128_gcm();
    case 24:
      return EVP_aes_192_gcm();
    case 32:
      return EVP_aes_256_gcm();
    default:
      return nullptr;
  }
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status CheckParameters(std::string_view key, std::string_view nonce, size_t text_bytes) {
  if (CipherForKey(key.size()) == nullptr) {
    return InvalidArgumentError("AES-GCM key must be 16, 24 or 32 bytes", reason::kBadKeyLength);
  }
  if (nonce.size() != kGcmNonceBytes) {
    return InvalidArgumentError("AES-GCM nonce must be 12 bytes", reason::kBadNonce);
  }
  if (text_bytes > kGcmMaxCiphertextBytes) {
    return InvalidArgumentError("AES-GCM input too long", reason::kBadCiphertext);
  }
  return Status::Ok();
}

Status DecryptFailed() {
  ERR_clear_error();
  return UnauthenticatedError("AES-GCM authentication failed", reason::kDecryptFailed);
}

}  // namespace

Result<std::string> AesGcmDecrypt(std::string_view key, std::string_view nonce,
                                  std::string_view associated_data,
                                  std::string_view ciphertext_and_tag) {
  MILEAGE_RETURN_IF_ERROR(CheckParameters(key, nonce, ciphertext_and_tag.size()));
  if (ciphertext_and_tag.size() < kGcmTagBytes) {
    return InvalidArgumentError("AES-GCM ciphertext shorter than its tag", reason::kBadCiphertext);
  }
  if (associated_data.size() > kGcmMaxCiphertextBytes) {
    return InvalidArgumentError("AES-GCM associated data too long", reason::kBadCiphertext);
  }
  size_t text_bytes = ciphertext_and_tag.size() - kGcmTagBytes;
  std::string_view tag = ciphertext_and_tag.substr(text_bytes);

  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return DecryptFailed();
  int len = 0;
  std::string plaintext(text_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  // The 12-byte nonce is GCM's default IV length, so no EVP_CTRL_GCM_SET_IVLEN is needed.
  if (EVP_DecryptInit_ex(ctx.get(), CipherForKey(key.size()), nullptr, Bytes(key), Bytes(nonce)) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, Bytes(ciphertext_and_tag),
                        static_cast<int>(text_bytes)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagBytes),
                          const_cast<char*>(tag.data())) != 1) {
    return DecryptFailed();
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), out + len, &final_len) != 1) return DecryptFailed();
  plaintext.resize(static_cast<size_t>(len + final_len));
  return plaintext;
}

Result<std::string> AesGcmEncrypt(std::string_view key, std::string_view nonce,
                                  std::string_view associated_data, std::string_view plaintext) {
  MILEAGE_RETURN_IF_ERROR(CheckParameters(key, nonce, plaintext.size()));
  if (associated_data.size() > kGcmMaxCiphertextBytes) {
    return InvalidArgumentError("AES-GCM associated data too long", reason::kBadCiphertext);
  }
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + kGcmTagBytes, '\0');
  auto* data = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int final_len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), CipherForKey(key.size()), nullptr, Bytes(key), Bytes(nonce)) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), data, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), data + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagBytes),
                          data + len + final_len) != 1) {
    ERR_clear_error();
    return InternalError("AES-GCM encryption failed");
  }
  out.resize(static_cast<size_t>(len + final_len) + kGcmTagBytes);
  return out;
}

}  // namespace mileage::crypto
