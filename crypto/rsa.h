#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace mileage::crypto {

// Shortest RSA modulus accepted for any key (WeChat Pay uses 2048 bits).
inline constexpr int kMinRsaBits = 2048;
// Longest PEM text accepted.
inline constexpr size_t kMaxPemBytes = 64 * 1024;

struct Certificate;
Result<Certificate> ParseCertificatePem(std::string_view pem);

// An RSA public key parsed once and kept as an EVP_PKEY, with SHA-256 fetched once, so a
// verification costs little more than the RSA operation. Copies share both (immutable, reference
// counted); safe for concurrent use.
class RsaPublicKey {
 public:
  // Parses "PUBLIC KEY" (SubjectPublicKeyInfo) PEM text, the form WeChat Pay publishes.
  // InvalidArgument WECHATPAY_BAD_KEY when the text is not such a key, not RSA or shorter than
  // kMinRsaBits; Internal when OpenSSL has no SHA-256.
  static Result<RsaPublicKey> FromPem(std::string_view pem);

  // True when `signature` is a valid SHA256withRSA (PKCS#1 v1.5) signature of `message`.
  bool VerifySha256(std::string_view message, std::string_view signature) const;

  EVP_PKEY* get() const { return key_.get(); }

 private:
  friend class RsaPrivateKey;
  friend Result<Certificate> ParseCertificatePem(std::string_view pem);
  RsaPublicKey(std::shared_ptr<EVP_PKEY> key, std::shared_ptr<EVP_MD> sha256)
      : key_(std::move(key)), sha256_(std::move(sha256)) {}
  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<EVP_MD> sha256_;
};

// An RSA private key parsed once (merchant signing keys; the sandbox's platform key). Copies
// share the parsed key; safe for concurrent use.
class RsaPrivateKey {
 public:
  // Parses unencrypted "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1) PEM text; never
  // prompts for a passphrase. InvalidArgument WECHATPAY_BAD_KEY when the text is not such a
  // key (encrypted keys included), not RSA or shorter than kMinRsaBits; Internal when OpenSSL
  // has no SHA-256.
  static Result<RsaPrivateKey> FromPem(std::string_view pem);

  // SHA256withRSA (PKCS#1 v1.5, deterministic) signature of `message`, raw bytes.
  // Internal WECHATPAY_SIGN_FAILED if OpenSSL fails.
  Result<std::string> SignSha256(std::string_view message) const;

  // The matching public key.
  RsaPublicKey PublicKey() const { return RsaPublicKey(key_, sha256_); }

 private:
  RsaPrivateKey(std::shared_ptr<EVP_PKEY> key, std::shared_ptr<EVP_MD> sha256)
      : key_(std::move(key)), sha256_(std::move(sha256)) {}
  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<EVP_MD> sha256_;
};

// An X.509 certificate reduced to what verification needs. A value type.
struct Certificate {
  // The serial number as uppercase hex without leading zeros ("D7CE59D1F522D701").
  std::string serial;
  RsaPublicKey public_key;
  TimePoint not_before;
  TimePoint not_after;
};

// Parses one PEM certificate with an RSA key. InvalidArgument WECHATPAY_BAD_KEY when the text is
// not a certificate or its key is not an acceptable RSA key; Internal when OpenSSL has no SHA-256.
Result<Certificate> ParseCertificatePem(std::string_view pem);

// A certificate serial in the canonical form above: ASCII letters upper-cased and leading zeros
// removed, so "0d7ce5..." and "D7CE5..." match.
std::string CanonicalSerial(std::string_view serial);

}  // namespace mileage::crypto
