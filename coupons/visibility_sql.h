#pragma once

#include <string>
#include <vector>

#include "db/db.h"
#include "org/types.h"

namespace mileage::coupons {

// The stock visibility rule of coupons/access.h in SQL, for the lists that must filter in the
// query (paging): appends " AND <the stock aliased s is one staff scoped at `viewer` see>" and
// its parameters. A query that uses it names coupon_stocks "s". Pure.
void AppendVisibleStocks(const org::NodePath& viewer, std::string& sql,
                         std::vector<db::Value>& params);

}  // namespace mileage::coupons
