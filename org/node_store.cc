#include "org/node_store.h"

#include <string>
#include <vector>

#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "org/scope_sql.h"

namespace mileage::org {
namespace {

struct NodeTable {
  const char* table;
  PathColumns columns;
  // "brand_id, region_id, id": the path columns in level order, for SELECT.
  const char* path_select;
  // The path columns INSERT writes (the id is generated), and their placeholders.
  const char* insert_columns;
  const char* insert_placeholders;
};

const NodeTable& TableOf(NodeType type) {
  static const NodeTable kBrands{"brands", {"id", nullptr, nullptr, nullptr}, "id", "", ""};
  static const NodeTable kRegions{
      "regions", {"brand_id", "id", nullptr, nullptr}, "brand_id, id", "brand_id, ", "?, "};
  static const NodeTable kDealers{"dealers",
                                  {"brand_id", "region_id", "id", nullptr},
                                  "brand_id, region_id, id",
                                  "brand_id, region_id, ",
                                  "?, ?, "};
  static const NodeTable kStores{"stores",
                                 {"brand_id", "region_id", "dealer_id", "id"},
                                 "brand_id, region_id, dealer_id, id",
                                 "brand_id, region_id, dealer_id, ",
                                 "?, ?, ?, "};
  switch (type) {
    case NodeType::kBrand:
      return kBrands;
    case NodeType::kRegion:
      return kRegions;
    case NodeType::kDealer:
      return kDealers;
    case NodeType::kStore:
      return kStores;
  }
  return kBrands;
}

StoreDetails StoreDetailsFromRow(const db::Row& row, size_t first) {
  StoreDetails details{row.Text(first), row.Text(first + 1), row.Text(first + 2), std::nullopt,
                       row.Int(first + 5) != 0};
  const std::optional<int64_t> latitude = row.OptionalInt(first + 3);
  const std::optional<int64_t> longitude = row.OptionalInt(first + 4);
  if (latitude.has_value() && longitude.has_value()) {
    details.position = GeoPoint{*latitude, *longitude};
  }
  return details;
}

// The columns of a store's details (migration 0013), after the common ones.
constexpr char kStoreDetailColumns[] =
    ", address, phone, hours, latitude_e6, longitude_e6, service";
// The columns of a brand's settings (migration 0021), after the common ones.
constexpr char kBrandSettingColumns[] = ", point_value_fen_per_100";

std::string SelectFrom(NodeType type) {
  const NodeTable& t = TableOf(type);
  return std::string("SELECT ") + t.path_select + ", name, active, created_at, updated_at" +
         (type == NodeType::kStore ? kStoreDetailColumns : "") +
         (type == NodeType::kBrand ? kBrandSettingColumns : "") + " FROM " + t.table;
}

Node NodeFromRow(const db::Row& row, NodeType type) {
  Node node;
  node.path = PathFromRow(row, 0, type);
  const size_t next = static_cast<size_t>(type) + 1;
  node.name = row.Text(next);
  node.active = row.Int(next + 1) != 0;
  node.created_at = row.Int(next + 2);
  node.updated_at = row.Int(next + 3);
  if (type == NodeType::kStore) node.store = StoreDetailsFromRow(row, next + 4);
  if (type == NodeType::kBrand) node.brand.point_value_fen_per_100 = row.Int(next + 4);
  return node;
}

}  // namespace

Result<NodePath> NodeStore::Insert(NodeType type, const NodePath& parent, std::string_view name,
                                   int64_t now) {
  const NodeTable& t = TableOf(type);
  std::vector<db::Value> params;
  for (int level = 0; level < static_cast<int>(type); ++level) {
    params.emplace_back(parent.IdAt(static_cast<NodeType>(level)));
  }
  params.emplace_back(std::string(name));
  params.emplace_back(now);
  params.emplace_back(now);
  const std::string sql = std::string("INSERT INTO ") + t.table + " (" + t.insert_columns +
                          "name, active, created_at, updated_at) VALUES (" + t.insert_placeholders +
                          "?, 1, ?, ?)";
  MILEAGE_ASSIGN_OR_RETURN(int64_t inserted, conn_.Insert(sql, params));
  if (type == NodeType::kBrand) return NodePath::Brand(inserted);
  return parent.Child(inserted);
}

Result<std::optional<Node>> NodeStore::Find(NodeType type, int64_t id, bool lock) {
  std::string sql = SelectFrom(type) + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Node>();
  return std::optional<Node>(NodeFromRow(rows.front(), type));
}

Status NodeStore::UpdateName(const NodePath& path, std::string_view name, int64_t now) {
  const std::string sql = std::string("UPDATE ") + TableOf(path.type).table +
                          " SET name = ?, updated_at = ? WHERE id = ?";
  return conn_.Exec(sql, {db::Value(std::string(name)), db::Value(now), db::Value(path.id())})
      .status();
}

Status NodeStore::UpdateStore(int64_t store_id, std::string_view name, const StoreDetails& details,
                              int64_t now) {
  db::Value latitude(nullptr);
  db::Value longitude(nullptr);
  if (details.position.has_value()) {
    latitude = details.position->latitude_e6;
    longitude = details.position->longitude_e6;
  }
  return conn_
      .Exec(
          "UPDATE stores SET name = ?, address = ?, phone = ?, hours = ?, latitude_e6 = ?, "
          "longitude_e6 = ?, updated_at = ? WHERE id = ?",
          {db::Value(std::string(name)), db::Value(details.address), db::Value(details.phone),
           db::Value(details.hours), latitude, longitude, db::Value(now), db::Value(store_id)})
      .status();
}

Status NodeStore::UpdateBrand(int64_t brand_id, std::string_view name,
                              const BrandSettings& settings, int64_t now) {
  return conn_
      .Exec("UPDATE brands SET name = ?, point_value_fen_per_100 = ?, updated_at = ? WHERE id = ?",
            {db::Value(std::string(name)), db::Value(settings.point_value_fen_per_100),
             db::Value(now), db::Value(brand_id)})
      .status();
}

Result<std::vector<LocatedStore>> NodeStore::ActiveStores(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT id, name") + kStoreDetailColumns +
                      " FROM stores WHERE brand_id = ? AND active = 1 ORDER BY id",
                  {db::Value(brand_id)}));
  std::vector<LocatedStore> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back(LocatedStore{row.Int(0), row.Text(1), StoreDetailsFromRow(row, 2), {}});
  }
  return out;
}

