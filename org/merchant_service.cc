#include "org/merchant_service.h"

#include "crypto/rsa.h"
#include "org/brand_app_store.h"
#include "org/hierarchy_service.h"
#include "org/merchant_store.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

// The same key as far as WeChat's Wechatpay-Serial is concerned: certificate serials compare
// as hex numbers (crypto::CanonicalSerial), public key ids exactly.
bool SameSerial(std::string_view a, std::string_view b) {
  return a == b || crypto::CanonicalSerial(a) == crypto::CanonicalSerial(b);
}

const PlatformKey* FindKey(const Merchant& merchant, std::string_view serial) {
  for (const PlatformKey& key : merchant.platform_keys) {
    if (SameSerial(key.serial, serial)) return &key;
  }
  return nullptr;
}

Result<std::vector<PlatformKey>> ParseNewMerchant(const NewMerchant& merchant, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(merchant.mchid));
  MILEAGE_RETURN_IF_ERROR(ValidateAppid(merchant.appid));
  MILEAGE_RETURN_IF_ERROR(ValidateApiV3Key(merchant.apiv3_key));
  const size_t limit = MerchantService::kMaxPlatformKeys;
  if (merchant.platform_keys.empty() || merchant.platform_keys.size() > limit) {
    return InvalidArgumentError("platform_keys must hold 1.." + std::to_string(limit) + " keys",
                                "INVALID_FIELD");
  }
  std::vector<PlatformKey> keys;
  for (const PlatformKey& given : merchant.platform_keys) {
    MILEAGE_ASSIGN_OR_RETURN(PlatformKey key, ParsePlatformKey(given.serial, given.pem, now));
    for (const PlatformKey& earlier : keys) {
      if (SameSerial(earlier.serial, key.serial)) {
        return InvalidArgumentError("platform key serial " + key.serial + " is given twice",
                                    "INVALID_FIELD");
      }
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

// The app a merchant of `brand_id` may be registered with. APPID_NOT_REGISTERED says the same
// whether no brand or another brand has the appid, so nothing leaks about other brands.
Status CheckBrandApp(db::Connection& conn, int64_t brand_id, std::string_view appid) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedBrandApp> app,
                           BrandAppStore(conn).FindByAppid(appid));
  if (!app.has_value() || app->app.brand_id != brand_id) {
    return InvalidArgumentError("appid " + std::string(appid) + " is not an app of brand " +
                                    std::to_string(brand_id) + " (register it first)",
                                "APPID_NOT_REGISTERED");
  }
  if (!app->app.active) {
    return FailedPreconditionError("app " + std::string(appid) + " is deactivated", "APP_INACTIVE");
  }
  return Status::Ok();
}

std::string MerchantLabel(int64_t id) { return "merchant " + std::to_string(id); }

Status UnknownMchid(std::string_view mchid) {
  return NotFoundError("mchid " + std::string(mchid) + " not found", "MERCHANT_UNKNOWN");
}

// The API private key as SetApiKey accepts it.
Status CheckApiKeyPem(std::string_view pem) {
  constexpr size_t kMaxPem = 16384;
  if (pem.size() <= kMaxPem && crypto::RsaPrivateKey::FromPem(pem).ok()) return Status::Ok();
  return InvalidArgumentError(
      "the merchant API key must be an unencrypted RSA private key in PEM (PKCS#8 or PKCS#1) of "
      "at least " +
          std::to_string(crypto::kMinRsaBits) + " bits and at most 16 KiB",
      "INVALID_MERCHANT_KEY");
}

std::string Serials(const std::vector<PlatformKey>& keys) {
  std::string out;
  for (const PlatformKey& key : keys) out += (out.empty() ? "" : ", ") + key.serial;
  return out;
}

}  // namespace

std::string ApiV3KeyContext(std::string_view mchid) {
  return "merchants.apiv3_key:" + std::string(mchid);
}

std::string ApiKeyContext(std::string_view mchid) {
  return "merchant_api_keys.key:" + std::string(mchid);
}

