#include "server/mp/wechat_login_codes.h"

#include "members/validation.h"
#include "wechat/client/reasons.h"

namespace mileage::server {
namespace {

namespace reason = wechat::reason;

// The exchanger's error for a failed code2Session (members::LoginCodeExchanger::Exchange).
Status MapCode2SessionError(std::string_view appid, const Status& status) {
  const std::string_view why = status.reason();
  if (why == reason::kInvalidCode) {
    return UnauthenticatedError("WeChat does not accept this login code; call wx.login again",
                                "INVALID_CODE");
  }
  if (why == reason::kCodeUsed) {
    return UnauthenticatedError("this login code was used already; call wx.login again",
                                "CODE_USED");
  }
  if (why == reason::kRiskyUser) {
    return PermissionDeniedError("WeChat refuses this user's login", "LOGIN_REFUSED");
  }
  if (why == reason::kRateLimited) {
    return ResourceExhaustedError("WeChat throttles logins; try again in a minute",
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
      "code2Session for " + std::string(appid) + " failed: " + status.ToString(),
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
  if (!session.ok()) return MapCode2SessionError(appid, session.status());
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

}  // namespace mileage::server
