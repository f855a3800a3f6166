#include "org/types.h"

namespace mileage::org {

std::string_view NodeTypeName(NodeType type) {
  switch (type) {
    case NodeType::kBrand:
      return "brand";
    case NodeType::kRegion:
      return "region";
    case NodeType::kDealer:
      return "dealer";
    case NodeType::kStore:
      return "store";
  }
  return "?";
}

std::optional<NodeType> ParseNodeType(std::string_view name) {
  for (NodeType type : {NodeType::kBrand, NodeType::kRegion, NodeType::kDealer, NodeType::kStore}) {
    if (NodeTypeName(type) == name) return type;
  }
  return std::nullopt;
}

int64_t NodePath::IdAt(NodeType level) const {
  switch (level) {
    case NodeType::kBrand:
      return brand_id;
    case NodeType::kRegion:
      return region_id;
    case NodeType::kDealer:
      return dealer_id;
    case NodeType::kStore:
      return store_id;
  }
  return 0;
}

NodePath NodePath::Child(int64_t child_id) const {
  NodePath child = *this;
  switch (type) {
    case NodeType::kBrand:
      child.type = NodeType::kRegion;
      child.region_id = child_id;
      break;
    case NodeType::kRegion:
      child.type = NodeType::kDealer;
      child.dealer_id = child_id;
      break;
    case NodeType::kDealer:
    case NodeType::kStore:
      child.type = NodeType::kStore;
      child.store_id = child_id;
      break;
  }
  return child;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kBrandAdmin:
      return "brand_admin";
    case Role::kRegionManager:
      return "region_manager";
    case Role::kDealerManager:
      return "dealer_manager";
    case Role::kStoreClerk:
      return "store_clerk";
    case Role::kAnalyst:
      return "analyst";
  }
  return "?";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kBrandAdmin, Role::kRegionManager, Role::kDealerManager,
                    Role::kStoreClerk, Role::kAnalyst}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

int RoleRank(Role role) {
  switch (role) {
    case Role::kBrandAdmin:
      return 5;
    case Role::kRegionManager:
      return 4;
    case Role::kDealerManager:
      return 3;
    case Role::kStoreClerk:
      return 2;
    case Role::kAnalyst:
      return 1;
  }
  return 0;
}

std::optional<NodeType> RequiredScopeType(Role role) {
  switch (role) {
    case Role::kBrandAdmin:
      return NodeType::kBrand;
    case Role::kRegionManager:
      return NodeType::kRegion;
    case Role::kDealerManager:
      return NodeType::kDealer;
    case Role::kStoreClerk:
      return NodeType::kStore;
    case Role::kAnalyst:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view PartnerCategoryName(PartnerCategory category) {
  switch (category) {
    case PartnerCategory::kFuel:
      return "fuel";
    case PartnerCategory::kParking:
      return "parking";
    case PartnerCategory::kCarwash:
      return "carwash";
    case PartnerCategory::kToll:
      return "toll";
    case PartnerCategory::kOther:
      return "other";
  }
  return "?";
}

std::optional<PartnerCategory> ParsePartnerCategory(std::string_view name) {
  for (PartnerCategory c :
       {PartnerCategory::kFuel, PartnerCategory::kParking, PartnerCategory::kCarwash,
        PartnerCategory::kToll, PartnerCategory::kOther}) {
    if (PartnerCategoryName(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view AppKindName(AppKind kind) {
  switch (kind) {
    case AppKind::kMiniprogram:
      return "miniprogram";
    case AppKind::kOfficialAccount:
      return "official_account";
    case AppKind::kApp:
      return "app";
  }
  return "?";
}

std::optional<AppKind> ParseAppKind(std::string_view name) {
  for (AppKind kind : {AppKind::kMiniprogram, AppKind::kOfficialAccount, AppKind::kApp}) {
    if (AppKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace mileage::org
