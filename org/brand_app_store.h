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

// A brand app with its sealed secret ("" when it has none), for the one caller that may open it.
struct SealedBrandApp {
  BrandApp app;
  std::string secret_sealed;
};

// The SQL of the brand_apps table on one connection. Lives for one use of its connection; not
// safe for concurrent use. Errors: the db::Connection errors, plus those listed.
class BrandAppStore {
 public:
  explicit BrandAppStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the app (its id is ignored); returns the new id. AlreadyExists APP_EXISTS when the
  // appid is registered (by any brand).
  Result<int64_t> Insert(const BrandApp& app, std::string_view secret_sealed);
  Result<std::optional<BrandApp>> Find(int64_t id);
  Result<std::optional<SealedBrandApp>> FindByAppid(std::string_view appid);
  // A page of the brand's apps, id order.
  Result<PageOf<BrandApp>> List(int64_t brand_id, const PageRequest& page);
  // Replaces the sealed secret.
  Status SetSecret(int64_t id, std::string_view secret_sealed, int64_t now);
  // Sets `active`; false when it already was.
  Result<bool> SetActive(int64_t id, bool active, int64_t now);
  // The appids of the brand's active apps, sorted.
  Result<std::vector<std::string>> ActiveAppids(int64_t brand_id);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::org
