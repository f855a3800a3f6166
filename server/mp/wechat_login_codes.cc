#include "server/mp/wechat_login_codes.h"

#include "members/validation.h"
#include "wechat/client/reasons.h"

namespace mileage::server {
namespace {

namespace reason = wechat::reason;

// What a code is to the client, for the messages of MapCodeError.
struct CodeKind {
  const char* api;        // "code2Session"
  const char* what;       // "login code"
  const char* again;      // "call wx.login again"
  const char* refused;    // the reason for WeChat's risk control: "LOGIN_REFUSED"
  const char* throttled;  // "logins"
};

constexpr CodeKind kLoginCode{"code2Session", "login code", "call wx.login again", "LOGIN_REFUSED",
                              "logins"};
constexpr CodeKind kPhoneCode{"getuserphonenumber", "phone number code",
                              "ask for the phone number again", "PHONE_REFUSED",
                              "phone number requests"};

// The exchangers' error for a failed exchange of a code with WeChat
// (members::LoginCodeExchanger::Exchange, members::PhoneCodeExchanger::Exchange).
Status MapCodeError(const CodeKind& kind, std::string_view appid, const Status& status) {
  const std::string_view why = status.reason();
  if (why == reason::kInvalidCode) {
    return UnauthenticatedError(
        std::string("WeChat does not accept this ") + kind.what + "; " + kind.again,
        "INVALID_CODE");
  }
  if (why == reason::kCodeUsed) {
    return UnauthenticatedError(
        std::string("this ") + kind.what + " was used already; " + kind.again, "CODE_USED");
  }
  if (why == reason::kRiskyUser) {
    return PermissionDeniedError("WeChat refuses this user", kind.refused);
  }
  if (why == reason::kRateLimited) {
    return ResourceExhaustedError(
        std::string("WeChat throttles ") + kind.throttled + "; try again in a minute",
        "WECHAT_RATE_LIMITED");
  }
  // Unavailable messages reach the log, not the client (server/http/error_mapping.h).
  if (why == reason::kBadCredentials) {
    return UnavailableError("WeChat refuses the credentials of mini-program " + std::string(appid) +
                                " (register its current AppSecret with mileage admin "
                                "add-miniprogram): " +
                                status.ToString(),
                            "APP_MISCONFIGURED");
  }
  return UnavailableError(
      std::string(kind.api) + " for " + std::string(appid) + " failed: " + status.ToString(),
      "WECHAT_UNAVAILABLE");
}

}  // namespace

std::shared_ptr<wechat::client::MiniProgramClient> MiniProgramClients::For(
    std::string_view appid, std::string_view secret) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(appid);
  if (it != clients_.end() && it->second.secret == secret) return it->second.client;
  auto client = std::make_shared<wechat::client::MiniProgramClient>(
      api_, kv_, clock_, random_,
      wechat::client::MiniProgramCredentials{std::string(appid), std::string(secret)});
  clients_.insert_or_assign(std::string(appid), Entry{std::string(secret), client});
  return client;
}

Result<members::WechatUser> WechatLoginCodes::Exchange(std::string_view appid,
                                                       std::string_view secret,
                                                       std::string_view code) {
  Result<wechat::client::Session> session = clients_.For(appid, secret)->Code2Session(code);
  if (!session.ok()) return MapCodeError(kLoginCode, appid, session.status());
  members::WechatUser user{std::move(session->openid), std::nullopt};
  if (!session->unionid.empty()) user.unionid = std::move(session->unionid);
  // The ids become member identities: an answer of another shape is WeChat misbehaving.
  if (!members::ValidateWechatId(user.openid, "openid").ok() ||
      (user.unionid.has_value() && !members::ValidateWechatId(*user.unionid, "unionid").ok())) {
    return UnavailableError("code2Session for " + std::string(appid) +
                                " answered an openid or unionid of the wrong shape",
                            "WECHAT_UNAVAILABLE");
  }
  return user;
}

Result<members::WechatPhone> WechatPhoneCodes::Exchange(std::string_view appid,
                                                        std::string_view secret,
                                                        std::string_view code) {
  Result<wechat::miniprogram::PhoneNumber> phone =
      clients_.For(appid, secret)->GetPhoneNumber(code);
  if (!phone.ok()) return MapCodeError(kPhoneCode, appid, phone.status());
  // The watermark names the app the code was made for; another app's answer is not ours.
  if (!phone->watermark_appid.empty() && phone->watermark_appid != appid) {
    return UnavailableError("getuserphonenumber for " + std::string(appid) +
                                " answered with the watermark of another app",
                            "WECHAT_UNAVAILABLE");
  }
  return members::WechatPhone{std::move(phone->pure_phone_number), std::move(phone->country_code)};
}

}  // namespace mileage::server
