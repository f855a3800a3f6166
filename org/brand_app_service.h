#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/merchant_changes.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::org {

// What registering a brand app takes. The secret (optional, "" = none) is sealed before it is
// stored.
struct NewBrandApp {
  std::string appid;
  std::string kind;  // "miniprogram", "official_account" or "app"
  std::string name;
  std::string secret;
};

// An app with its opened secret ("" when it has none), for calling WeChat as the app
// (code2Session needs the mini-program's appid and secret).
struct BrandAppCredentials {
  BrandApp app;
  std::string secret;
};

// The WeChat apps (appids) of brands: register, read, list, deactivate and reactivate, with the
// authorizer's checks (apps belong to the brand node: kAppRead / kAppWrite, so only brand-level
// staff see them and only brand admins write) and an audit record for each write. A
// merchant's appid, and the appid of every payment it notifies, must be an active app of its
// brand. The secret is sealed with the data key (crypto::FieldCipher, bound to the appid) and
// never returned except by Credentials. Deactivating or reactivating tells the merchant
// listeners. Owned by the org module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (INVALID_FIELD, INVALID_ID);
// NotFound "app N not found" when it does not exist or the caller cannot see it;
// PermissionDenied when the role may not act; storage errors.
class BrandAppService {
 public:
  BrandAppService(db::Db& db, const Authorizer& authorizer, AuditedWriter& writer,
                  const crypto::FieldCipher& cipher, MerchantChanges& changes)
      : db_(db), authorizer_(authorizer), writer_(writer), cipher_(cipher), changes_(changes) {}

  // Registers an app of `brand_id` (appid 1..32 of [A-Za-z0-9_], a kind, a name, an optional
  // secret). AlreadyExists APP_EXISTS when the appid is registered, by this or another brand
  // (WeChat's appids are global); NotFound when the brand does not exist or is not the
  // caller's.
  Result<BrandApp> Create(const Actor& actor, int64_t brand_id, const NewBrandApp& app);
  // Registers a mini-program of `brand_id` with its AppSecret (what member login needs), or,
  // when the appid is already a mini-program of this brand, gives it this secret (a secret
  // reset in WeChat's console, an app registered without one); its other fields and its active
  // flag stay. `app.kind` is ignored; an empty name becomes the appid. Audited as app.create
  // or app.secret. Besides Create's errors: InvalidArgument MISSING_SECRET when the secret is
  // empty; AlreadyExists APP_EXISTS when another brand has the appid; FailedPrecondition
  // APP_NOT_MINIPROGRAM when the brand's app of this appid is of another kind.
  Result<BrandApp> RegisterMiniProgram(const Actor& actor, int64_t brand_id, NewBrandApp app);
  Result<BrandApp> Get(const Actor& actor, int64_t id);
  // The app of an appid (the operator CLI names apps by appid); NotFound "appid X not found".
  Result<BrandApp> GetByAppid(const Actor& actor, std::string_view appid);
  // The apps of the caller's brand (the system actor names the brand), id order.
  Result<PageOf<BrandApp>> List(const Actor& actor, std::optional<int64_t> brand_id,
                                const PageRequest& page);
  // Idempotent. A deactivated app's payments are refused and no merchant can be registered
  // with it.
  Result<BrandApp> SetActive(const Actor& actor, int64_t id, bool active);
  // The app of `appid` with its secret opened. NotFound when no app has the appid;
  // FailedPrecondition when the sealed secret does not open with the configured data keys.
  Result<BrandAppCredentials> Credentials(std::string_view appid);

 private:
  // The secret sealed for `appid` ("" for none), validated first.
  Result<std::string> SealSecret(std::string_view appid, std::string_view secret) const;
  Result<BrandApp> SetSecret(const Actor& actor, const BrandApp& app, std::string_view secret);

  db::Db& db_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::FieldCipher& cipher_;
  MerchantChanges& changes_;
};

// The crypto::FieldCipher context of an app secret.
std::string AppSecretContext(std::string_view appid);

}  // namespace mileage::org
