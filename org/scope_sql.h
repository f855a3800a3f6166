#pragma once

#include <string>
#include <vector>

#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// The columns of a table that hold a row's path ids, one per level; nullptr where the table has
// no such column (a region row has no dealer). Column names are compile-time constants.
struct PathColumns {
  const char* brand = nullptr;
  const char* region = nullptr;
  const char* dealer = nullptr;
  const char* store = nullptr;

  const char* At(NodeType level) const;
};

// Appends " AND <column> = ?" (and its parameter) restricting rows to the subtree of `node`:
// the list filter of DESIGN.md section 7, done in SQL. Returns false when the table has no
// column at the node's level, i.e. no row of it can be in that subtree.
bool AppendSubtreeFilter(const PathColumns& columns, const NodePath& node, std::string& sql,
                         std::vector<db::Value>& params);

// The path stored in a row: ids at `first` onwards, in level order up to `type`; a NULL or
// missing level reads as 0.
NodePath PathFromRow(const db::Row& row, size_t first, NodeType type);

}  // namespace mileage::org
