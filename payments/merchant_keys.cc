#include "payments/merchant_keys.h"

#include <algorithm>

#include "common/log.h"

namespace mileage::payments {

Status MerchantKeys::CheckActive() const {
  if (active) return Status::Ok();
  return UnauthenticatedError("merchant " + merchant.mchid + " is deactivated",
                              "MERCHANT_INACTIVE");
}

Status MerchantKeys::CheckAppid(std::string_view appid) const {
  if (std::binary_search(brand_appids.begin(), brand_appids.end(), appid)) return Status::Ok();
  return UnauthenticatedError("appid " + std::string(appid) + " is not an app of the brand",
                              "APPID_NOT_REGISTERED");
}

MerchantKeyCache::MerchantKeyCache(org::MerchantService& merchants, const Clock& clock,
                                   std::chrono::seconds ttl)
    : merchants_(merchants), clock_(clock), ttl_(ttl) {
  merchants_.changes().Subscribe(this);
}

MerchantKeyCache::~MerchantKeyCache() { merchants_.changes().Unsubscribe(this); }

void MerchantKeyCache::MerchantChanged(std::string_view mchid) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  if (mchid.empty()) {
    entries_.clear();
  } else {
    entries_.erase(std::string(mchid));
  }
}

Result<std::shared_ptr<const MerchantKeys>> MerchantKeyCache::Get(std::string_view mchid) {
  const TimePoint now = clock_.Now();
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(std::string(mchid));
    if (it != entries_.end() && now - it->second.loaded_at < ttl_) return it->second.keys;
    generation = generation_;
  }
  MILEAGE_ASSIGN_OR_RETURN(std::shared_ptr<const MerchantKeys> keys, Load(mchid));
  std::lock_guard<std::mutex> lock(mu_);
  if (generation == generation_) entries_[std::string(mchid)] = Entry{keys, now};
  return keys;
}

Result<std::shared_ptr<const MerchantKeys>> MerchantKeyCache::Load(std::string_view mchid) {
  Result<org::MerchantCredentials> credentials = merchants_.Credentials(mchid);
  if (!credentials.ok()) {
    if (credentials.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no merchant has this mchid", "MERCHANT_UNKNOWN");
    }
    return credentials.status();
  }
  Result<wechat::pay::ApiV3Key> api_v3_key = wechat::pay::ApiV3Key::Create(credentials->apiv3_key);
  if (!api_v3_key.ok()) {
    return FailedPreconditionError("the merchant's API v3 key is unusable",
                                   "MERCHANT_KEYS_UNUSABLE");
  }
  const int64_t now = UnixSeconds(clock_.Now());
  wechat::pay::PlatformKeys platform_keys;
  for (const org::PlatformKey& key : credentials->merchant.platform_keys) {
    if (!key.usable(now)) continue;
    const bool is_public_key = key.serial.starts_with(wechat::pay::kPublicKeyIdPrefix);
    Status added = is_public_key ? platform_keys.AddPublicKeyPem(key.serial, key.pem)
                                 : platform_keys.AddCertificatePem(key.pem);
    // One bad key must not stop the others (during a migration both kinds are configured).
    if (!added.ok()) {
      MILEAGE_LOG(kWarn) << "merchant " << mchid << " platform key " << key.serial
                         << " skipped: " << added.ToString();
    }
  }
  if (platform_keys.keys().empty()) {
    return FailedPreconditionError("the merchant has no usable platform key",
                                   "MERCHANT_KEYS_UNUSABLE");
  }
  const org::Merchant& m = credentials->merchant;
  return std::make_shared<const MerchantKeys>(
      MerchantKeys{MerchantRef{m.id, m.mchid, m.appid, m.store}, m.active,
                   std::move(credentials->brand_appids), std::move(platform_keys), *api_v3_key});
}

}  // namespace mileage::payments