Result<Merchant> MerchantService::Create(const Actor& actor, int64_t store_id,
                                         const NewMerchant& merchant) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<PlatformKey> keys,
                           ParseNewMerchant(merchant, UnixSeconds(clock_.Now())));
  MILEAGE_ASSIGN_OR_RETURN(std::string sealed,
                           cipher_.Seal(merchant.apiv3_key, ApiV3KeyContext(merchant.mchid)));
  Merchant created;
  AuditRecord base;
  base.action = "merchant.create";
  base.object_type = "merchant";
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> store,
                             NodeStore(conn).Find(NodeType::kStore, store_id, true));
    const std::string store_label = NodeLabel(NodeType::kStore, store_id);
    if (!store.has_value()) return NotFoundError(store_label + " not found");
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.Check(actor, Action::kMerchantWrite, store->path, store_label));
    if (!store->active) {
      return FailedPreconditionError(store_label + " is deactivated", "PARENT_INACTIVE");
    }
    MILEAGE_RETURN_IF_ERROR(CheckBrandApp(conn, store->path.brand_id, merchant.appid));
    MerchantStore merchants(conn);
    MILEAGE_ASSIGN_OR_RETURN(
        int64_t id,
        merchants.Insert(store->path, merchant.mchid, merchant.appid, sealed, record.created_at));
    created = Merchant{id,   store->path,       merchant.mchid,    merchant.appid, {},
                       true, record.created_at, record.created_at, std::nullopt};
    for (PlatformKey key : keys) {
      key.created_at = record.created_at;
      MILEAGE_RETURN_IF_ERROR(merchants.InsertPlatformKey(id, key));
      created.platform_keys.push_back(std::move(key));
    }
    record.brand_id = store->path.brand_id;
    record.object_id = id;
    record.detail = "mchid: " + merchant.mchid + "; appid: " + merchant.appid + "; " + store_label +
                    "; platform keys: " + Serials(keys);
    return Status::Ok();
  });
  if (!written.ok()) return written;
  changes_.Notify(created.mchid);
  return created;
}

Result<Merchant> MerchantService::Modify(const Actor& actor, int64_t merchant_id,
                                         const std::string& action,
                                         const Modification& modification) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(merchant_id, "id"));
  Merchant out;
  AuditRecord base;
  base.action = action;
  base.object_type = "merchant";
  base.object_id = merchant_id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MerchantStore merchants(conn);
    const std::string label = MerchantLabel(merchant_id);
    // Lock the row before the first read, so that what is read (MySQL's snapshot included)
    // already shows every earlier writer's keys; a refusal below rolls the touch back.
    Status touched = merchants.Touch(merchant_id, record.created_at);
    if (touched.code() == StatusCode::kNotFound) return NotFoundError(label + " not found");
    MILEAGE_RETURN_IF_ERROR(touched);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Merchant> found, merchants.Find(merchant_id));
    if (!found.has_value()) return NotFoundError(label + " not found");
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kMerchantWrite, found->store, label));
    record.brand_id = found->store.brand_id;
    record.detail = "mchid: " + found->mchid;
    MILEAGE_RETURN_IF_ERROR(modification(conn, *found, record));
    MILEAGE_ASSIGN_OR_RETURN(found, merchants.Find(merchant_id));
    if (!found.has_value()) return NotFoundError(label + " not found");
    out = std::move(*found);
    return Status::Ok();
  });
  if (!written.ok()) return written;
  changes_.Notify(out.mchid);
  return out;
}

