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

// A position in GCJ-02 (the coordinates WeChat's maps and wx.getLocation use), in integer
// microdegrees, so that the database and comparisons stay exact. A value type.
struct GeoPoint {
  int64_t latitude_e6 = 0;   // -90'000'000..90'000'000
  int64_t longitude_e6 = 0;  // -180'000'000..180'000'000
  bool operator==(const GeoPoint&) const = default;
};

// What the mini-program's store list shows of a store beyond its name: each text is "" when not
// given, the position absent when not given. A value type.
struct StoreDetails {
  std::string address;  // 0..255 characters
  std::string phone;    // 0..32: a mobile or landline number as staff typed it
  std::string hours;    // 0..128 characters of text: "08:30-18:00"
  std::optional<GeoPoint> position;
  // A service store (migration 0031; set by care's PUT /stores/{id}/service): payments and
  // redemptions there count as maintenance visits. Read here, never written by org.
  bool service = false;
  bool operator==(const StoreDetails&) const = default;
};

// A store as the member's store list shows it: `distance_m` (metres from the member's
// position) only when both a position was asked about and the store has one. A value type.
struct LocatedStore {
  int64_t id = 0;
  std::string name;
  StoreDetails details;
  std::optional<int64_t> distance_m;
};

// A brand's settings beyond its name. A value type.
struct BrandSettings {
  // What points are worth when burned (at a partner): fen per 100 points; 100 = 1 fen a point.
  int64_t point_value_fen_per_100 = 100;
  bool operator==(const BrandSettings&) const = default;
};

// A brand, region, dealer or store. Times are Unix seconds. `store` is empty but for stores,
// `brand` the defaults but for brands.
struct Node {
  NodePath path;
  std::string name;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  StoreDetails store;
  BrandSettings brand;
};

// A WeChat Pay platform certificate (by its hex serial) or WeChat Pay public key (by its
// "PUB_KEY_ID_..." id), kept as the PEM text WeChat gave. Parsed and checked when it is
// registered (org/validation.h); the wechat/ library parses it again when it verifies. Times
// are Unix seconds.
struct PlatformKey {
  std::string serial;
  std::string pem;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // a certificate's notAfter; 0 for a public key (or not known)
  int64_t retired_at = 0;  // 0 while in use; a retired key no longer verifies anything

  bool retired() const { return retired_at != 0; }
  // In use and not expired at `now`: a key that can verify a notification.
  bool usable(int64_t now) const { return !retired() && (expires_at == 0 || expires_at > now); }
};

// A WeChat Pay merchant account attached to a store. The API v3 key and the API private key
// are never part of it: they stay encrypted in the database and only
// MerchantService::Credentials and OpenApiKey open them. Its platform_keys include retired ones
// (serial order). An inactive merchant's notifications are refused.
struct Merchant {
  int64_t id = 0;
  NodePath store;
  std::string mchid;
  std::string appid;
  std::vector<PlatformKey> platform_keys;
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // The certificate serial of the merchant's API key (what Mileage signs WeChat Pay requests
  // with); nullopt until one is registered.
  std::optional<std::string> api_key_serial;
};

// What a brand app is in WeChat.
enum class AppKind { kMiniprogram, kOfficialAccount, kApp };

// "miniprogram", "official_account", "app".
std::string_view AppKindName(AppKind kind);
std::optional<AppKind> ParseAppKind(std::string_view name);

// A WeChat app (appid) a brand registered: its members are enrolled by (brand, appid, openid),
// and only the brand's active apps may appear in its merchants and their payments. Appids are
// unique per deployment (WeChat's are global). The app secret is never part of it: it stays
// sealed and only BrandAppService::Credentials opens it.
struct BrandApp {
  int64_t id = 0;
  int64_t brand_id = 0;
  std::string appid;
  AppKind kind = AppKind::kMiniprogram;
  std::string name;
  bool has_secret = false;
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
