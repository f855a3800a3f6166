#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::org {

// A new partner and its API secret, which is shown this once.
struct CreatedPartner {
  Partner partner;
  std::string secret;
};

// A partner with its opened secret, for verifying the partner's signed requests.
struct PartnerCredentials {
  Partner partner;
  std::string secret;
};

// Partner merchants of a brand and their API keys. A key is an id ("pk_" + 16 hex digits) and
// a 256-bit secret (64 hex digits). The secret is stored sealed with the data key, not hashed,
// because verifying a partner's HMAC-SHA256 request signature needs the secret itself. Owned by
// the org module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input; NotFound when the partner (or
// brand) does not exist or is outside the caller's scope; PermissionDenied when the role may
// not act; storage errors.
class PartnerService {
 public:
  PartnerService(db::Db& db, const Authorizer& authorizer, AuditedWriter& writer,
                 const crypto::FieldCipher& cipher, RandomSource& random)
      : db_(db), authorizer_(authorizer), writer_(writer), cipher_(cipher), random_(random) {}

  // A partner of `brand_id` in `category` (INVALID_FIELD for an unknown one).
  Result<CreatedPartner> Create(const Actor& actor, int64_t brand_id, std::string_view name,
                                std::string_view category);
  Result<Partner> Get(const Actor& actor, int64_t id);
  Result<PageOf<Partner>> List(const Actor& actor, const PageRequest& page);
  // Idempotent; audited (partner.deactivate / partner.reactivate). A deactivated partner's key
  // is refused like an unknown one (Credentials).
  Result<Partner> Deactivate(const Actor& actor, int64_t id);
  Result<Partner> Reactivate(const Actor& actor, int64_t id);
  // The partner of an API key id with its secret opened. NotFound for an unknown key id or a
  // deactivated partner; FailedPrecondition when the sealed secret does not open with the
  // configured keys.
  Result<PartnerCredentials> Credentials(std::string_view api_key_id);

 private:
  Result<Partner> SetActive(const Actor& actor, int64_t id, bool active);

  db::Db& db_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::FieldCipher& cipher_;
  RandomSource& random_;
};

// The crypto::FieldCipher context of a partner's secret.
std::string PartnerSecretContext(std::string_view api_key_id);

}  // namespace mileage::org
