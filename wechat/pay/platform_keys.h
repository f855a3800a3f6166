#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/rsa.h"

namespace mileage::wechat::pay {

// The prefix of WeChat Pay public-key ids ("PUB_KEY_ID_0114232134912410000000000000").
inline constexpr std::string_view kPublicKeyIdPrefix = "PUB_KEY_ID_";

// How a verification key was configured.
enum class PlatformKeyKind { kCertificate, kPublicKey };

// One verification key and the serial that selects it.
struct PlatformKey {
  // Certificates: the canonical hex serial (crypto::CanonicalSerial). Public keys: the id as
  // configured ("PUB_KEY_ID_...").
  std::string serial;
  PlatformKeyKind kind;
  crypto::RsaPublicKey key;
  // The certificate's validity (the epoch for public keys, which carry none).
  TimePoint not_before;
  TimePoint not_after;
};

// The keys that may sign a merchant's notifications and API responses: platform certificates
// (chosen by their hex serial, matched case-insensitively) and WeChat Pay public keys (chosen by
// "PUB_KEY_ID_..."), several at once because during a key migration both kinds arrive. Keys are
// parsed once and cached as EVP_PKEY. Built at configuration time and then only read: concurrent
// const use (Find, verification) is safe; Add* must not race with anything.
class PlatformKeys {
 public:
  // Adds a platform certificate; its serial is read from the certificate.
  // InvalidArgument WECHATPAY_BAD_KEY (not an RSA-2048+ certificate); AlreadyExists
  // WECHATPAY_DUPLICATE_SERIAL.
  Status AddCertificatePem(std::string_view pem);

  // Adds a WeChat Pay public key under its id. InvalidArgument WECHATPAY_BAD_SERIAL (the id is
  // not "PUB_KEY_ID_" followed by digits), WECHATPAY_BAD_KEY; AlreadyExists
  // WECHATPAY_DUPLICATE_SERIAL.
  Status AddPublicKeyPem(std::string_view key_id, std::string_view pem);

  // The key selected by a Wechatpay-Serial value, or null when none matches.
  const PlatformKey* Find(std::string_view serial) const;

  const std::vector<PlatformKey>& keys() const { return keys_; }

 private:
  Status Add(PlatformKey key);

  std::vector<PlatformKey> keys_;
};

}  // namespace mileage::wechat::pay
