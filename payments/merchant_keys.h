#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/result.h"
#include "org/merchant_service.h"
#include "payments/types.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/platform_keys.h"

namespace mileage::payments {

// What verifying a merchant's notifications takes, parsed once.
struct MerchantKeys {
  MerchantRef merchant;
  wechat::pay::PlatformKeys platform_keys;
  wechat::pay::ApiV3Key api_v3_key;
};

// Merchant keys by mchid, opened from the org module and cached for `ttl`, so that the
// notification hot path neither queries the database nor parses PEM per request; a key added
// with `mileage admin add-merchant` is picked up within the ttl. Owned by the composition root;
// safe for concurrent use (one short mutex around the map).
class MerchantKeyCache {
 public:
  MerchantKeyCache(org::MerchantService& merchants, const Clock& clock,
                   std::chrono::seconds ttl = std::chrono::seconds(60))
      : merchants_(merchants), clock_(clock), ttl_(ttl) {}

  // Errors: NotFound MERCHANT_UNKNOWN when no merchant has the mchid (not cached);
  // FailedPrecondition MERCHANT_KEYS_UNUSABLE when its API v3 key or every platform key fails
  // to load; storage errors.
  Result<std::shared_ptr<const MerchantKeys>> Get(std::string_view mchid);

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
};

}  // namespace mileage::payments
