#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/session_truth.h"
#include "org/types.h"

namespace mileage::org {

// A parent node named by level and id, as a list filter ("the stores of dealer 7").
struct NodeRef {
  NodeType type = NodeType::kBrand;
  int64_t id = 0;
};

// A change to a store (PATCH /api/console/stores/{id}): each member that holds a value replaces
// the store's; `position` holding nullopt removes the store's position.
struct StoreChange {
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<std::string> phone;
  std::optional<std::string> hours;
  std::optional<std::optional<GeoPoint>> position;
};

// A change to the caller's brand (PATCH /api/console/brand): each member that holds a value
// replaces the brand's.
struct BrandChange {
  std::optional<std::string> name;
  std::optional<int64_t> point_value_fen_per_100;
};

// Brands, regions, dealers and stores: create, read, rename, deactivate and list, with the
// authorizer's checks and an audit record for every write. Hierarchy rows never move; a node
// is created under an active parent and deactivated only when it has no active children
// (deactivation does not cascade). Deactivating a node ends the sessions of the staff scoped
// in it (their credentials versions rise in the same transaction; SessionTruth). Owned by the
// org module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (INVALID_FIELD for a name,
// INVALID_ID for an id), checked before anything else; NotFound "<type> <id> not found" when
// the node does not exist or the caller cannot see it; PermissionDenied when the caller's role
// may not act on it; Unavailable / Aborted / Internal from storage.
class HierarchyService {
 public:
  // The range of a brand's point_value_fen_per_100: 1 fen per 100 points to 100 fen a point.
  static constexpr int64_t kMinPointValue = 1;
  static constexpr int64_t kMaxPointValue = 10000;

  HierarchyService(db::Db& db, const Clock& clock, const Authorizer& authorizer,
                   AuditedWriter& writer, SessionTruth& truth)
      : db_(db), clock_(clock), authorizer_(authorizer), writer_(writer), truth_(truth) {}

  // A new brand, the tenant root. Only the operator CLI creates brands: PermissionDenied for
  // staff.
  Result<Node> CreateBrand(const Actor& actor, std::string_view name);
  // A region under a brand, a dealer under a region or a store under a dealer (`type` is the
  // new node's level, `parent_id` the id one level up). FailedPrecondition PARENT_INACTIVE
  // when the parent is deactivated; InvalidArgument when `type` is kBrand.
  Result<Node> Create(const Actor& actor, NodeType type, int64_t parent_id, std::string_view name);
  Result<Node> Get(const Actor& actor, NodeType type, int64_t id);
  Result<Node> Rename(const Actor& actor, NodeType type, int64_t id, std::string_view name);
  // Applies `change` to the store, audited as store.update like a rename. InvalidArgument
  // MISSING_FIELD when the change is empty, INVALID_FIELD naming a bad field
  // (ValidateName, ValidateStoreDetails), before anything is read.
  Result<Node> UpdateStore(const Actor& actor, int64_t id, const StoreChange& change);
  // Applies `change` to brand `id`, audited as brand.update with the old and new values.
  // InvalidArgument MISSING_FIELD when the change is empty, INVALID_FIELD for a bad name or a
  // point value outside kMinPointValue..kMaxPointValue, before anything is read.
  Result<Node> UpdateBrand(const Actor& actor, int64_t id, const BrandChange& change);
  // Idempotent. FailedPrecondition HAS_ACTIVE_CHILDREN while active nodes remain below it;
  // InvalidArgument for a brand (brands are not deactivated from the console). The node's
  // staff lose their sessions (a failure to write their Kv marks is logged: the database ends
  // the sessions within SessionTruth's cache bound).
  Result<Node> Deactivate(const Actor& actor, NodeType type, int64_t id);
  // The nodes of `type` in the caller's scope, optionally only those under `parent`, filtered in
  // SQL. NotFound when the parent does not exist or is not visible; InvalidArgument for a
  // system actor without a parent.
  Result<PageOf<Node>> List(const Actor& actor, NodeType type, const std::optional<NodeRef>& parent,
                            const PageRequest& page);

 private:
  db::Db& db_;
  const Clock& clock_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  SessionTruth& truth_;
};

// "store 42": how a node is named in messages.
std::string NodeLabel(NodeType type, int64_t id);

}  // namespace mileage::org
