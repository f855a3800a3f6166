#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "crypto/data_key.h"
#include "db/db.h"
#include "kv/kv.h"
#include "members/member_accounts.h"
#include "members/member_login.h"
#include "members/member_phone.h"
#include "members/member_profile.h"
#include "members/member_session_truth.h"
#include "members/member_sessions.h"
#include "members/phone_vault.h"
#include "org/org_module.h"
#include "payments/merchant_keys.h"
#include "server/http/http_server.h"
#include "server/mp/merchant_pay_clients.h"
#include "server/mp/mp_router.h"
#include "server/mp/wechat_login_codes.h"
#include "wechat/client/api_client.h"

namespace mileage::server {

// Settings of the member API beyond the config, for tests.
struct MemberApiOptions {
  members::MemberLoginLimits login_limits;
  // How long an instance trusts what it read from the database about a member's standing.
  std::chrono::milliseconds truth_cache{5000};
  // The tier a new member starts at (the first tier of the config's policy).
  std::string first_tier = "silver";
};

// The member (mini-program) API of one `mileage serve` process, wired: the WeChat API client
// and its mini-program and merchant pay clients, member session truth, sessions, login,
// accounts, phones and profiles, and the MpRouter once RegisterRoutes ran. Built by the App on
// its database, Kv, clock, randomness, org module, merchant key cache and phone vault, which
// must outlive it; safe for concurrent use once routes are registered.
class MemberApi {
 public:
  // Errors: ApiClient::Create's (a bad wechat_api_base_url; the config loader checks it first).
  static Result<std::unique_ptr<MemberApi>> Create(const Config& config, db::Db& db, kv::Kv& kv,
                                                   const Clock& clock, RandomSource& random,
                                                   const crypto::DataKey& data_key,
                                                   org::OrgModule& org,
                                                   payments::MerchantKeyCache& merchant_keys,
                                                   const members::PhoneVault& phones,
                                                   MemberApiOptions options);

  // Creates the router on `http` and registers the /api/mp/ routes; once.
  void RegisterRoutes(HttpServer& http);

  // The router (after RegisterRoutes): where the other member routes register.
  MpRouter& router() { return *router_; }
  members::MemberSessions& sessions() { return *sessions_; }
  // Whether member sessions stand (a deletion or suspension revokes them through it).
  members::MemberSessionTruth& truth() { return *truth_; }
  members::MemberAccounts& accounts() { return *accounts_; }
  members::MemberPhones& phones() { return *phones_; }
  members::MemberProfiles& profiles() { return *profiles_; }
  MiniProgramClients& wechat() { return *clients_; }
  // WeChat Pay clients by mchid (JSAPI orders, wx.requestPayment signatures).
  MerchantPayClients& pay_clients() { return *pay_clients_; }

 private:
  MemberApi() = default;

  std::unique_ptr<wechat::client::ApiClient> api_;
  std::unique_ptr<MiniProgramClients> clients_;
  std::unique_ptr<MerchantPayClients> pay_clients_;
  std::unique_ptr<WechatLoginCodes> codes_;
  std::unique_ptr<members::MemberSessionTruth> truth_;
  std::unique_ptr<members::MemberSessions> sessions_;
  std::unique_ptr<members::MemberLogin> login_;
  std::unique_ptr<members::MemberAccounts> accounts_;
  std::unique_ptr<WechatPhoneCodes> phone_codes_;
  std::unique_ptr<members::MemberPhones> phones_;
  std::unique_ptr<members::MemberProfiles> profiles_;
  std::unique_ptr<MpRouter> router_;
};

}  // namespace mileage::server
