#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "kv/fixed_window.h"
#include "kv/kv.h"
#include "members/member_sessions.h"
#include "members/phone_vault.h"
#include "org/brand_app_service.h"

namespace mileage::members {

// The phone WeChat gives for the code of a getPhoneNumber button. PII: never log it.
struct WechatPhone {
  std::string number;        // without the country code ("13800138000")
  std::string country_code;  // "86"
};

// The WeChat half of binding a phone: exchanges a getPhoneNumber code for the user's phone with
// the app's credentials (getuserphonenumber). The composition root implements it over the WeChat
// API client. Implementations are safe for concurrent use and never log the code or the phone.
class PhoneCodeExchanger {
 public:
  virtual ~PhoneCodeExchanger() = default;

  // Errors: Unauthenticated INVALID_CODE (WeChat does not know the code) or CODE_USED;
  // PermissionDenied PHONE_REFUSED (WeChat's risk control); ResourceExhausted
  // WECHAT_RATE_LIMITED; Unavailable APP_MISCONFIGURED or WECHAT_UNAVAILABLE.
  virtual Result<WechatPhone> Exchange(std::string_view appid, std::string_view secret,
                                       std::string_view code) = 0;
};

// How phone bindings are throttled per member (docs/OPERATIONS.md, "Member write limits"):
// each attempt costs a WeChat call, and PHONE_TAKEN tells whether another member of the brand
// holds a phone. A fixed window aligned to the clock. A value type; constants of the deployment
// (not configurable).
struct PhoneBindLimits {
  // Attempts whose code is sent to WeChat (a well-formed code), whatever WeChat answers.
  int64_t attempts = 5;
  std::chrono::seconds window{3600};
};

// POST /api/mp/phone: the phone of a getPhoneNumber code becomes the session member's phone
// identity, kept as MemberStore::AttachPhone keeps it (keyed hash, sealed copy, masked display).
// One phone per member (a new one replaces the old); a phone held by another member of the
// brand is refused, never merged. Attempts are rate limited per member (PhoneBindLimits,
// counted in the Kv). Owned by the composition root; safe for concurrent use.
class MemberPhones {
 public:
  MemberPhones(db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
               org::BrandAppService& apps, PhoneCodeExchanger& wechat, const PhoneVault& vault,
               PhoneBindLimits limits = {});

  // Binds the phone of `code` to `member` and returns it masked ("138****8000"); idempotent for
  // the phone the member holds. Errors: InvalidArgument INVALID_FIELD (a code that is empty,
  // over 256 bytes or not printable ASCII without spaces: WeChat is not asked) or
  // PHONE_NOT_SUPPORTED (not a mainland China mobile number); ResourceExhausted RATE_LIMITED
  // with *retry_after set (PhoneBindLimits: WeChat is not asked); the errors of
  // UsableMiniProgram and of the exchanger; AlreadyExists PHONE_TAKEN (another member of the
  // brand holds it: nothing written); NotFound MEMBER_NOT_FOUND; storage errors (Unavailable
  // when the Kv fails).
  Result<std::string> Bind(const MemberPrincipal& member, std::string_view code,
                           std::chrono::seconds* retry_after);

  // The member's phone, masked; "" when none.
  Result<std::string> Masked(int64_t member_id);

 private:
  db::Db& db_;
  const Clock& clock_;
  RandomSource& random_;
  org::BrandAppService& apps_;
  PhoneCodeExchanger& wechat_;
  const PhoneVault& vault_;
  kv::FixedWindowLimit attempts_;
};

}  // namespace mileage::members
