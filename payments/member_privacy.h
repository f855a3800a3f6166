#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"

namespace mileage::payments {

// The payments module's part of a member's rights (privacy/ assembles the modules' parts).
// Stateless functions on the caller's connection (and transaction).

// Sections "payments" (with the payer's openid as WeChat Pay named them) and "refunds" of the
// member's payments. Errors: the Connection's.
Result<std::vector<db::ExportSection>> ExportMemberPayments(db::Connection& conn,
                                                            int64_t member_id);

// On deletion: clears the payer openid of every payment of the member (set to ''); amounts,
// ids and times stay, so reconciliation with WeChat Pay's bills and refunds still work.
// Errors: the Connection's.
Status EraseMemberPayer(db::Connection& conn, int64_t member_id);

}  // namespace mileage::payments
