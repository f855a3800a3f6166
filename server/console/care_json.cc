#include "server/console/care_json.h"

#include <string>
#include <vector>

#include "care/rules.h"
#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status InvalidField(std::string_view field, std::string_view what) {
  return InvalidArgumentError("field \"" + std::string(field) + "\" must be " + std::string(what),
                              "INVALID_FIELD");
}

// The array of strings `field`: empty when absent and not `required`; MISSING_FIELD,
// INVALID_FIELD otherwise.
Result<std::vector<std::string>> Strings(const rapidjson::Value& body, const char* field,
                                         bool required) {
  auto it = body.FindMember(field);
  if (it == body.MemberEnd() || it->value.IsNull()) {
    if (required) {
      return InvalidArgumentError(std::string("field \"") + field + "\" is required",
                                  "MISSING_FIELD");
    }
    return std::vector<std::string>();
  }
  if (!it->value.IsArray()) return InvalidField(field, "an array of strings");
  std::vector<std::string> out;
  for (const rapidjson::Value& item : it->value.GetArray()) {
    if (!item.IsString()) return InvalidField(field, "an array of strings");
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

void WriteStrings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  WriteArray(w, key, items, [&w](const std::string& item) { WriteString(w, item); });
}

Result<std::optional<std::string>> QueryText(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<std::string>();
  return std::optional<std::string>(req.get_param_value(name));
}

// The fields of an appointment, shared by the member's and the staff's JSON.
void WriteAppointmentFields(JsonWriter& w, const care::Appointment& a) {
  WriteInt(w, "id", a.id);
  WriteInt(w, "store_id", a.store_id);
  WriteInt(w, "slot_id", a.slot_id);
  WriteTime(w, "starts_at", a.starts_at);
  WriteInt(w, "member_id", a.member_id);
  WriteInt(w, "vehicle_id", a.vehicle_id);
  WriteText(w, "service_type", a.service_type);
  WriteOptionalInt(w, "coupon_id", a.coupon_id);
  WriteText(w, "state", care::AppointmentStateName(a.state));
  WriteOptionalInt(w, "redemption_id", a.redemption_id);
  WriteOptionalTime(w, "reminded_at", a.reminded_at.value_or(0));
  WriteTime(w, "created_at", a.created_at);
  WriteTime(w, "updated_at", a.updated_at);
  WriteOptionalTime(w, "checked_in_at", a.checked_in_at.value_or(0));
  WriteOptionalTime(w, "completed_at", a.completed_at.value_or(0));
  WriteOptionalTime(w, "cancelled_at", a.cancelled_at.value_or(0));
}

}  // namespace

void WriteSchedule(JsonWriter& w, const care::Schedule& s) {
  w.StartObject();
  WriteInt(w, "store_id", s.store_id);
  WriteArray(w, "hours", s.hours,
             [&w](const care::DayHours& h) { WriteString(w, care::FormatDayHours(h)); });
  WriteInt(w, "slot_minutes", s.slot_minutes);
  WriteInt(w, "capacity", s.capacity);
  WriteStrings(w, "service_types", s.service_types);
  WriteInt(w, "cutoff_minutes", s.cutoff_minutes);
  WriteArray(w, "holidays", s.holidays,
             [&w](const civil::Date& day) { WriteString(w, civil::FormatDate(day)); });
  WriteTime(w, "updated_at", s.updated_at);
  w.EndObject();
}

void WriteSlot(JsonWriter& w, const care::Slot& s) {
  w.StartObject();
  WriteInt(w, "id", s.id);
  WriteInt(w, "store_id", s.store_id);
  WriteTime(w, "starts_at", s.starts_at);
  WriteTime(w, "ends_at", s.starts_at + s.duration_s);
  WriteInt(w, "capacity", s.capacity);
  WriteInt(w, "booked", s.booked);
  WriteInt(w, "remaining", s.remaining());
  WriteStrings(w, "service_types", s.service_types);
  w.EndObject();
}

void WriteSlots(JsonWriter& w, const std::vector<care::Slot>& slots) {
  w.StartObject();
  WriteArray(w, "items", slots, [&w](const care::Slot& s) { WriteSlot(w, s); });
  w.EndObject();
}

void WriteAppointment(JsonWriter& w, const care::Appointment& a) {
  w.StartObject();
  WriteAppointmentFields(w, a);
  w.EndObject();
}

