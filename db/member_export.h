#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::db {

// One table of a member's data export (issue 16 part 5, privacy/): rows of named values as the
// module that owns the data reads them for the member. Each module builds its own sections
// from its own tables; the privacy module assembles them and the server renders them as JSON.
// A value type.
struct ExportSection {
  std::string name;                      // "vehicles", "payments", ...
  std::vector<std::string> columns;      // one name per value of a row
  std::vector<std::vector<Value>> rows;  // each as long as `columns`
};

// The rows of `sql` (which selects exactly `columns.size()` values) as the section `name`.
// Errors: the Connection's; Internal when a row has another number of values.
Result<ExportSection> QuerySection(Connection& conn, std::string_view name,
                                   std::initializer_list<std::string_view> columns,
                                   std::string_view sql, std::initializer_list<Value> params);

}  // namespace mileage::db
