#include "growth/winback_places.h"

#include <optional>

#include "org/node_store.h"

namespace mileage::growth {

Result<Place> Places::Of(db::Connection& conn, int64_t store_id) {
  if (auto it = stores_.find(store_id); it != stores_.end()) return it->second;
  Place place;
  place.path.brand_id = 0;
  if (store_id > 0) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                             org::NodeStore(conn).Find(org::NodeType::kStore, store_id));
    if (store.has_value()) {
      place.path = store->path;
      place.store_name = store->name;
      MILEAGE_ASSIGN_OR_RETURN(place.dealer_name, DealerName(conn, store->path.dealer_id));
    }
  }
  stores_.emplace(store_id, place);
  return place;
}

Result<std::string> Places::DealerName(db::Connection& conn, int64_t dealer_id) {
  if (auto it = dealers_.find(dealer_id); it != dealers_.end()) return it->second;
  std::string name;
  if (dealer_id > 0) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> dealer,
                             org::NodeStore(conn).Find(org::NodeType::kDealer, dealer_id));
    if (dealer.has_value()) name = dealer->name;
  }
  dealers_.emplace(dealer_id, name);
  return name;
}

}  // namespace mileage::growth
