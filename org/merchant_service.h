#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::org {

// What registering a merchant takes. The API v3 key is sealed before it is stored.
struct NewMerchant {
  std::string mchid;
  std::string appid;
  std::string apiv3_key;
  std::vector<PlatformKey> platform_keys;  // serial + PEM; created_at is ignored
};

// A merchant with its opened API v3 key, for the payment path only.
struct MerchantCredentials {
  Merchant merchant;
  std::string apiv3_key;
};

// WeChat Pay merchants of stores: register, read and list with the authorizer's checks and an
// audit record for each registration. The API v3 key is sealed with the data key
// (crypto::FieldCipher, bound to the mchid) and never returned except by Credentials. Owned by the
// org module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (INVALID_FIELD, INVALID_ID);
// NotFound "<object> not found" when it does not exist or the caller cannot see it;
// PermissionDenied when the role may not act; storage errors.
class MerchantService {
 public:
  MerchantService(db::Db& db, const Authorizer& authorizer, AuditedWriter& writer,
                  const crypto::FieldCipher& cipher)
      : db_(db), authorizer_(authorizer), writer_(writer), cipher_(cipher) {}

  // Registers a merchant at a store with one to 20 platform keys of distinct serials
  // (INVALID_FIELD otherwise). AlreadyExists MERCHANT_EXISTS when the mchid is registered
  // (anywhere: WeChat mchids are global); FailedPrecondition PARENT_INACTIVE when the store is
  // deactivated.
  Result<Merchant> Create(const Actor& actor, int64_t store_id, const NewMerchant& merchant);
  Result<Merchant> Get(const Actor& actor, int64_t id);
  // The merchants in the caller's scope, optionally of one store only.
  Result<PageOf<Merchant>> List(const Actor& actor, std::optional<int64_t> store_id,
                                const PageRequest& page);
  // The merchant of `mchid` with its API v3 key opened, for verifying and decrypting WeChat Pay
  // notifications (which WeChat's signature authenticates; there is no staff caller).
  // NotFound when no merchant has the mchid; FailedPrecondition when the sealed key does not
  // open with the configured data keys.
  Result<MerchantCredentials> Credentials(std::string_view mchid);

 private:
  db::Db& db_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::FieldCipher& cipher_;
};

// The crypto::FieldCipher context of a merchant's API v3 key.
std::string ApiV3KeyContext(std::string_view mchid);

}  // namespace mileage::org
