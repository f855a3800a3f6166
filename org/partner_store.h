#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// One of a partner's API secrets as the console shows it (never the secret itself).
struct PartnerSecretInfo {
  int64_t id = 0;
  int64_t created_at = 0;
  int64_t retired_at = 0;  // 0 while active

  bool active() const { return retired_at == 0; }
};

// A secret's row: what the console shows, its slot (1 or 2 while active, 0 once retired) and
// its sealed value ('' once retired).
struct SealedPartnerSecret {
  PartnerSecretInfo info;
  int slot = 0;
  std::string sealed;
};

// The SQL of the partners and partner_secrets tables on one connection. Lives for one use of
// its connection; not safe for concurrent use. Errors: the db::Connection errors.
class PartnerStore {
 public:
  explicit PartnerStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the partner; returns its id. AlreadyExists when the api_key_id is taken.
  Result<int64_t> Insert(const Partner& partner);
  Result<std::optional<Partner>> Find(int64_t id, bool lock = false);
  Status SetActive(int64_t id, bool active, int64_t now);
  Result<std::optional<Partner>> FindByApiKeyId(std::string_view api_key_id);
  // A page of the brand's partners visible from `scope` (partners belong to the brand node, so
  // only a brand-level scope sees them), id order.
  Result<PageOf<Partner>> List(const NodePath& scope, const PageRequest& page);

  // Adds an active secret in `slot` (1 or 2); returns its id. AlreadyExists when the partner
  // has an active secret in that slot.
  Result<int64_t> InsertSecret(int64_t partner_id, int slot, std::string_view sealed, int64_t now);
  // The partner's secrets, retired ones included, id order.
  Result<std::vector<SealedPartnerSecret>> Secrets(int64_t partner_id);
  // The partner's active secrets, id order.
  Result<std::vector<SealedPartnerSecret>> ActiveSecrets(int64_t partner_id);
  // Retires the secret if it is the partner's and active (its slot freed, its sealed value
  // erased); true when this call retired it.
  Result<bool> RetireSecret(int64_t partner_id, int64_t secret_id, int64_t now);

 private:
  Result<std::vector<SealedPartnerSecret>> QuerySecrets(int64_t partner_id, bool active_only);

  db::Connection& conn_;
};

}  // namespace mileage::org
