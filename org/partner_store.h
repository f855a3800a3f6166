#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// A partner with its sealed API secret, for the one caller that may open it.
struct SealedPartner {
  Partner partner;
  std::string secret_sealed;
};

// The SQL of the partners table on one connection. Lives for one use of its connection; not
// safe for concurrent use. Errors: the db::Connection errors.
class PartnerStore {
 public:
  explicit PartnerStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the partner; returns its id. AlreadyExists when the api_key_id is taken.
  Result<int64_t> Insert(const Partner& partner, std::string_view secret_sealed);
  Result<std::optional<Partner>> Find(int64_t id, bool lock = false);
  Status SetActive(int64_t id, bool active, int64_t now);
  Result<std::optional<SealedPartner>> FindByApiKeyId(std::string_view api_key_id);
  // A page of the brand's partners visible from `scope` (partners belong to the brand node, so
  // only a brand-level scope sees them), id order.
  Result<PageOf<Partner>> List(const NodePath& scope, const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::org
