#pragma once

#include <chrono>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "growth/referral_service.h"
#include "kv/kv.h"
#include "members/member_sessions.h"
#include "org/brand_app_service.h"
#include "server/mp/mp_router.h"
#include "server/mp/wechat_login_codes.h"
#include "wechat/client/miniprogram_client.h"

namespace mileage::server {

// The mini-program code image (wxacode.getUnlimited) of a member's referral code, opening
// kReferralPage with the scene "r=<code>", through the member's app's MiniProgramClient; cached
// in the Kv for kTtl by appid and code (the image of a code never changes), so that WeChat is
// asked once per code and app per kTtl, not on every view. Borrows the clients, the apps and the
// Kv, which must outlive it. Safe for concurrent use.
class ReferralCodeImages {
 public:
  static constexpr std::string_view kReferralPage = "pages/home/index";
  static constexpr std::chrono::seconds kTtl = std::chrono::hours(24 * 30);

  ReferralCodeImages(MiniProgramClients& clients, org::BrandAppService& apps, kv::Kv& kv)
      : clients_(clients), apps_(apps), kv_(kv) {}

  // The image of `code` for `appid`. Unavailable WXACODE_UNAVAILABLE when WeChat or the app's
  // credentials fail (the cause is logged, never shown).
  Result<wechat::client::WxaCode> Image(std::string_view appid, const growth::ReferralCode& code);

 private:
  MiniProgramClients& clients_;
  org::BrandAppService& apps_;
  kv::Kv& kv_;
};

// The member's referral routes (docs/API.md, "Referrals (member side)"): GET
// /api/mp/referrals/code, GET /api/mp/referrals/code/image, POST /api/mp/referrals/attach and
// GET /api/mp/referrals, through `router` (each takes a member session and acts for the
// session's member only), each one call of `referrals` (or `images`) at `clock`'s now. All must
// outlive the server.
void RegisterMemberReferralRoutes(MpRouter& router, growth::ReferralService& referrals,
                                  ReferralCodeImages& images, const Clock& clock);

}  // namespace mileage::server
