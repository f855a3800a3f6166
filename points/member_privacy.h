#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"

namespace mileage::points {

// The points module's part of a member's data export (privacy/ assembles the modules' parts):
// sections "point_balance" (the member's balance and debt accounts), "point_journals" (every
// journal of the member, oldest first) and "point_lots". The ledger holds no personal data, so
// a deletion erases nothing here: the member's accounts and journals stay as anonymous
// accounting records and the ledger still sums to zero. Errors: the Connection's.
Result<std::vector<db::ExportSection>> ExportMemberPoints(db::Connection& conn, int64_t member_id);

}  // namespace mileage::points
