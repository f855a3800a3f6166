#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "care/types.h"
#include "common/result.h"

namespace mileage::care {

// The field rules of schedules, slots and bookings, and the text forms stored for them. Pure.

// "HH:MM-HH:MM" (open before close, within one day) or "" (closed). InvalidArgument
// INVALID_HOURS otherwise.
Result<DayHours> ParseDayHours(std::string_view text);
// The text ParseDayHours reads.
std::string FormatDayHours(const DayHours& hours);

// A service type: 1..32 of a-z 0-9 _. InvalidArgument INVALID_SERVICE_TYPE otherwise.
Status ValidateServiceType(std::string_view service_type);
// 1..Schedule::kMaxServiceTypes distinct valid service types. InvalidArgument
// INVALID_SERVICE_TYPE otherwise.
Status ValidateServiceTypes(const std::vector<std::string>& service_types);

// The schedule's fields: hours (ParseDayHours' rule, at least one day open), slot_minutes
// kMinSlotMinutes..kMaxSlotMinutes, capacity 1..kMaxCapacity, the service types, cutoff
// 0..kMaxCutoffMinutes, at most kMaxHolidays distinct holidays. InvalidArgument INVALID_HOURS,
// INVALID_SLOT_MINUTES, INVALID_CAPACITY, INVALID_SERVICE_TYPE, INVALID_CUTOFF,
// INVALID_HOLIDAY.
Status ValidateSchedule(const Schedule& schedule);
// An explicit slot's fields (the schedule's ranges for length, seats and services).
// InvalidArgument INVALID_SLOT_MINUTES, INVALID_CAPACITY, INVALID_SERVICE_TYPE.
Status ValidateNewSlot(const NewSlot& slot);

// The starts (Unix seconds) of the slots `schedule` makes on the Beijing `day`: from opening,
// one every slot_minutes while the slot ends by closing; none on a holiday or a closed day.
std::vector<int64_t> SlotStartsOn(const Schedule& schedule, const civil::Date& day);

// Lists as stored (service types, hours): joined by "," and split back ("" is no item).
std::string JoinList(const std::vector<std::string>& items);
std::vector<std::string> SplitList(std::string_view text);

}  // namespace mileage::care
