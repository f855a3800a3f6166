#include "org/store_locator.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

constexpr double kEarthRadiusMeters = 6'371'008.8;

double Radians(int64_t microdegrees) {
  return static_cast<double>(microdegrees) / 1e6 * std::numbers::pi / 180.0;
}

// Stores with a distance first, nearest first; then the others. Ties by id.
bool NearerFirst(const LocatedStore& a, const LocatedStore& b) {
  if (a.distance_m.has_value() != b.distance_m.has_value()) return a.distance_m.has_value();
  if (a.distance_m.has_value() && *a.distance_m != *b.distance_m) {
    return *a.distance_m < *b.distance_m;
  }
  return a.id < b.id;
}

bool ByName(const LocatedStore& a, const LocatedStore& b) {
  if (a.name != b.name) return a.name < b.name;
  return a.id < b.id;
}

}  // namespace

int64_t DistanceMeters(const GeoPoint& a, const GeoPoint& b) {
  const double lat1 = Radians(a.latitude_e6);
  const double lat2 = Radians(b.latitude_e6);
  const double half_dlat = (lat2 - lat1) / 2;
  const double half_dlng = (Radians(b.longitude_e6) - Radians(a.longitude_e6)) / 2;
  const double h = std::sin(half_dlat) * std::sin(half_dlat) +
                   std::cos(lat1) * std::cos(lat2) * std::sin(half_dlng) * std::sin(half_dlng);
  // min() guards asin against rounding just above 1 for antipodal points.
  return std::llround(2 * kEarthRadiusMeters * std::asin(std::min(1.0, std::sqrt(h))));
}

Result<std::vector<LocatedStore>> StoreLocator::ActiveStores(int64_t brand_id,
                                                             const std::optional<GeoPoint>& from) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(brand_id, "brand_id"));
  if (from.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateGeoPoint(*from));
  std::vector<LocatedStore> stores;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(stores, NodeStore(*conn).ActiveStores(brand_id));
  }
  if (!from.has_value()) {
    std::sort(stores.begin(), stores.end(), ByName);
    return stores;
  }
  for (LocatedStore& store : stores) {
    if (store.details.position.has_value()) {
      store.distance_m = DistanceMeters(*from, *store.details.position);
    }
  }
  std::sort(stores.begin(), stores.end(), NearerFirst);
  return stores;
}

}  // namespace mileage::org
