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

namespace {

template <typename T, typename Read>
Result<std::map<int64_t, T>> ById(Connection& conn, std::string select,
                                  std::span<const int64_t> ids, Read read) {
  std::map<int64_t, T> out;
  if (ids.empty()) return out;
  std::vector<Value> params;
  AppendInList(select, params, ids);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Row> rows, conn.Query(select, params));
  for (const Row& row : rows) out[row.Int(0)] = read(row);
  return out;
}

}  // namespace

Result<std::map<int64_t, int64_t>> IntsById(Connection& conn, std::string select,
                                            std::span<const int64_t> ids) {
  return ById<int64_t>(conn, std::move(select), ids, [](const Row& row) { return row.Int(1); });
}

Result<std::map<int64_t, std::string>> TextsById(Connection& conn, std::string select,
                                                 std::span<const int64_t> ids) {
  return ById<std::string>(conn, std::move(select), ids,
                           [](const Row& row) { return row.Text(1); });
}

}  // namespace mileage::db
