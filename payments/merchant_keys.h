#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "org/merchant_changes.h"
#include "org/merchant_service.h"
#include "payments/types.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/platform_keys.h"

namespace mileage::payments {

// What verifying and accepting a merchant's notifications takes, loaded once.
struct MerchantKeys {
  MerchantRef merchant;
  bool active = true;
  std::vector<std::string> brand_appids;    // the brand's active apps, sorted
  wechat::pay::PlatformKeys platform_keys;  // usable keys only: retired and expired ones left out
  wechat::pay::ApiV3Key api_v3_key;

  // Unauthenticated MERCHANT_INACTIVE when the merchant is deactivated.
  Status CheckActive() const;
  // Unauthenticated APPID_NOT_REGISTERED unless `appid` is an active app of the merchant's
  // brand: members are enrolled by (brand, appid, openid), so a merchant must not mint members
  // in an app namespace its brand did not register.
  Status CheckAppid(std::string_view appid) const;
};

// Merchant keys by mchid, opened from the org module and cached for `ttl` (60 s by default), so
// that the notification hot path neither queries the database nor parses PEM per request. The
// cache is the bound on how long a change made elsewhere takes to apply: a key added or retired,
// a merchant or app (de)activated by `mileage admin` or by another instance. Changes made
// through this process's org module apply at once: the cache listens to
// org::MerchantService::changes() and drops what changed. Owned by the composition root; must
// not outlive the MerchantService; safe for concurrent use (one short mutex around the map).
class MerchantKeyCache : public org::MerchantChangeListener {
 public:
  static constexpr std::chrono::seconds kDefaultTtl{60};

  MerchantKeyCache(org::MerchantService& merchants, const Clock& clock,
                   std::chrono::seconds ttl = kDefaultTtl);
  ~MerchantKeyCache() override;
  MerchantKeyCache(const MerchantKeyCache&) = delete;
  MerchantKeyCache& operator=(const MerchantKeyCache&) = delete;

  // Errors: NotFound MERCHANT_UNKNOWN when no merchant has the mchid (not cached);
  // FailedPrecondition MERCHANT_KEYS_UNUSABLE when its API v3 key or every platform key fails
  // to load; storage errors.
  Result<std::shared_ptr<const MerchantKeys>> Get(std::string_view mchid);

  // Drops the merchant's entry (every entry for an empty mchid); a load that was under way
  // keeps its answer for its caller but is not cached.
  void MerchantChanged(std::string_view mchid) override;

 private:
  struct Entry {
    std::shared_ptr<const MerchantKeys> keys;
    TimePoint loaded_at;
  };
  Result<std::shared_ptr<const MerchantKeys>> Load(std::string_view mchid);

  org::MerchantService& merchants_;
  const Clock& clock_;
  const std::chrono::seconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t generation_ = 0;  // bumped by every change, so a load that raced one is not kept
};

}  // namespace mileage::payments
