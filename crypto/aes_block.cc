#include "crypto/aes_block.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/openssl_types.h"

namespace mileage::crypto {
namespace {

constexpr size_t kBlockBytes = 16;
constexpr size_t kMaxInputBytes = 1 << 20;

std::optional<std::string> Run(const EVP_CIPHER* cipher, bool encrypt, std::string_view key,
                               std::string_view iv, std::string_view input) {
  if (key.size() != static_cast<size_t>(EVP_CIPHER_get_key_length(cipher)) ||
      iv.size() != static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher)) ||
      input.size() > kMaxInputBytes) {
    return std::nullopt;
  }
  if (!encrypt && (input.empty() || input.size() % kBlockBytes != 0)) return std::nullopt;
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv_bytes = iv.empty() ? nullptr : reinterpret_cast<const unsigned char*>(iv.data());
  std::string out(input.size() + kBlockBytes, '\0');
  auto* data = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int final_len = 0;
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key_bytes, iv_bytes, encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), data, &len, reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), data + len, &final_len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(static_cast<size_t>(len + final_len));
  return out;
}

}  // namespace

std::optional<std::string> Aes128CbcDecrypt(std::string_view key, std::string_view iv,
                                            std::string_view ciphertext) {
  return Run(EVP_aes_128_cbc(), false, key, iv, ciphertext);
}

std::optional<std::string> Aes128CbcEncrypt(std::string_view key, std::string_view iv,
                                            std::string_view plaintext) {
  return Run(EVP_aes_128_cbc(), true, key, iv, plaintext);
}

std::optional<std::string> Aes256EcbDecrypt(std::string_view key, std::string_view ciphertext) {
  return Run(EVP_aes_256_ecb(), false, key, {}, ciphertext);
}

std::optional<std::string> Aes256EcbEncrypt(std::string_view key, std::string_view plaintext) {
  return Run(EVP_aes_256_ecb(), true, key, {}, plaintext);
}

}  // namespace mileage::crypto
