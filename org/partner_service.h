#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/partner_store.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::org {

// A partner with its secrets as the console shows them (ids and times, never a secret).
struct PartnerDetail {
  Partner partner;
  std::vector<PartnerSecretInfo> secrets;
};

// A new partner and its API secret, which is shown this once.
struct CreatedPartner {
  Partner partner;
  int64_t secret_id = 0;
  std::string secret;
};

// A partner's new secret (shown this once) and the partner with all its secrets after it.
struct RotatedPartnerSecret {
  PartnerDetail detail;
  int64_t secret_id = 0;
  std::string secret;
};

// One active secret, opened.
struct OpenedPartnerSecret {
  int64_t id = 0;
  std::string secret;
};

// A partner with its active secrets opened (one or two), for verifying its signed requests.
struct PartnerCredentials {
  Partner partner;
  std::vector<OpenedPartnerSecret> secrets;
};

// Partner merchants of a brand and their API keys. A key is an id ("pk_" + 16 hex digits) and
// one or two active 256-bit secrets (64 hex digits each; two while the partner switches from one
// to the next). Secrets are stored sealed with the data key, not hashed, because verifying a
// partner's HMAC-SHA256 request signature needs the secret itself. Credentials() keeps what it
// loads for kCredentialsTtl, so that a signed request neither reads the database nor opens the
// secrets; every change made through this object (deactivation, reactivation, rotation,
// retirement) drops that cache once committed, so it applies at once in this process, while a
// change made by another process applies here within kCredentialsTtl, or sooner when the
// composition root relays changes between nodes (SetChangeHook, ForgetCredentials).
// Owned by the org module; safe for concurrent use (one short mutex around the cache).
//
// Errors common to the methods: InvalidArgument for bad input; NotFound when the partner (or
// brand) does not exist or is outside the caller's scope; PermissionDenied when the role may
// not act; storage errors.
class PartnerService {
 public:
  // How long Credentials() keeps a partner's opened secrets and active flag.
  static constexpr std::chrono::seconds kCredentialsTtl{30};

  PartnerService(db::Db& db, const Clock& clock, const Authorizer& authorizer,
                 AuditedWriter& writer, const crypto::FieldCipher& cipher, RandomSource& random)
      : db_(db),
        clock_(clock),
        authorizer_(authorizer),
        writer_(writer),
        cipher_(cipher),
        random_(random) {}
  PartnerService(const PartnerService&) = delete;
  PartnerService& operator=(const PartnerService&) = delete;

  // A partner of `brand_id` in `category` (INVALID_FIELD for an unknown one).
  Result<CreatedPartner> Create(const Actor& actor, int64_t brand_id, std::string_view name,
                                std::string_view category);
  Result<PartnerDetail> Get(const Actor& actor, int64_t id);
  Result<PageOf<Partner>> List(const Actor& actor, const PageRequest& page);
  // Idempotent; audited (partner.deactivate / partner.reactivate). A deactivated partner's key
  // is refused like an unknown one (Credentials).
  Result<Partner> Deactivate(const Actor& actor, int64_t id);
  Result<Partner> Reactivate(const Actor& actor, int64_t id);
  // Adds a second active secret, shown this once; audited (partner.secret_rotate). Errors also:
  // FailedPrecondition TOO_MANY_PARTNER_SECRETS when two are active already (retire one first).
  Result<RotatedPartnerSecret> RotateSecret(const Actor& actor, int64_t id);
  // Retires one of the partner's secrets: it verifies nothing from then on and its sealed value
  // is erased. Idempotent for a retired secret; audited (partner.secret_retire). Errors also:
  // NotFound PARTNER_SECRET_NOT_FOUND when the partner has no such secret; FailedPrecondition
  // LAST_PARTNER_SECRET when it is the partner's only active one.
  Result<PartnerDetail> RetireSecret(const Actor& actor, int64_t id, int64_t secret_id);
  // The partner of an API key id, active or not (the caller decides what an inactive partner's
  // request gets), with its active secrets opened; from the cache when loaded less than
  // kCredentialsTtl ago. NotFound for an unknown key id; FailedPrecondition when a sealed secret
  // does not open with the configured keys (neither is cached).
  Result<PartnerCredentials> Credentials(std::string_view api_key_id);

  // `hook` runs after each change made through this object has committed (and this process's
  // cache was dropped): the composition root tells the other nodes with it. Set once, before
  // the service is used.
  void SetChangeHook(std::function<void()> hook) { change_hook_ = std::move(hook); }
  // Drops every cached entry, and keeps a load under way from caching what it read before the
  // drop: for a change made elsewhere (another node). Does not run the change hook.
  void ForgetCredentials();

 private:
  struct CachedCredentials {
    PartnerCredentials credentials;
    TimePoint loaded_at;
  };
  Result<PartnerCredentials> LoadCredentials(std::string_view api_key_id);
  // ForgetCredentials, then the change hook. Called once a change has committed (or failed:
  // dropping is always safe).
  void CredentialsChanged();

  Result<Partner> SetActive(const Actor& actor, int64_t id, bool active);
  // A new secret and its sealed form, or the error of sealing it.
  struct NewSecret {
    std::string secret;
    std::string sealed;
  };
  Result<NewSecret> MakeSecret(std::string_view api_key_id);

  db::Db& db_;
  const Clock& clock_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::FieldCipher& cipher_;
  RandomSource& random_;
  std::mutex mu_;
  std::unordered_map<std::string, CachedCredentials> cache_;  // by API key id
  uint64_t generation_ = 0;  // bumped by every change, so a load that raced one is not kept
  std::function<void()> change_hook_;
};

// The crypto::FieldCipher context of a partner's secret.
std::string PartnerSecretContext(std::string_view api_key_id);

}  // namespace mileage::org
