#include "care/rules.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace mileage::care {
namespace {

// "HH:MM" as minutes after midnight, 00:00..24:00; -1 otherwise.
int64_t ParseClock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  const int64_t hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int64_t minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (minute > 59 || hour > 24 || (hour == 24 && minute != 0)) return -1;
  return hour * 60 + minute;
}

std::string FormatClock(int64_t minutes) {
  char text[8];
  std::snprintf(text, sizeof(text), "%02d:%02d", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return text;
}

Status InvalidSlotMinutes() {
  return InvalidArgumentError("slot length must be " + std::to_string(Schedule::kMinSlotMinutes) +
                                  ".." + std::to_string(Schedule::kMaxSlotMinutes) + " minutes",
                              "INVALID_SLOT_MINUTES");
}

Status InvalidCapacity() {
  return InvalidArgumentError("capacity must be 1.." + std::to_string(Schedule::kMaxCapacity),
                              "INVALID_CAPACITY");
}

}  // namespace

Result<DayHours> ParseDayHours(std::string_view text) {
  if (text.empty()) return DayHours{};
  const Status invalid = InvalidArgumentError(
      "hours must be \"HH:MM-HH:MM\" (open before close) or \"\" (closed)", "INVALID_HOURS");
  if (text.size() != 11 || text[5] != '-') return invalid;
  const int64_t open = ParseClock(text.substr(0, 5));
  const int64_t close = ParseClock(text.substr(6, 5));
  if (open < 0 || close < 0 || open >= close) return invalid;
  return DayHours{open, close};
}

std::string FormatDayHours(const DayHours& hours) {
  if (hours.closed()) return "";
  return FormatClock(hours.open_minute) + "-" + FormatClock(hours.close_minute);
}

Status ValidateServiceType(std::string_view service_type) {
  bool ok = !service_type.empty() && service_type.size() <= 32;
  for (char c : service_type) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    return InvalidArgumentError("a service type is 1..32 of a-z 0-9 _", "INVALID_SERVICE_TYPE");
  }
  return Status::Ok();
}

Status ValidateServiceTypes(const std::vector<std::string>& service_types) {
  if (service_types.empty() || service_types.size() > Schedule::kMaxServiceTypes) {
    return InvalidArgumentError(
        "give 1.." + std::to_string(Schedule::kMaxServiceTypes) + " service types",
        "INVALID_SERVICE_TYPE");
  }
  for (const std::string& type : service_types) MILEAGE_RETURN_IF_ERROR(ValidateServiceType(type));
  const std::set<std::string> distinct(service_types.begin(), service_types.end());
  if (distinct.size() != service_types.size()) {
    return InvalidArgumentError("service types repeat", "INVALID_SERVICE_TYPE");
  }
  return Status::Ok();
}

Status ValidateSchedule(const Schedule& schedule) {
  if (std::all_of(schedule.hours.begin(), schedule.hours.end(),
                  [](const DayHours& h) { return h.closed(); })) {
    return InvalidArgumentError("the store must open on at least one weekday", "INVALID_HOURS");
  }
  if (schedule.slot_minutes < Schedule::kMinSlotMinutes ||
      schedule.slot_minutes > Schedule::kMaxSlotMinutes) {
    return InvalidSlotMinutes();
  }
  if (schedule.capacity < 1 || schedule.capacity > Schedule::kMaxCapacity) {
    return InvalidCapacity();
  }
  MILEAGE_RETURN_IF_ERROR(ValidateServiceTypes(schedule.service_types));
  if (schedule.cutoff_minutes < 0 || schedule.cutoff_minutes > Schedule::kMaxCutoffMinutes) {
    return InvalidArgumentError(
        "cutoff_minutes must be 0.." + std::to_string(Schedule::kMaxCutoffMinutes),
        "INVALID_CUTOFF");
  }
  std::set<int64_t> days;
  for (const civil::Date& day : schedule.holidays) days.insert(civil::DaysFromCivil(day));
  if (schedule.holidays.size() > Schedule::kMaxHolidays ||
      days.size() != schedule.holidays.size()) {
    return InvalidArgumentError(
        "give at most " + std::to_string(Schedule::kMaxHolidays) + " distinct holidays",
        "INVALID_HOLIDAY");
  }
  return Status::Ok();
}

Status ValidateNewSlot(const NewSlot& slot) {
  if (slot.duration_minutes < Schedule::kMinSlotMinutes ||
      slot.duration_minutes > Schedule::kMaxSlotMinutes) {
    return InvalidSlotMinutes();
  }
  if (slot.capacity < 1 || slot.capacity > Schedule::kMaxCapacity) return InvalidCapacity();
  return ValidateServiceTypes(slot.service_types);
}

std::vector<int64_t> SlotStartsOn(const Schedule& schedule, const civil::Date& day) {
  std::vector<int64_t> starts;
  if (std::find(schedule.holidays.begin(), schedule.holidays.end(), day) !=
      schedule.holidays.end()) {
    return starts;
  }
  const DayHours& hours = schedule.hours[civil::IsoWeekday(day) - 1];
  if (hours.closed()) return starts;
  const int64_t midnight = civil::BeijingStartOfDay(day);
  for (int64_t minute = hours.open_minute; minute + schedule.slot_minutes <= hours.close_minute;
       minute += schedule.slot_minutes) {
    starts.push_back(midnight + minute * 60);
  }
  return starts;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (;;) {
    const size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace mileage::care
