#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// A merchant with its sealed API v3 key, for the one caller that may open it.
struct SealedMerchant {
  Merchant merchant;
  std::string apiv3_key_sealed;
};

// A merchant's API private key as stored: its certificate serial and the sealed PEM.
struct SealedApiKey {
  std::string serial;
  std::string key_sealed;
};

// The SQL of the merchants, merchant_platform_keys and merchant_api_keys tables on one connection.
// Lives for one use of its connection; not safe for concurrent use. Errors: the db::Connection
// errors.
class MerchantStore {
 public:
  explicit MerchantStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the merchant row; returns its id. AlreadyExists MERCHANT_EXISTS when the mchid is
  // registered already.
  Result<int64_t> Insert(const NodePath& store, std::string_view mchid, std::string_view appid,
                         std::string_view apiv3_key_sealed, int64_t now);
  Status InsertPlatformKey(int64_t merchant_id, const PlatformKey& key);
  // Puts a retired key back in use with `key`'s PEM, expiry and creation time.
  Status RestorePlatformKey(int64_t merchant_id, const PlatformKey& key);
  // Retires a key in use; false when it was not in use.
  Result<bool> RetirePlatformKey(int64_t merchant_id, std::string_view serial, int64_t now);
  // Inserts or replaces the merchant's API key.
  Status UpsertApiKey(int64_t merchant_id, std::string_view serial, std::string_view key_sealed,
                      int64_t now);
  // nullopt when the merchant has no API key.
  Result<std::optional<SealedApiKey>> FindApiKey(int64_t merchant_id);
  // Sets updated_at, which also locks the merchant's row until the transaction ends (on SQLite
  // the write transaction holds the database already), so that writers of its keys take turns.
  // NotFound when no merchant has the id.
  Status Touch(int64_t id, int64_t now);
  // Sets `active` (and updated_at); false when it already was.
  Result<bool> SetActive(int64_t id, bool active, int64_t now);
  // With its platform keys; nullopt when no merchant has the id.
  Result<std::optional<Merchant>> Find(int64_t id);
  Result<std::optional<SealedMerchant>> FindByMchid(std::string_view mchid);
  // The active merchant of the store that collects for `appid` (the lowest id when several
  // do), without platform keys; nullopt when none.
  Result<std::optional<Merchant>> FindActiveAt(int64_t store_id, std::string_view appid);
  // A page of the merchants in the subtree of `scope` (and of `parent` when given), id order.
  Result<PageOf<Merchant>> List(const NodePath& scope, const std::optional<NodePath>& parent,
                                const PageRequest& page);

 private:
  // Fills platform_keys of each merchant with one query.
  Status LoadPlatformKeys(std::vector<Merchant>& merchants);

  db::Connection& conn_;
};

}  // namespace mileage::org
