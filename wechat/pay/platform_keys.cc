#include "wechat/pay/platform_keys.h"

#include "wechat/reasons.h"

namespace mileage::wechat::pay {
namespace {

constexpr size_t kMaxSerialBytes = 64;

bool IsPublicKeyId(std::string_view id) {
  if (!id.starts_with(kPublicKeyIdPrefix) || id.size() > kMaxSerialBytes) return false;
  std::string_view digits = id.substr(kPublicKeyIdPrefix.size());
  if (digits.empty()) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Status PlatformKeys::AddCertificatePem(std::string_view pem) {
  MILEAGE_ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::ParseCertificatePem(pem));
  return Add(PlatformKey{std::move(cert.serial), PlatformKeyKind::kCertificate,
                         std::move(cert.public_key), cert.not_before, cert.not_after});
}

Status PlatformKeys::AddPublicKeyPem(std::string_view key_id, std::string_view pem) {
  if (!IsPublicKeyId(key_id)) {
    return InvalidArgumentError("public key id must be PUB_KEY_ID_ followed by digits",
                                reason::kBadSerial);
  }
  MILEAGE_ASSIGN_OR_RETURN(crypto::RsaPublicKey key, crypto::RsaPublicKey::FromPem(pem));
  return Add(PlatformKey{std::string(key_id), PlatformKeyKind::kPublicKey, std::move(key),
                         TimePoint(), TimePoint()});
}

Status PlatformKeys::Add(PlatformKey key) {
  if (Find(key.serial) != nullptr) {
    return AlreadyExistsError("platform key " + key.serial + " is already configured",
                              reason::kDuplicateSerial);
  }
  keys_.push_back(std::move(key));
  return Status::Ok();
}

const PlatformKey* PlatformKeys::Find(std::string_view serial) const {
  if (serial.empty() || serial.size() > kMaxSerialBytes) return nullptr;
  if (serial.starts_with(kPublicKeyIdPrefix)) {
    for (const PlatformKey& k : keys_) {
      if (k.kind == PlatformKeyKind::kPublicKey && k.serial == serial) return &k;
    }
    return nullptr;
  }
  std::string canonical = crypto::CanonicalSerial(serial);
  for (const PlatformKey& k : keys_) {
    if (k.kind == PlatformKeyKind::kCertificate && k.serial == canonical) return &k;
  }
  return nullptr;
}

}  // namespace mileage::wechat::pay
