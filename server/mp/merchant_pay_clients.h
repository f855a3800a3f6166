#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "org/merchant_changes.h"
#include "org/merchant_service.h"
#include "payments/merchant_keys.h"
#include "wechat/client/api_client.h"
#include "wechat/client/pay_client.h"

namespace mileage::server {

// WeChat Pay API clients by mchid, for creating JSAPI orders and signing wx.requestPayment:
// each signs with the merchant's API private key (org::MerchantService::OpenApiKey) and trusts
// the merchant's usable platform keys (payments::MerchantKeyCache), on the process's one
// ApiClient (config wechat_pay_base_url). A client is built once and cached for `ttl` (60 s,
// like the key cache): changes made through this process's org module drop it at once
// (MerchantChanged); changes by `mileage admin` or another instance apply within the ttl.
// Owned by MemberApi; borrows the services, the ApiClient, the clock and the random source,
// which must outlive it. Safe for concurrent use (one short mutex around the map).
class MerchantPayClients : public org::MerchantChangeListener {
 public:
  static constexpr std::chrono::seconds kDefaultTtl{60};

  MerchantPayClients(org::MerchantService& merchants, payments::MerchantKeyCache& keys,
                     wechat::client::ApiClient& api, const Clock& clock, RandomSource& random,
                     std::chrono::seconds ttl = kDefaultTtl);
  ~MerchantPayClients() override;
  MerchantPayClients(const MerchantPayClients&) = delete;
  MerchantPayClients& operator=(const MerchantPayClients&) = delete;

  // The client of merchant `mchid`. FailedPrecondition PAYMENT_UNAVAILABLE when no merchant
  // has the mchid, it is deactivated or it has no API key registered; the errors of
  // MerchantKeyCache::Get (FailedPrecondition MERCHANT_KEYS_UNUSABLE, storage errors) and of
  // MerchantService::OpenApiKey (FailedPrecondition when the key does not open).
  Result<std::shared_ptr<wechat::client::PayClient>> For(std::string_view mchid);

  // Drops the merchant's client (every client for an empty mchid); a build under way keeps
  // its answer for its caller but is not cached.
  void MerchantChanged(std::string_view mchid) override;

 private:
  struct Entry {
    std::shared_ptr<wechat::client::PayClient> client;
    TimePoint built_at;
  };
  Result<std::shared_ptr<wechat::client::PayClient>> Build(std::string_view mchid);

  org::MerchantService& merchants_;
  payments::MerchantKeyCache& keys_;
  wechat::client::ApiClient& api_;
  const Clock& clock_;
  RandomSource& random_;
  const std::chrono::seconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t generation_ = 0;  // bumped by every change, so a build that raced one is not kept
};

}  // namespace mileage::server
