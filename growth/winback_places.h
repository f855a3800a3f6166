#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::growth {

// A store and its dealer, as the drifting list and the report name them.
struct Place {
  org::NodePath path;  // the store's; brand_id 0 when the store is unknown
  std::string store_name;
  std::string dealer_name;
};

// The stores of last visits and their dealers, read through org::NodeStore once per store and
// kept for one request or one job run. Not safe for concurrent use. Errors: the db errors.
class Places {
 public:
  // The store `store_id` (an unknown store, or 0, gives an empty place).
  Result<Place> Of(db::Connection& conn, int64_t store_id);
  // The name of dealer `dealer_id` ("" when unknown).
  Result<std::string> DealerName(db::Connection& conn, int64_t dealer_id);

 private:
  std::map<int64_t, Place> stores_;
  std::map<int64_t, std::string> dealers_;
};

}  // namespace mileage::growth
