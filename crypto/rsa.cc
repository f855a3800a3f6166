#include "crypto/rsa.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <ctime>

#include "crypto/hex.h"
#include "crypto/openssl_types.h"
#include "crypto/reasons.h"

namespace mileage::crypto {
namespace {

Status BadKey(std::string message) {
  ERR_clear_error();
  return InvalidArgumentError(std::move(message), reason::kBadKey);
}

// A read-only memory BIO over `pem`, or null when the text is empty or too long.
BioPtr PemBio(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemBytes) return nullptr;
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// A passphrase callback that refuses, so an encrypted key fails instead of prompting.
int NoPassphrase(char*, int, int, void*) { return 0; }

Status CheckRsa(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return BadKey("key is not RSA");
  if (EVP_PKEY_get_bits(key) < kMinRsaBits) return BadKey("RSA key shorter than 2048 bits");
  return Status::Ok();
}

std::shared_ptr<EVP_PKEY> Share(EvpPkeyPtr key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), EvpPkeyDeleter());
}

// SHA-256 fetched from the default provider once per key instead of on every operation.
Result<std::shared_ptr<EVP_MD>> FetchSha256() {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  if (md == nullptr) {
    ERR_clear_error();
    return InternalError("OpenSSL has no SHA-256");
  }
  return std::shared_ptr<EVP_MD>(md, EvpMdDeleter());
}

TimePoint FromAsn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return TimePoint();
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

Result<RsaPublicKey> RsaPublicKey::FromPem(std::string_view pem) {
  BioPtr bio = PemBio(pem);
  if (!bio) return BadKey("public key PEM is empty or too long");
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) return BadKey("not a PEM public key");
  MILEAGE_RETURN_IF_ERROR(CheckRsa(key.get()));
  MILEAGE_ASSIGN_OR_RETURN(std::shared_ptr<EVP_MD> sha256, FetchSha256());
  ERR_clear_error();
  return RsaPublicKey(Share(std::move(key)), std::move(sha256));
}

bool RsaPublicKey::VerifySha256(std::string_view message, std::string_view signature) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by ctx.
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, sha256_.get(), nullptr, key_.get()) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

Result<RsaPrivateKey> RsaPrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = PemBio(pem);
  if (!bio) return BadKey("private key PEM is empty or too long");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) return BadKey("not an unencrypted PEM private key");
  MILEAGE_RETURN_IF_ERROR(CheckRsa(key.get()));
  MILEAGE_ASSIGN_OR_RETURN(std::shared_ptr<EVP_MD> sha256, FetchSha256());
  ERR_clear_error();
  return RsaPrivateKey(Share(std::move(key)), std::move(sha256));
}

Result<std::string> RsaPrivateKey::SignSha256(std::string_view message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by ctx.
  std::string signature(static_cast<size_t>(EVP_PKEY_get_size(key_.get())), '\0');
  size_t len = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, sha256_.get(), nullptr, key_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    ERR_clear_error();
    return InternalError("RSA signing failed", reason::kSignFailed);
  }
  signature.resize(len);
  return signature;
}

Result<Certificate> ParseCertificatePem(std::string_view pem) {
  BioPtr bio = PemBio(pem);
  if (!bio) return BadKey("certificate PEM is empty or too long");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!cert) return BadKey("not a PEM certificate");
  EvpPkeyPtr key(X509_get_pubkey(cert.get()));
  if (!key) return BadKey("certificate has no readable public key");
  MILEAGE_RETURN_IF_ERROR(CheckRsa(key.get()));

  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn || BN_is_negative(bn.get())) return BadKey("certificate serial is unreadable");
  std::string serial_bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(serial_bytes.data()));

  MILEAGE_ASSIGN_OR_RETURN(std::shared_ptr<EVP_MD> sha256, FetchSha256());
  Certificate out{CanonicalSerial(HexUpper(serial_bytes)),
                  RsaPublicKey(Share(std::move(key)), std::move(sha256)),
                  FromAsn1Time(X509_get0_notBefore(cert.get())),
                  FromAsn1Time(X509_get0_notAfter(cert.get()))};
  ERR_clear_error();
  return out;
}

std::string CanonicalSerial(std::string_view serial) {
  size_t first = serial.find_first_not_of('0');
  if (first == std::string_view::npos) return serial.empty() ? std::string() : std::string("0");
  return AsciiUpper(serial.substr(first));
}

}  // namespace mileage::crypto
