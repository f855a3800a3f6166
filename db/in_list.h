#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::db {

// Appends "(?, ?, ...)" with one placeholder per id to `sql` and the ids to `params`: the list
// of an "IN" that reads many rows by id in one round trip. `ids` must not be empty (an empty
// "IN ()" is a syntax error on both dialects; callers skip the query instead).
void AppendInList(std::string& sql, std::vector<Value>& params, std::span<const int64_t> ids);

// Runs `select`, a two-column read ending in "IN", with the list of `ids` appended, and maps
// each row's first column (an id) to its second: one statement, and none for no ids.
Result<std::map<int64_t, int64_t>> IntsById(Connection& conn, std::string select,
                                            std::span<const int64_t> ids);
Result<std::map<int64_t, std::string>> TextsById(Connection& conn, std::string select,
                                                 std::span<const int64_t> ids);

}  // namespace mileage::db
