#pragma once

#include <httplib.h>

#include <cstdint>

#include "care/types.h"
#include "common/day_range.h"
#include "common/result.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of appointments (docs/API.md, "Appointments"), shared by the console's and the
// member API's routes: what they write, and the request bodies and queries they parse. Pure.

// SCHEDULE, SLOT and APPOINTMENT as docs/API.md shows them.
void WriteSchedule(JsonWriter& w, const care::Schedule& schedule);
void WriteSlot(JsonWriter& w, const care::Slot& slot);
void WriteAppointment(JsonWriter& w, const care::Appointment& appointment);
// An appointment of the console's day list: WriteAppointment's fields and "member":{"number",
// "phone"}, "vehicle":{"plate","model"} (plate masked, null when the vehicle was deleted) and
// "coupon_title".
void WriteAppointmentListing(JsonWriter& w, const care::AppointmentListing& listing);
// {"items":[SLOT...]}.
void WriteSlots(JsonWriter& w, const std::vector<care::Slot>& slots);

// PUT .../schedule {"hours":[7 x "HH:MM-HH:MM"|""],"slot_minutes","capacity","service_types",
// "cutoff_minutes"?,"holidays"?:["YYYY-MM-DD"...]} for `store_id`. InvalidArgument
// MALFORMED_JSON, BODY_NOT_OBJECT, UNKNOWN_FIELD, MISSING_FIELD, INVALID_FIELD (a wrong type),
// INVALID_HOURS, INVALID_HOLIDAY; the ranges are the service's.
Result<care::Schedule> ParseSchedule(const httplib::Request& req, int64_t store_id);
// POST .../slots {"starts_at":RFC 3339,"duration_minutes","capacity","service_types"}.
Result<care::NewSlot> ParseNewSlot(const httplib::Request& req);
// POST .../slots/generate {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}, both required.
Result<civil::DayRange> ParseGenerate(const httplib::Request& req);
// ?from=&to= of a slot listing (civil::ResolveDayRange's rules apply later); `to` defaults to
// `from` when only `from` is given.
Result<civil::DayRange> QueryDayRange(const httplib::Request& req);
// POST /api/mp/appointments {"slot_id","vehicle_id","service_type","coupon_id"?}.
Result<care::BookRequest> ParseBook(const httplib::Request& req);
// {"slot_id"} of a reschedule.
Result<int64_t> ParseRescheduleSlot(const httplib::Request& req);
// {"member_code"} of a check-in.
Result<std::string> ParseMemberCode(const httplib::Request& req);

}  // namespace mileage::server
