#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "db/db.h"

namespace mileage::db {

// Appends "(?, ?, ...)" with one placeholder per id to `sql` and the ids to `params`: the list
// of an "IN" that reads many rows by id in one round trip. `ids` must not be empty (an empty
// "IN ()" is a syntax error on both dialects; callers skip the query instead).
void AppendInList(std::string& sql, std::vector<Value>& params, std::span<const int64_t> ids);

}  // namespace mileage::db
