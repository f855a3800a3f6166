#pragma once

#include <string_view>

#include "common/result.h"
#include "org/brand_app_service.h"

namespace mileage::members {

// The app of `appid` with its secret, when members may use it: an active mini-program with an
// AppSecret (what calling WeChat as the app needs: code2Session, the phone number). Errors:
// NotFound APP_NOT_FOUND; FailedPrecondition APP_NOT_MINIPROGRAM, APP_INACTIVE, APP_NO_SECRET;
// Unavailable APP_MISCONFIGURED when the stored secret does not open with the data keys (the
// message, for the log, says so); storage errors.
Result<org::BrandAppCredentials> UsableMiniProgram(org::BrandAppService& apps,
                                                   std::string_view appid);

}  // namespace mileage::members
