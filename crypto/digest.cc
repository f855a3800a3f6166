#include "crypto/digest.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <cstdlib>

namespace mileage::crypto {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string Md5(std::string_view data) { return Digest(EVP_md5(), data); }

std::string Sha1(std::string_view data) { return Digest(EVP_sha1(), data); }

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &len) == nullptr) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

HmacSha256Key::HmacSha256Key(std::span<const uint8_t> key)
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

Result<Digest256> HmacSha256Key::Sign(std::string_view data) const {
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

}  // namespace mileage::crypto