void WriteAppointmentListing(JsonWriter& w, const care::AppointmentListing& l) {
  w.StartObject();
  WriteAppointmentFields(w, l.appointment);
  w.Key("member");
  w.StartObject();
  WriteText(w, "number", l.member_number);
  WriteOptionalText(w, "phone", l.member_phone_masked);
  w.EndObject();
  w.Key("vehicle");
  if (l.vehicle_plate_masked.empty()) {
    w.Null();
  } else {
    w.StartObject();
    WriteText(w, "plate", l.vehicle_plate_masked);
    WriteText(w, "model", l.vehicle_model);
    w.EndObject();
  }
  WriteOptionalText(w, "coupon_title", l.coupon_title);
  w.EndObject();
}

Result<care::Schedule> ParseSchedule(const httplib::Request& req, int64_t store_id) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"hours", "slot_minutes", "capacity", "service_types",
                                           "cutoff_minutes", "holidays"}));
  care::Schedule s;
  s.store_id = store_id;
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> hours, Strings(body, "hours", true));
  if (hours.size() != s.hours.size()) {
    return InvalidArgumentError("hours must list 7 days, Monday first", "INVALID_HOURS");
  }
  for (size_t i = 0; i < hours.size(); ++i) {
    MILEAGE_ASSIGN_OR_RETURN(s.hours[i], care::ParseDayHours(hours[i]));
  }
  MILEAGE_ASSIGN_OR_RETURN(s.slot_minutes, RequiredInt(body, "slot_minutes"));
  MILEAGE_ASSIGN_OR_RETURN(s.capacity, RequiredInt(body, "capacity"));
  MILEAGE_ASSIGN_OR_RETURN(s.service_types, Strings(body, "service_types", true));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> cutoff, OptionalInt(body, "cutoff_minutes"));
  s.cutoff_minutes = cutoff.value_or(care::Schedule::kDefaultCutoffMinutes);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> holidays, Strings(body, "holidays", false));
  if (holidays.size() > care::Schedule::kMaxHolidays) {
    return InvalidArgumentError("too many holidays", "INVALID_HOLIDAY");
  }
  for (const std::string& text : holidays) {
    std::optional<civil::Date> day = civil::ParseDate(text);
    if (!day.has_value()) {
      return InvalidArgumentError("holidays are days YYYY-MM-DD", "INVALID_HOLIDAY");
    }
    s.holidays.push_back(*day);
  }
  return s;
}

Result<care::NewSlot> ParseNewSlot(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"starts_at", "duration_minutes", "capacity", "service_types"}));
  care::NewSlot slot;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> starts_at, OptionalTime(body, "starts_at"));
  if (!starts_at.has_value()) {
    return InvalidArgumentError("field \"starts_at\" is required", "MISSING_FIELD");
  }
  slot.starts_at = *starts_at;
  MILEAGE_ASSIGN_OR_RETURN(slot.duration_minutes, RequiredInt(body, "duration_minutes"));
  MILEAGE_ASSIGN_OR_RETURN(slot.capacity, RequiredInt(body, "capacity"));
  MILEAGE_ASSIGN_OR_RETURN(slot.service_types, Strings(body, "service_types", true));
  return slot;
}

Result<civil::DayRange> ParseGenerate(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"from", "to"}));
  civil::DayRange range;
  MILEAGE_ASSIGN_OR_RETURN(range.from, RequiredString(body, "from"));
  MILEAGE_ASSIGN_OR_RETURN(range.to, RequiredString(body, "to"));
  return range;
}

Result<civil::DayRange> QueryDayRange(const httplib::Request& req) {
  civil::DayRange range;
  MILEAGE_ASSIGN_OR_RETURN(range.from, QueryText(req, "from"));
  MILEAGE_ASSIGN_OR_RETURN(range.to, QueryText(req, "to"));
  // One day when only `from` is given (today's default for `to` would put it before `from`).
  if (range.from.has_value() && !range.to.has_value()) range.to = range.from;
  return range;
}

Result<care::BookRequest> ParseBook(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"slot_id", "vehicle_id", "service_type", "coupon_id"}));
  care::BookRequest out;
  MILEAGE_ASSIGN_OR_RETURN(out.slot_id, RequiredId(body, "slot_id"));
  MILEAGE_ASSIGN_OR_RETURN(out.vehicle_id, RequiredId(body, "vehicle_id"));
  MILEAGE_ASSIGN_OR_RETURN(out.service_type, RequiredString(body, "service_type"));
  if (body.HasMember("coupon_id") && !body["coupon_id"].IsNull()) {
    MILEAGE_ASSIGN_OR_RETURN(out.coupon_id, RequiredId(body, "coupon_id"));
  }
  return out;
}

Result<int64_t> ParseRescheduleSlot(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"slot_id"}));
  return RequiredId(body, "slot_id");
}

Result<std::string> ParseMemberCode(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"member_code"}));
  return RequiredString(body, "member_code");
}

}  // namespace mileage::server
