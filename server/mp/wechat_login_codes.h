#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "kv/kv.h"
#include "members/member_login.h"
#include "members/member_phone.h"
#include "wechat/client/api_client.h"
#include "wechat/client/miniprogram_client.h"

namespace mileage::server {

// The mini-program API clients of this process, one per appid, made on first use with the
// app's current secret and replaced when the secret changes (an operator rotated it). The
// member routes share them (code2Session now; the phone number and subscribe messages use the
// same clients and their shared access tokens). Borrows the ApiClient, Kv, clock and random
// source, which must outlive it. Safe for concurrent use; a client handed out stays valid
// while its holder keeps it, even if it is replaced meanwhile.
class MiniProgramClients {
 public:
  MiniProgramClients(wechat::client::ApiClient& api, kv::Kv& kv, const Clock& clock,
                     RandomSource& random)
      : api_(api), kv_(kv), clock_(clock), random_(random) {}

  std::shared_ptr<wechat::client::MiniProgramClient> For(std::string_view appid,
                                                         std::string_view secret);

 private:
  struct Entry {
    std::string secret;
    std::shared_ptr<wechat::client::MiniProgramClient> client;
  };

  wechat::client::ApiClient& api_;
  kv::Kv& kv_;
  const Clock& clock_;
  RandomSource& random_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> clients_;  // by appid; guarded by mutex_
};

// members::LoginCodeExchanger over WeChat's code2Session (wechat/client): maps WeChat's
// answers to the exchanger's errors, whose Unavailable messages (logged where the request
// fails, never shown to the client) say what an operator must act on. Never puts the code, the
// secret or the session_key (which it drops) into a message. Safe for concurrent use.
class WechatLoginCodes final : public members::LoginCodeExchanger {
 public:
  explicit WechatLoginCodes(MiniProgramClients& clients) : clients_(clients) {}

  Result<members::WechatUser> Exchange(std::string_view appid, std::string_view secret,
                                       std::string_view code) override;

 private:
  MiniProgramClients& clients_;
};

// members::PhoneCodeExchanger over WeChat's getuserphonenumber (wechat/client), with the same
// clients (and access tokens) as the login and the same mapping of WeChat's answers. Never puts
// the code or the phone into a message. Safe for concurrent use.
class WechatPhoneCodes final : public members::PhoneCodeExchanger {
 public:
  explicit WechatPhoneCodes(MiniProgramClients& clients) : clients_(clients) {}

  Result<members::WechatPhone> Exchange(std::string_view appid, std::string_view secret,
                                        std::string_view code) override;

 private:
  MiniProgramClients& clients_;
};

}  // namespace mileage::server