Status NodeStore::SetInactive(const NodePath& path, int64_t now) {
  const std::string sql = std::string("UPDATE ") + TableOf(path.type).table +
                          " SET active = 0, updated_at = ? WHERE id = ?";
  return conn_.Exec(sql, {db::Value(now), db::Value(path.id())}).status();
}

Result<int64_t> NodeStore::CountActiveChildren(const NodePath& path) {
  if (path.type == NodeType::kStore) return int64_t{0};
  const NodeType child = static_cast<NodeType>(static_cast<int>(path.type) + 1);
  const NodeTable& t = TableOf(child);
  std::string sql = std::string("SELECT COUNT(*) FROM ") + t.table + " WHERE active = 1";
  std::vector<db::Value> params;
  AppendSubtreeFilter(t.columns, path, sql, params);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  return db::FirstInt(rows);
}

Result<PageOf<Node>> NodeStore::List(NodeType type, const NodePath& scope,
                                     const std::optional<NodePath>& parent,
                                     const PageRequest& page) {
  const NodeTable& t = TableOf(type);
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!AppendSubtreeFilter(t.columns, scope, where, params) ||
      (parent.has_value() && !AppendSubtreeFilter(t.columns, *parent, where, params))) {
    return PageOf<Node>{{}, 0, page};
  }
  const std::string select = SelectFrom(type);
  const std::string count = std::string("SELECT COUNT(*) FROM ") + t.table;
  return db::QueryPage<Node>(conn_, {select, count, where, "id"}, std::move(params), page,
                             [type](const db::Row& row) { return NodeFromRow(row, type); });
}

}  // namespace mileage::org