Result<Merchant> MerchantService::AddPlatformKey(const Actor& actor, int64_t merchant_id,
                                                 std::string_view serial, std::string_view pem) {
  MILEAGE_ASSIGN_OR_RETURN(PlatformKey key,
                           ParsePlatformKey(serial, pem, UnixSeconds(clock_.Now())));
  return Modify(
      actor, merchant_id, "merchant.platform_key_add",
      [&](db::Connection& conn, Merchant& merchant, AuditRecord& record) -> Status {
        key.created_at = record.created_at;
        MerchantStore merchants(conn);
        const PlatformKey* existing = FindKey(merchant, key.serial);
        if (existing != nullptr && !existing->retired()) {
          return AlreadyExistsError("platform key " + existing->serial + " is already in use",
                                    "PLATFORM_KEY_EXISTS");
        }
        size_t in_use = 0;
        for (const PlatformKey& k : merchant.platform_keys) in_use += !k.retired();
        if (in_use >= kMaxPlatformKeys) {
          return FailedPreconditionError("a merchant has at most " +
                                             std::to_string(kMaxPlatformKeys) +
                                             " platform keys in use; retire one first",
                                         "TOO_MANY_PLATFORM_KEYS");
        }
        if (existing != nullptr) {
          key.serial = existing->serial;
          MILEAGE_RETURN_IF_ERROR(merchants.RestorePlatformKey(merchant.id, key));
        } else {
          MILEAGE_RETURN_IF_ERROR(merchants.InsertPlatformKey(merchant.id, key));
        }
        record.detail +=
            "; added platform key " + key.serial + (existing != nullptr ? " (was retired)" : "");
        return Status::Ok();
      });
}

Result<Merchant> MerchantService::RetirePlatformKey(const Actor& actor, int64_t merchant_id,
                                                    std::string_view serial) {
  MILEAGE_RETURN_IF_ERROR(ValidatePlatformKeySerial(serial));
  return Modify(
      actor, merchant_id, "merchant.platform_key_retire",
      [&](db::Connection& conn, Merchant& merchant, AuditRecord& record) -> Status {
        const PlatformKey* key = FindKey(merchant, serial);
        if (key == nullptr) {
          return NotFoundError("platform key " + std::string(serial) + " not found",
                               "PLATFORM_KEY_NOT_FOUND");
        }
        if (key->retired()) {
          record.detail += "; platform key " + key->serial + " was retired already";
          return Status::Ok();
        }
        bool another_usable = false;
        for (const PlatformKey& other : merchant.platform_keys) {
          if (&other != key && other.usable(record.created_at)) another_usable = true;
        }
        if (!another_usable) {
          return FailedPreconditionError("platform key " + key->serial +
                                             " is the merchant's last usable key; add its "
                                             "successor first",
                                         "LAST_PLATFORM_KEY");
        }
        MILEAGE_RETURN_IF_ERROR(MerchantStore(conn)
                                    .RetirePlatformKey(merchant.id, key->serial, record.created_at)
                                    .status());
        record.detail += "; retired platform key " + key->serial;
        return Status::Ok();
      });
}

Result<Merchant> MerchantService::SetApiKey(const Actor& actor, std::string_view mchid,
                                            std::string_view serial,
                                            std::string_view private_key_pem) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(mchid));
  MILEAGE_RETURN_IF_ERROR(ValidateMerchantKeySerial(serial));
  MILEAGE_RETURN_IF_ERROR(CheckApiKeyPem(private_key_pem));
  MILEAGE_ASSIGN_OR_RETURN(std::string sealed, cipher_.Seal(private_key_pem, ApiKeyContext(mchid)));
  std::optional<SealedMerchant> found;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(found, MerchantStore(*conn).FindByMchid(mchid));
  }
  if (!found.has_value()) return UnknownMchid(mchid);
  Result<Merchant> changed =
      Modify(actor, found->merchant.id, "merchant.api_key_set",
             [&](db::Connection& conn, Merchant& merchant, AuditRecord& record) -> Status {
               MILEAGE_RETURN_IF_ERROR(MerchantStore(conn).UpsertApiKey(merchant.id, serial, sealed,
                                                                        record.created_at));
               record.detail += "; API key serial " + std::string(serial);
               if (merchant.api_key_serial.has_value()) {
                 record.detail += " (replaces " + *merchant.api_key_serial + ")";
               }
               return Status::Ok();
             });
  // Another brand's merchant answers as an unknown one.
  if (!changed.ok() && changed.status().code() == StatusCode::kNotFound) return UnknownMchid(mchid);
  return changed;
}

