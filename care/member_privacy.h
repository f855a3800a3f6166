#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"

namespace mileage::care {

// The care module's part of a member's rights (privacy/ assembles the modules' parts).
// Stateless functions on the caller's connection (and transaction).

// Sections "appointments", "activity_signups", "subscriptions" (the one-time subscribe grants),
// "subscribe_messages", "maintenance_reminders", "service_visits" and "care_greetings".
// Errors: the Connection's.
Result<std::vector<db::ExportSection>> ExportMemberCare(db::Connection& conn, int64_t member_id);

// On deletion: cancels the member's booked and checked-in appointments (seats and coupon holds
// freed) and their sign-ups of activities not started (a waitlisted owner takes the seat), and
// deletes their subscribe grants (no message can be sent to them again). Appointments,
// sign-ups, visits, reminders and greetings hold no personal data beyond the member id and stay
// as the stores' records. Errors: the Connection's.
Status EraseMemberCare(db::Connection& conn, int64_t member_id, int64_t now);

}  // namespace mileage::care
