#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// The great-circle distance between two positions in metres (haversine on a sphere of the
// Earth's mean radius, 6,371,008.8 m), rounded to the metre. GCJ-02 offsets are locally
// uniform, so distances between GCJ-02 points are good to a few metres.
int64_t DistanceMeters(const GeoPoint& a, const GeoPoint& b);

// The stores a member may visit (GET /api/mp/stores): the active stores of a brand with their
// details, read in one query, ordered in C++. Owned by the org module; safe for concurrent use.
class StoreLocator {
 public:
  explicit StoreLocator(db::Db& db) : db_(db) {}

  // The active stores of `brand_id`. With `from`: each store with a position gets its
  // distance_m, nearest first (ties by id), the stores without a position after them; without
  // `from`: by name (byte order), then id. InvalidArgument INVALID_ID for a bad brand id,
  // INVALID_FIELD for a position out of range; storage errors.
  Result<std::vector<LocatedStore>> ActiveStores(int64_t brand_id,
                                                 const std::optional<GeoPoint>& from);

 private:
  db::Db& db_;
};

}  // namespace mileage::org