Result<Merchant> MerchantService::SetActive(const Actor& actor, int64_t merchant_id, bool active) {
  return Modify(actor, merchant_id, active ? "merchant.reactivate" : "merchant.deactivate",
                [&](db::Connection& conn, Merchant& merchant, AuditRecord& record) -> Status {
                  MILEAGE_ASSIGN_OR_RETURN(
                      bool changed,
                      MerchantStore(conn).SetActive(merchant.id, active, record.created_at));
                  if (!changed) record.detail += "; unchanged";
                  return Status::Ok();
                });
}

Result<Merchant> MerchantService::Get(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Merchant> merchant, MerchantStore(*conn).Find(id));
  if (!merchant.has_value()) return NotFoundError(MerchantLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kMerchantRead, merchant->store, MerchantLabel(id)));
  return std::move(*merchant);
}

Result<Merchant> MerchantService::GetByMchid(const Actor& actor, std::string_view mchid) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(mchid));
  const std::string label = "mchid " + std::string(mchid);
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedMerchant> found,
                           MerchantStore(*conn).FindByMchid(mchid));
  if (!found.has_value()) return NotFoundError(label + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kMerchantRead, found->merchant.store, label));
  return std::move(found->merchant);
}

Result<PageOf<Merchant>> MerchantService::List(const Actor& actor, std::optional<int64_t> store_id,
                                               const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (store_id.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateId(*store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  std::optional<NodePath> store_path;
  std::string store_label;
  if (store_id.has_value()) {
    store_label = NodeLabel(NodeType::kStore, *store_id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> store,
                             NodeStore(*conn).Find(NodeType::kStore, *store_id));
    if (!store.has_value()) return NotFoundError(store_label + " not found");
    store_path = store->path;
  }
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, Action::kMerchantRead, store_path, store_label));
  if (actor.is_system() && !store_path.has_value()) {
    return InvalidArgumentError("a system list needs a store");
  }
  const NodePath scope = actor.is_system() ? *store_path : actor.staff->scope;
  return MerchantStore(*conn).List(scope, store_path, page);
}

Result<MerchantCredentials> MerchantService::Credentials(std::string_view mchid) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(mchid));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedMerchant> found,
                           MerchantStore(*conn).FindByMchid(mchid));
  if (!found.has_value()) return NotFoundError("mchid " + std::string(mchid) + " not found");
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> appids,
                           BrandAppStore(*conn).ActiveAppids(found->merchant.store.brand_id));
  MILEAGE_ASSIGN_OR_RETURN(std::string key,
                           cipher_.Open(found->apiv3_key_sealed, ApiV3KeyContext(mchid)));
  return MerchantCredentials{std::move(found->merchant), std::move(key), std::move(appids)};
}

Result<std::optional<MerchantApiKey>> MerchantService::OpenApiKey(std::string_view mchid) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(mchid));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MerchantStore merchants(*conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedMerchant> found, merchants.FindByMchid(mchid));
  if (!found.has_value()) return UnknownMchid(mchid);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedApiKey> sealed,
                           merchants.FindApiKey(found->merchant.id));
  if (!sealed.has_value()) return std::optional<MerchantApiKey>();
  MILEAGE_ASSIGN_OR_RETURN(std::string pem, cipher_.Open(sealed->key_sealed, ApiKeyContext(mchid)));
  Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::FromPem(pem);
  if (!key.ok()) {
    return FailedPreconditionError(
        "the stored API key of mchid " + std::string(mchid) + " is not a usable RSA private key",
        "MERCHANT_KEYS_UNUSABLE");
  }
  return std::optional<MerchantApiKey>(MerchantApiKey{std::move(sealed->serial), *key});
}

}  // namespace mileage::org
