#include "org/scope_sql.h"

namespace mileage::org {

const char* PathColumns::At(NodeType level) const {
  switch (level) {
    case NodeType::kBrand:
      return brand;
    case NodeType::kRegion:
      return region;
    case NodeType::kDealer:
      return dealer;
    case NodeType::kStore:
      return store;
  }
  return nullptr;
}

bool AppendSubtreeFilter(const PathColumns& columns, const NodePath& node, std::string& sql,
                         std::vector<db::Value>& params) {
  const char* column = columns.At(node.type);
  if (column == nullptr) return false;
  sql += " AND ";
  sql += column;
  sql += " = ?";
  params.emplace_back(node.id());
  return true;
}

NodePath PathFromRow(const db::Row& row, size_t first, NodeType type) {
  NodePath path;
  path.type = type;
  int64_t* ids[] = {&path.brand_id, &path.region_id, &path.dealer_id, &path.store_id};
  for (int level = 0; level <= static_cast<int>(type); ++level) {
    *ids[level] = row.OptionalInt(first + static_cast<size_t>(level)).value_or(0);
  }
  return path;
}

}  // namespace mileage::org
