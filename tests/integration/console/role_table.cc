#include "tests/integration/console/role_table.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace mileage::testing {
namespace {

constexpr std::string_view kHeading = "### Role table";

// The cells of a Markdown table row "| a | b |", trimmed, without backticks.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the first bar
  while (std::getline(in, cell, '|')) {
    std::string clean;
    for (char c : cell) {
      if (c != '`') clean += c;
    }
    const size_t first = clean.find_first_not_of(' ');
    const size_t last = clean.find_last_not_of(' ');
    cells.push_back(first == std::string::npos ? "" : clean.substr(first, last - first + 1));
  }
  return cells;
}

}  // namespace

RoleTable ReadDocumentedRoleTable() {
  RoleTable table;
  const char* root = std::getenv("MILEAGE_SOURCE_DIR");
  if (root == nullptr) {
    ADD_FAILURE() << "MILEAGE_SOURCE_DIR is not set (the worktree with docs/API.md)";
    return table;
  }
  std::ifstream in(std::string(root) + "/docs/API.md");
  if (!in) {
    ADD_FAILURE() << "cannot read " << root << "/docs/API.md";
    return table;
  }
  std::string line;
  while (std::getline(in, line) && line.rfind(kHeading, 0) != 0) {
  }
  std::vector<std::string> roles;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0) {
      if (!roles.empty()) break;  // the end of the table
      continue;
    }
    std::vector<std::string> cells = Cells(line);
    if (roles.empty()) {
      if (cells.empty() || cells[0] != "action") {
        ADD_FAILURE() << "the role table must start with | action | <role> |...: " << line;
        return table;
      }
      roles.assign(cells.begin() + 1, cells.end());
      continue;
    }
    if (!cells.empty() && cells[0].find_first_not_of("-") == std::string::npos) continue;
    if (cells.size() != roles.size() + 1) {
      ADD_FAILURE() << "a role table row needs " << roles.size() + 1 << " cells: " << line;
      continue;
    }
    if (!table.actions.insert(cells[0]).second) ADD_FAILURE() << "row twice: " << cells[0];
    for (size_t i = 0; i < roles.size(); ++i) {
      const std::string& mark = cells[i + 1];
      if (mark != "yes" && mark != "no") {
        ADD_FAILURE() << "role table cells are yes or no: " << line;
      } else if (mark == "yes") {
        table.allows[roles[i]].insert(cells[0]);
      } else {
        table.allows[roles[i]];  // the role exists even when it has nothing
      }
    }
  }
  if (table.actions.empty()) ADD_FAILURE() << "docs/API.md has no \"" << kHeading << "\"";
  return table;
}

}  // namespace mileage::testing
