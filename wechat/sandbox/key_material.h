#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"

namespace mileage::wechat::sandbox {

// A freshly generated RSA-2048 key pair as PEM text. The private key is a secret.
struct GeneratedKey {
  std::string private_key_pem;  // PKCS#8 "PRIVATE KEY"
  std::string public_key_pem;   // SubjectPublicKeyInfo "PUBLIC KEY"
};

// Generates an RSA-2048 key pair (OpenSSL's CSPRNG). Internal when OpenSSL fails.
Result<GeneratedKey> GenerateRsaKey();

// 20 random bytes as 40 uppercase hex digits, the first byte in 0x10..0x7F so the number is
// positive and keeps all 40 digits: a certificate serial in WeChat's style.
std::string RandomCertificateSerial(RandomSource& random);

// A self-signed X.509 v3 certificate (SHA256withRSA) for the key in `private_key_pem`, with
// subject and issuer CN=`common_name`, the given hex serial and validity.
// InvalidArgument when the key or serial cannot be read; Internal when OpenSSL fails.
Result<std::string> SelfSignedCertificatePem(std::string_view private_key_pem,
                                             std::string_view common_name,
                                             std::string_view serial_hex, TimePoint not_before,
                                             TimePoint not_after);

// The public half of a PEM private key as "PUBLIC KEY" PEM. InvalidArgument when unreadable.
Result<std::string> PublicKeyPemOf(std::string_view private_key_pem);

}  // namespace mileage::wechat::sandbox
