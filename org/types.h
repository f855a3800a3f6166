#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"

namespace mileage::org {

// The levels of the organisation, root first (DESIGN.md section 4).
enum class NodeType { kBrand = 0, kRegion = 1, kDealer = 2, kStore = 3 };

// "brand", "region", "dealer", "store".
std::string_view NodeTypeName(NodeType type);
std::optional<NodeType> ParseNodeType(std::string_view name);

// Where a hierarchy node sits: its level and the ids of itself and its ancestors (0 for the
// levels below it). Every org object carries the path of the node it belongs to, and every
// scope check compares paths. A value type.
struct NodePath {
  NodeType type = NodeType::kBrand;
  int64_t brand_id = 0;
  int64_t region_id = 0;
  int64_t dealer_id = 0;
  int64_t store_id = 0;

  // The id of the node itself.
  int64_t id() const { return IdAt(type); }
  // The id at `level`: the node's own or an ancestor's, 0 below the node.
  int64_t IdAt(NodeType level) const;
  // The path of a child at the next level with the given id.
  NodePath Child(int64_t child_id) const;

  static NodePath Brand(int64_t brand_id) { return {NodeType::kBrand, brand_id, 0, 0, 0}; }
  bool operator==(const NodePath&) const = default;
};

// Staff roles, from the widest powers down. Only brand_admin, region_manager, dealer_manager
// and store_clerk are tied to a scope of their level; an analyst may sit at any level.
enum class Role { kBrandAdmin, kRegionManager, kDealerManager, kStoreClerk, kAnalyst };

// "brand_admin", "region_manager", "dealer_manager", "store_clerk", "analyst".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// Higher ranks may manage lower ones: brand_admin 5 ... analyst 1.
int RoleRank(Role role);
// The scope level a role requires; nullopt for the analyst (any level).
std::optional<NodeType> RequiredScopeType(Role role);

enum class PartnerCategory { kFuel, kParking, kCarwash, kToll, kOther };

// "fuel", "parking", "carwash", "toll", "other".
std::string_view PartnerCategoryName(PartnerCategory category);
std::optional<PartnerCategory> ParsePartnerCategory(std::string_view name);

// A brand, region, dealer or store. Times are Unix seconds.
struct Node {
  NodePath path;
  std::string name;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A WeChat Pay platform certificate or WeChat Pay public key, by serial (or public key id),
// kept as the PEM text WeChat gave; the wechat/ library parses it when it verifies.
struct PlatformKey {
  std::string serial;
  std::string pem;
  int64_t created_at = 0;
};

// A WeChat Pay merchant account attached to a store. The API v3 key is never part of it: it
// stays encrypted in the database and only MerchantService::Credentials opens it.
struct Merchant {
  int64_t id = 0;
  NodePath store;
  std::string mchid;
  std::string appid;
  std::vector<PlatformKey> platform_keys;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A partner merchant of a brand (fuel station chain, car park...) with its API key id. The
// secret is shown once at creation and otherwise stays encrypted.
struct Partner {
  int64_t id = 0;
  int64_t brand_id = 0;
  std::string name;
  PartnerCategory category = PartnerCategory::kOther;
  std::string api_key_id;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A console account. `scope` is the node the account acts in.
struct Staff {
  int64_t id = 0;
  std::string username;
  Role role = Role::kAnalyst;
  NodePath scope;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

}  // namespace mileage::org
