#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/field_cipher.h"
#include "crypto/rsa.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/merchant_changes.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::org {

// What registering a merchant takes. The API v3 key is sealed before it is stored.
struct NewMerchant {
  std::string mchid;
  std::string appid;
  std::string apiv3_key;
  std::vector<PlatformKey> platform_keys;  // serial + PEM; the rest is ignored
};

// A merchant with its opened API v3 key and the appids its brand registered, for the payment
// path only.
struct MerchantCredentials {
  Merchant merchant;
  std::string apiv3_key;
  std::vector<std::string> brand_appids;  // the brand's active apps, sorted
};

// A merchant's API private key, opened and parsed, with its certificate serial: what signing
// WeChat Pay API requests and wx.requestPayment (wechat::client::PayClient) takes.
struct MerchantApiKey {
  std::string serial;
  crypto::RsaPrivateKey key;
};

// WeChat Pay merchants of stores: register them, add and retire their platform keys, deactivate
// and reactivate them, read and list them, with the authorizer's checks (writes are
// kMerchantWrite: brand admins and the operator CLI) and an audit record for each write. The
// platform keys decide whose notifications are believed, so each is parsed and checked when it
// is registered (ParsePlatformKey) and a merchant always keeps one usable key. The API v3 key is
// sealed with the data key (crypto::FieldCipher, bound to the mchid) and never returned except
// by Credentials; so is the API private key (SetApiKey), opened by OpenApiKey only. Every
// committed write tells the MerchantChanges listeners. Owned by the org
// module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (INVALID_FIELD, INVALID_ID and
// ParsePlatformKey's); NotFound "<object> not found" when it does not exist or the caller cannot
// see it; PermissionDenied when the role may not act; storage errors.
class MerchantService {
 public:
  // A merchant holds at most this many platform keys in use.
  static constexpr size_t kMaxPlatformKeys = 20;

  MerchantService(db::Db& db, const Clock& clock, const Authorizer& authorizer,
                  AuditedWriter& writer, const crypto::FieldCipher& cipher)
      : db_(db), clock_(clock), authorizer_(authorizer), writer_(writer), cipher_(cipher) {}

  // Registers a merchant at a store with one to 20 platform keys of distinct serials
  // (INVALID_FIELD otherwise). InvalidArgument APPID_NOT_REGISTERED when the appid is not an app
  // of the store's brand (whether or not another brand has it); FailedPrecondition APP_INACTIVE
  // when that app is deactivated; AlreadyExists MERCHANT_EXISTS when the mchid is registered
  // (anywhere: WeChat mchids are global); FailedPrecondition PARENT_INACTIVE when the store is
  // deactivated.
  Result<Merchant> Create(const Actor& actor, int64_t store_id, const NewMerchant& merchant);
  // Adds a platform key (WeChat rotates them). A retired key of the same serial is put back in
  // use with the given PEM. AlreadyExists PLATFORM_KEY_EXISTS when the serial is in use;
  // FailedPrecondition TOO_MANY_PLATFORM_KEYS past kMaxPlatformKeys keys in use.
  Result<Merchant> AddPlatformKey(const Actor& actor, int64_t merchant_id, std::string_view serial,
                                  std::string_view pem);
  // Retires a key: it verifies nothing from then on (the payment path within its cache bound).
  // Idempotent for a retired key. NotFound PLATFORM_KEY_NOT_FOUND when the merchant has no key
  // of that serial; FailedPrecondition LAST_PLATFORM_KEY when no other usable key (in use, not
  // expired) would remain.
  Result<Merchant> RetirePlatformKey(const Actor& actor, int64_t merchant_id,
                                     std::string_view serial);
  // Registers merchant `mchid`'s API private key (what Mileage creates JSAPI orders and signs
  // wx.requestPayment with) and the serial of its certificate, replacing the one it had (a
  // rotation is the same call). The key is sealed and never returned except by OpenApiKey; the
  // audit record names the serial only. Same authorisation as the other merchant writes.
  // InvalidArgument INVALID_FIELD (mchid; serial not 1..64 hex digits), INVALID_MERCHANT_KEY
  // (not an unencrypted RSA private key in PEM of at least 2048 bits, or longer than 16 KiB);
  // NotFound MERCHANT_UNKNOWN when no merchant has the mchid or the caller cannot see it.
  Result<Merchant> SetApiKey(const Actor& actor, std::string_view mchid, std::string_view serial,
                             std::string_view private_key_pem);
  // Idempotent. An inactive merchant's notifications are refused and nothing is written.
  Result<Merchant> SetActive(const Actor& actor, int64_t merchant_id, bool active);
  Result<Merchant> Get(const Actor& actor, int64_t id);
  // The merchant of `mchid` (the operator CLI names merchants by mchid); NotFound
  // "mchid M not found".
  Result<Merchant> GetByMchid(const Actor& actor, std::string_view mchid);
  // The merchants in the caller's scope, optionally of one store only.
  Result<PageOf<Merchant>> List(const Actor& actor, std::optional<int64_t> store_id,
                                const PageRequest& page);
  // The merchant of `mchid` (active or not) with its API v3 key opened and its brand's active
  // appids, for verifying, decrypting and accepting WeChat Pay notifications (which WeChat's
  // signature authenticates; there is no staff caller). NotFound when no merchant has the
  // mchid; FailedPrecondition when the sealed key does not open with the configured data keys.
  Result<MerchantCredentials> Credentials(std::string_view mchid);

  // The API private key of merchant `mchid` (active or not), opened and parsed, for the
  // server's WeChat Pay calls (there is no staff caller); nullopt when none is registered.
  // InvalidArgument INVALID_FIELD (mchid); NotFound MERCHANT_UNKNOWN when no merchant has the
  // mchid; FailedPrecondition when the sealed key does not open with the configured data keys
  // (crypto::FieldCipher::Open's reasons) or what opens is not a usable key
  // (MERCHANT_KEYS_UNUSABLE).
  Result<std::optional<MerchantApiKey>> OpenApiKey(std::string_view mchid);

  // Where committed changes are announced (payments' key cache subscribes).
  MerchantChanges& changes() { return changes_; }

 private:
  // Runs `change` on the merchant inside an audited transaction, after finding it (NotFound),
  // checking kMerchantWrite on its store and locking its row; returns the merchant as it is
  // afterwards and tells the listeners.
  using Modification = std::function<Status(db::Connection&, Merchant&, AuditRecord&)>;
  Result<Merchant> Modify(const Actor& actor, int64_t merchant_id, const std::string& action,
                          const Modification& modification);

  db::Db& db_;
  const Clock& clock_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::FieldCipher& cipher_;
  MerchantChanges changes_;
};

// The crypto::FieldCipher context of a merchant's API v3 key.
std::string ApiV3KeyContext(std::string_view mchid);
// The crypto::FieldCipher context of a merchant's API private key.
std::string ApiKeyContext(std::string_view mchid);

}  // namespace mileage::org
