#include "db/in_list.h"

namespace mileage::db {

void AppendInList(std::string& sql, std::vector<Value>& params, std::span<const int64_t> ids) {
  sql += '(';
  for (size_t i = 0; i < ids.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(ids[i]);
  }
  sql += ')';
}

}  // namespace mileage::db
