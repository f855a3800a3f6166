#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"

namespace mileage::growth {

// The growth module's part of a member's rights (privacy/ assembles the modules' parts).
// Stateless functions on the caller's connection (and transaction).

// Sections "referral_code", "referrals_made" (the member as referrer), "referred_by" (the member
// as referee) and "feedback_ratings" (with the member's comments). Errors: the Connection's.
Result<std::vector<db::ExportSection>> ExportMemberGrowth(db::Connection& conn, int64_t member_id);

// On deletion: deletes the member's referral code (a shared code no longer leads to them) and
// blanks the free text of their ratings (their comment and the staff's follow-up note, which may
// name them); the scores stay in NPS as anonymous figures, referrals as anonymous rows.
// Errors: the Connection's.
Status EraseMemberGrowth(db::Connection& conn, int64_t member_id);

}  // namespace mileage::growth
