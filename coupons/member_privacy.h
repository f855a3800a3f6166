#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"

namespace mileage::coupons {

// The coupons module's part of a member's data export (privacy/ assembles the modules' parts):
// sections "coupons" (with their codes: the member's own), "coupon_redemptions" and
// "package_orders". Errors: the Connection's.
Result<std::vector<db::ExportSection>> ExportMemberCoupons(db::Connection& conn, int64_t member_id);

// On deletion: voids the member's issued coupons ("member deleted", a "coupon.voided" event
// each), so nobody can redeem a deleted owner's coupon. Coupons hold no personal data beyond the
// member id: all of them stay as accounting records of their stocks. Run after care's part,
// which releases the coupons appointments hold. Errors: the Connection's.
Status EraseMemberCoupons(db::Connection& conn, int64_t member_id, int64_t now);

}  // namespace mileage::coupons
