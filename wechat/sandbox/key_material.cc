#include "wechat/sandbox/key_material.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <vector>

#include "crypto/hex.h"
#include "crypto/openssl_types.h"

namespace mileage::wechat::sandbox {
namespace {

using crypto::BioPtr;
using crypto::EvpPkeyPtr;
using crypto::X509Ptr;

Status OpenSslFailed(const char* what) {
  ERR_clear_error();
  return InternalError(std::string("OpenSSL: ") + what);
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

// Refuses to prompt: an encrypted key fails instead.
int NoPassphrase(char*, int, int, void*) { return 0; }

Result<EvpPkeyPtr> ReadPrivateKey(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr)
                     : nullptr);
  if (!key) {
    ERR_clear_error();
    return InvalidArgumentError("not a PEM private key");
  }
  return key;
}

Result<std::string> WritePublicKey(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) return OpenSslFailed("write public key");
  return BioText(bio.get());
}

}  // namespace

Result<GeneratedKey> GenerateRsaKey() {
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  if (!key) return OpenSslFailed("RSA key generation");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslFailed("write private key");
  }
  GeneratedKey out;
  out.private_key_pem = BioText(bio.get());
  MILEAGE_ASSIGN_OR_RETURN(out.public_key_pem, WritePublicKey(key.get()));
  return out;
}

std::string RandomCertificateSerial(RandomSource& random) {
  std::vector<uint8_t> bytes(20);
  random.Fill(bytes);
  bytes[0] = static_cast<uint8_t>(0x10 + bytes[0] % 0x70);
  return crypto::HexUpper(std::string_view(reinterpret_cast<const char*>(bytes.data()), 20));
}

Result<std::string> SelfSignedCertificatePem(std::string_view private_key_pem,
                                             std::string_view common_name,
                                             std::string_view serial_hex, TimePoint not_before,
                                             TimePoint not_after) {
  MILEAGE_ASSIGN_OR_RETURN(EvpPkeyPtr key, ReadPrivateKey(private_key_pem));
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return OpenSslFailed("new certificate");
  BIGNUM* serial = nullptr;
  std::string serial_text(serial_hex);
  if (serial_text.empty() ||
      BN_hex2bn(&serial, serial_text.c_str()) != static_cast<int>(serial_text.size())) {
    BN_free(serial);
    ERR_clear_error();
    return InvalidArgumentError("certificate serial is not hex");
  }
  crypto::BignumPtr serial_owner(serial);
  if (BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) == nullptr ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                    std::chrono::system_clock::to_time_t(not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                    std::chrono::system_clock::to_time_t(not_after)) == nullptr) {
    return OpenSslFailed("certificate serial or validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  std::string cn(common_name);
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("Mileage sandbox"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return OpenSslFailed("certificate signing");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
    return OpenSslFailed("write certificate");
  }
  return BioText(bio.get());
}

Result<std::string> PublicKeyPemOf(std::string_view private_key_pem) {
  MILEAGE_ASSIGN_OR_RETURN(EvpPkeyPtr key, ReadPrivateKey(private_key_pem));
  return WritePublicKey(key.get());
}

}  // namespace mileage::wechat::sandbox
