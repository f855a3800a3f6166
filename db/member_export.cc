#include "db/member_export.h"

namespace mileage::db {

Result<ExportSection> QuerySection(Connection& conn, std::string_view name,
                                   std::initializer_list<std::string_view> columns,
                                   std::string_view sql, std::initializer_list<Value> params) {
  ExportSection out;
  out.name = std::string(name);
  for (std::string_view column : columns) out.columns.emplace_back(column);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Row> rows, conn.Query(sql, params));
  out.rows.reserve(rows.size());
  for (const Row& row : rows) {
    if (row.size() != out.columns.size()) {
      return InternalError("export section " + out.name + " selected " +
                           std::to_string(row.size()) + " values for " +
                           std::to_string(out.columns.size()) + " columns");
    }
    std::vector<Value> values;
    values.reserve(row.size());
    for (size_t i = 0; i < row.size(); ++i) values.push_back(row.value(i));
    out.rows.push_back(std::move(values));
  }
  return out;
}

}  // namespace mileage::db
