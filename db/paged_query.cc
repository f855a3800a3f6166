#include "db/paged_query.h"

namespace mileage::db {

void AppendPage(const PageRequest& page, std::string_view order, std::string& sql,
                std::vector<Value>& params) {
  sql += " ORDER BY ";
  sql += order;
  sql += " LIMIT ? OFFSET ?";
  params.emplace_back(page.page_size);
  params.emplace_back((page.page - 1) * page.page_size);
}

int64_t FirstInt(const std::vector<Row>& rows) { return rows.empty() ? 0 : rows.front().Int(0); }

}  // namespace mileage::db
