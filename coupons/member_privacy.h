#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"

namespace mileage::coupons {

// The coupons module's part of a member's data export (privacy/ assembles the modules' parts):
// sections "coupons" (with their codes: the member's own), "coupon_redemptions" and
// "package_orders". Coupons hold no personal data beyond the member id, so a deletion erases
// nothing here; the coupons stay as accounting records of their stocks. Errors: the
// Connection's.
Result<std::vector<db::ExportSection>> ExportMemberCoupons(db::Connection& conn, int64_t member_id);

}  // namespace mileage::coupons
