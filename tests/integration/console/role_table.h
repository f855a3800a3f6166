#pragma once

#include <map>
#include <set>
#include <string>

namespace mileage::testing {

// The role table of docs/API.md ("Role table": one row per action, one column per role, "yes"
// or "no"), read from the source tree (MILEAGE_SOURCE_DIR), as role name -> the names of the
// actions it has. Records a test failure and returns what it read when the file or the table
// is missing or malformed. The test oracle for who may do what: written by hand for readers,
// independent of org::Authorizer.
struct RoleTable {
  std::set<std::string> actions;                        // every row
  std::map<std::string, std::set<std::string>> allows;  // role -> actions marked "yes"
};
RoleTable ReadDocumentedRoleTable();

}  // namespace mileage::testing
