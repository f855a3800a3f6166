#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::db {

// The statements of one paged list: `select` ("SELECT <columns> FROM <tables>") and `count`
// ("SELECT COUNT(*) FROM <tables>") share the filter `where` (" WHERE ..." with `?`
// parameters); rows are ordered by `order` ("id", "a.id DESC").
struct PagedSql {
  std::string_view select;
  std::string_view count;
  std::string_view where;
  std::string_view order;
};

// " ORDER BY <order> LIMIT ? OFFSET ?" with the page's parameters.
void AppendPage(const PageRequest& page, std::string_view order, std::string& sql,
                std::vector<Value>& params);

// The first column of the first row as an integer (COUNT(*) results); 0 when there is none.
int64_t FirstInt(const std::vector<Row>& rows);

// One page of a list in two statements (the count, then the page); each row becomes an item
// through `from_row(const Row&)`. Errors: the Connection's.
template <typename T, typename FromRow>
Result<PageOf<T>> QueryPage(Connection& conn, const PagedSql& sql, std::vector<Value> params,
                            const PageRequest& page, FromRow&& from_row) {
  PageOf<T> out;
  out.request = page;
  const std::string where(sql.where);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Row> counted,
                           conn.Query(std::string(sql.count) + where, params));
  out.total = FirstInt(counted);
  std::string select = std::string(sql.select) + where;
  AppendPage(page, sql.order, select, params);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Row> rows, conn.Query(select, params));
  out.items.reserve(rows.size());
  for (const Row& row : rows) out.items.push_back(from_row(row));
  return out;
}

}  // namespace mileage::db
