#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// The SQL of the hierarchy tables (brands, regions, dealers, stores) on one connection, usually
// inside the caller's transaction. Business rules live in HierarchyService. Lives for one use
// of its connection; not safe for concurrent use. Errors: the db::Connection errors
// (Unavailable, Aborted, Internal).
class NodeStore {
 public:
  explicit NodeStore(db::Connection& conn) : conn_(conn) {}

  // Inserts a node of `type` under `parent` (ignored for a brand) and returns its path.
  Result<NodePath> Insert(NodeType type, const NodePath& parent, std::string_view name,
                          int64_t now);
  // The node, or nullopt when no node of that type has the id. `lock` locks the row until
  // commit (MySQL FOR UPDATE; SQLite transactions hold the write lock already).
  Result<std::optional<Node>> Find(NodeType type, int64_t id, bool lock = false);
  Status UpdateName(const NodePath& path, std::string_view name, int64_t now);
  // Sets a store's name and details (all of them).
  Status UpdateStore(int64_t store_id, std::string_view name, const StoreDetails& details,
                     int64_t now);
  // Sets a brand's name and settings (all of them).
  Status UpdateBrand(int64_t brand_id, std::string_view name, const BrandSettings& settings,
                     int64_t now);
  // The active stores of `brand_id` with their details, in id order (one query).
  Result<std::vector<LocatedStore>> ActiveStores(int64_t brand_id);
  Status SetInactive(const NodePath& path, int64_t now);
  // Active nodes one level below `path` (0 for a store).
  Result<int64_t> CountActiveChildren(const NodePath& path);
  // A page of the nodes of `type` inside the subtree of `scope` and, when given, of `parent`,
  // in id order.
  Result<PageOf<Node>> List(NodeType type, const NodePath& scope,
                            const std::optional<NodePath>& parent, const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::org
