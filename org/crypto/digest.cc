#include "org/crypto/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

namespace mileage::org {

Result<Digest256> Sha256(std::string_view data) {
  Digest256 out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.size()) {
    return InternalError("SHA-256 failed");
  }
  return out;
}

HmacSha256::HmacSha256(std::span<const uint8_t> key)
    : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {
  if (mac_ == nullptr) return;
  EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac_.get()));
  if (ctx == nullptr) return;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) return;
  keyed_ = std::move(ctx);
}

Result<Digest256> HmacSha256::Sign(std::string_view data) const {
  if (keyed_ == nullptr) return InternalError("HMAC-SHA256 key setup failed");
  EvpMacCtxPtr ctx(EVP_MAC_CTX_dup(keyed_.get()));
  Digest256 out{};
  size_t length = 0;
  if (ctx == nullptr ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size()) {
    return InternalError("HMAC-SHA256 failed");
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mileage::org
