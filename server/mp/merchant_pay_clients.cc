#include "server/mp/merchant_pay_clients.h"

namespace mileage::server {
namespace {

Status Unavailable(std::string_view mchid, std::string_view why) {
  return FailedPreconditionError(
      "WeChat Pay is unavailable for merchant " + std::string(mchid) + ": " + std::string(why),
      "PAYMENT_UNAVAILABLE");
}

}  // namespace

MerchantPayClients::MerchantPayClients(org::MerchantService& merchants,
                                       payments::MerchantKeyCache& keys,
                                       wechat::client::ApiClient& api, const Clock& clock,
                                       RandomSource& random, std::chrono::seconds ttl)
    : merchants_(merchants), keys_(keys), api_(api), clock_(clock), random_(random), ttl_(ttl) {
  merchants_.changes().Subscribe(this);
}

MerchantPayClients::~MerchantPayClients() { merchants_.changes().Unsubscribe(this); }

void MerchantPayClients::MerchantChanged(std::string_view mchid) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  if (mchid.empty()) {
    entries_.clear();
  } else {
    entries_.erase(std::string(mchid));
  }
}

Result<std::shared_ptr<wechat::client::PayClient>> MerchantPayClients::For(std::string_view mchid) {
  const TimePoint now = clock_.Now();
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(std::string(mchid));
    if (it != entries_.end() && now - it->second.built_at < ttl_) return it->second.client;
    generation = generation_;
  }
  MILEAGE_ASSIGN_OR_RETURN(std::shared_ptr<wechat::client::PayClient> client, Build(mchid));
  std::lock_guard<std::mutex> lock(mu_);
  if (generation == generation_) entries_[std::string(mchid)] = Entry{client, now};
  return client;
}

Result<std::shared_ptr<wechat::client::PayClient>> MerchantPayClients::Build(
    std::string_view mchid) {
  Result<std::shared_ptr<const payments::MerchantKeys>> keys = keys_.Get(mchid);
  if (!keys.ok() && keys.status().code() == StatusCode::kNotFound) {
    return Unavailable(mchid, "no such merchant");
  }
  if (!keys.ok()) return keys.status();
  if (!(*keys)->active) return Unavailable(mchid, "the merchant is deactivated");
  Result<std::optional<org::MerchantApiKey>> api_key = merchants_.OpenApiKey(mchid);
  if (!api_key.ok() && api_key.status().code() == StatusCode::kNotFound) {
    return Unavailable(mchid, "no such merchant");
  }
  if (!api_key.ok()) return api_key.status();
  if (!api_key->has_value()) return Unavailable(mchid, "no API key is registered");
  org::MerchantApiKey& key = **api_key;
  return std::make_shared<wechat::client::PayClient>(api_, clock_, random_, std::string(mchid),
                                                     std::move(key.serial), key.key,
                                                     (*keys)->platform_keys);
}

}  // namespace mileage::server
