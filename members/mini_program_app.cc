#include "members/mini_program_app.h"

#include <string>

namespace mileage::members {

Result<org::BrandAppCredentials> UsableMiniProgram(org::BrandAppService& apps,
                                                   std::string_view appid) {
  Result<org::BrandAppCredentials> app = apps.Credentials(appid);
  if (!app.ok() && app.status().code() == StatusCode::kNotFound) {
    return NotFoundError("no mini-program has this appid", "APP_NOT_FOUND");
  }
  if (!app.ok() && app.status().code() == StatusCode::kFailedPrecondition) {
    // The server logs an Unavailable message; the client sees only the code.
    return UnavailableError(
        "the AppSecret of " + std::string(appid) +
            " does not open with the configured data keys: " + app.status().ToString(),
        "APP_MISCONFIGURED");
  }
  if (!app.ok()) return app.status();
  if (app->app.kind != org::AppKind::kMiniprogram) {
    return FailedPreconditionError("the appid is not a mini-program", "APP_NOT_MINIPROGRAM");
  }
  if (!app->app.active) {
    return FailedPreconditionError("the mini-program is deactivated", "APP_INACTIVE");
  }
  if (app->secret.empty()) {
    return FailedPreconditionError(
        "the mini-program has no AppSecret registered (mileage admin add-miniprogram)",
        "APP_NO_SECRET");
  }
  return app;
}

}  // namespace mileage::members
