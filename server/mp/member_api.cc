#include "server/mp/member_api.h"

#include "server/mp/mp_routes.h"
#include "server/mp/profile_routes.h"

namespace mileage::server {

Result<std::unique_ptr<MemberApi>> MemberApi::Create(
    const Config& config, db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
    const crypto::DataKey& data_key, org::OrgModule& org, payments::MerchantKeyCache& merchant_keys,
    const members::PhoneVault& phones, MemberApiOptions options) {
  std::unique_ptr<MemberApi> api(new MemberApi());
  wechat::client::ApiClientOptions wechat;
  wechat.api_base_url = config.wechat_api_base_url;
  wechat.pay_base_url = config.wechat_pay_base_url;
  MILEAGE_ASSIGN_OR_RETURN(api->api_, wechat::client::ApiClient::Create(wechat, random));
  api->clients_ = std::make_unique<MiniProgramClients>(*api->api_, kv, clock, random);
  api->pay_clients_ = std::make_unique<MerchantPayClients>(org.merchants(), merchant_keys,
                                                           *api->api_, clock, random);
  api->codes_ = std::make_unique<WechatLoginCodes>(*api->clients_);
  members::MemberSessionOptions lifetime;
  lifetime.idle_ttl = std::chrono::seconds(config.member_session_ttl_s);
  // A mark must outlive every session opened before it.
  api->truth_ = std::make_unique<members::MemberSessionTruth>(
      db, kv, clock, options.truth_cache, lifetime.max_age + std::chrono::minutes(1));
  api->sessions_ = std::make_unique<members::MemberSessions>(kv, clock, data_key, random,
                                                             *api->truth_, lifetime);
  api->login_ = std::make_unique<members::MemberLogin>(db, kv, clock, random, org.apps(),
                                                       *api->codes_, *api->sessions_,
                                                       options.first_tier, options.login_limits);
  api->accounts_ =
      std::make_unique<members::MemberAccounts>(db, random, org.writer(), *api->truth_);
  api->phone_codes_ = std::make_unique<WechatPhoneCodes>(*api->clients_);
  api->phones_ = std::make_unique<members::MemberPhones>(db, kv, clock, random, org.apps(),
                                                         *api->phone_codes_, phones);
  api->profiles_ = std::make_unique<members::MemberProfiles>(db, clock, random);
  return api;
}

void MemberApi::RegisterRoutes(HttpServer& http) {
  router_ = std::make_unique<MpRouter>(http, *sessions_);
  RegisterMemberSessionRoutes(*router_, *login_, *sessions_, *accounts_);
  RegisterMemberProfileRoutes(*router_, *phones_, *profiles_);
}

}  // namespace mileage::server
