#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "kv/fixed_window.h"
#include "kv/kv.h"
#include "members/member_sessions.h"
#include "members/types.h"
#include "org/brand_app_service.h"

namespace mileage::members {

// Who WeChat says a wx.login code belongs to (code2Session): the member's openid for the app,
// and the unionid when the app is bound to an open-platform account.
struct WechatUser {
  std::string openid;
  std::optional<std::string> unionid;
};

// How long a client is told to wait when WeChat throttles our calls for its app
// (WECHAT_RATE_LIMITED): WeChat's limits are per minute.
inline constexpr std::chrono::seconds kWechatThrottleRetryAfter{60};

// The WeChat half of a mini-program login: exchanges a wx.login code for the user's identity
// with the app's credentials. The composition root implements it over the WeChat API client
// (the members module does not speak WeChat's protocol). Implementations are safe for
// concurrent use and never log the code, the secret or WeChat's session_key.
class LoginCodeExchanger {
 public:
  virtual ~LoginCodeExchanger() = default;

  // Errors: Unauthenticated INVALID_CODE (WeChat does not know the code) or CODE_USED (it was
  // exchanged before); PermissionDenied LOGIN_REFUSED (WeChat's risk control refuses the
  // user); ResourceExhausted WECHAT_RATE_LIMITED; Unavailable APP_MISCONFIGURED (WeChat
  // refuses the appid, secret or our address) or WECHAT_UNAVAILABLE (unreachable, failing, or
  // an answer of the wrong shape).
  virtual Result<WechatUser> Exchange(std::string_view appid, std::string_view secret,
                                      std::string_view code) = 0;
};

// How mini-program logins are throttled per client address (docs/OPERATIONS.md, "Member
// sessions and login limits"). Generous: carrier-grade NAT puts many phones behind one IPv4
// address, and a login costs one WeChat call, not a password hash. A value type.
struct MemberLoginLimits {
  // Every attempt from one address.
  int64_t per_address = 120;
  std::chrono::seconds address_window{60};
  // Refused attempts (a bad or used code, an unknown or unusable app) from one address: past
  // this the address waits for the window's end, whatever it sends.
  int64_t refusals_per_address = 20;
  std::chrono::seconds refusal_window{600};
};

// A login as the mini-program sent it.
struct MemberLoginRequest {
  std::string_view appid;
  std::string_view code;
  // What the limits count by: the client address, an IPv6 address by its /64.
  std::string client_key;
};

// A successful login: the token (shown once), its session and the member.
struct MemberLoginResult {
  std::string token;
  MemberSession session;
  Member member;
  bool enrolled = false;  // this login made the member
};

// POST /api/mp/login: a wx.login code of a brand's mini-program becomes a member session. The
// app must be an active mini-program with a secret; WeChat (through LoginCodeExchanger) names
// the user; the member is found or enrolled by (brand, appid, openid), the identity a payment
// enrolls by, so paying first and logging in later (or the reverse) is one member; a new member
// and its member.enrolled outbox event commit together. Owned by the composition root; safe for
// concurrent use.
class MemberLogin {
 public:
  MemberLogin(db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
              org::BrandAppService& apps, LoginCodeExchanger& wechat, MemberSessions& sessions,
              std::string first_tier, MemberLoginLimits limits);

  // Errors: InvalidArgument INVALID_FIELD (an appid that is not 1..32 of [A-Za-z0-9_], a code
  // that is empty, over 256 bytes or not printable ASCII without spaces); ResourceExhausted
  // RATE_LIMITED or WECHAT_RATE_LIMITED with *retry_after set; NotFound APP_NOT_FOUND;
  // FailedPrecondition APP_NOT_MINIPROGRAM, APP_INACTIVE, APP_NO_SECRET; the exchanger's
  // errors; PermissionDenied MEMBER_SUSPENDED; Unavailable APP_MISCONFIGURED (the stored secret
  // does not open) and when the database or Kv fails. Nothing is written to the database
  // unless the code was good.
  Result<MemberLoginResult> Login(const MemberLoginRequest& request,
                                  std::chrono::seconds* retry_after);

 private:
  // Counts the attempt; RATE_LIMITED when the address used up its attempts or refusals.
  Status Admit(const std::string& client_key, std::chrono::seconds* retry_after);
  // Finds or enrolls the member in one transaction.
  Result<Enrollment> FindOrEnroll(const PayerIdentity& user);
  // Counts a refusal that was the client's doing and passes `refusal` on.
  Status Refuse(const std::string& client_key, Status refusal);

  db::Db& db_;
  const Clock& clock_;
  RandomSource& random_;
  org::BrandAppService& apps_;
  LoginCodeExchanger& wechat_;
  MemberSessions& sessions_;
  const std::string first_tier_;
  kv::FixedWindowLimit attempts_;
  kv::FixedWindowLimit refusals_;
};

// True for a plausible wx.login code: 1..256 bytes of printable ASCII without spaces.
bool IsPlausibleLoginCode(std::string_view code);

}  // namespace mileage::members
