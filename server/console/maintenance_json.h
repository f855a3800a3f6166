#pragma once

#include <httplib.h>

#include <cstdint>

#include "care/maintenance_service.h"
#include "common/result.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of maintenance reminders (docs/API.md, "Maintenance reminders"): service
// intervals, service stores, and the member's reminders.

// PUT /api/console/service-intervals: {"model","months","km","first_months","first_km"}, model
// optional ('' = the brand default), the others required integers. InvalidArgument
// MALFORMED_JSON, BODY_NOT_OBJECT, UNKNOWN_FIELD, MISSING_FIELD, INVALID_FIELD.
Result<care::ServiceInterval> ParseServiceInterval(const httplib::Request& req);
// PUT /api/console/stores/{id}/service: {"service": true|false}, required. Errors as above.
Result<bool> ParseServiceFlag(const httplib::Request& req);

void WriteServiceInterval(JsonWriter& w, const care::ServiceInterval& interval);
// {"items":[intervals...],"built_in":{the built-in interval}}
void WriteServiceIntervals(JsonWriter& w, const std::vector<care::ServiceInterval>& intervals);
// {"reminders":[...],"vehicles":[...]} (GET /api/mp/reminders).
void WriteMemberReminders(JsonWriter& w, const care::MemberReminders& reminders);

}  // namespace mileage::server
