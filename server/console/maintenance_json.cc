#include "server/console/maintenance_json.h"

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

void WriteIntervalFields(JsonWriter& w, const care::ServiceInterval& interval) {
  WriteInt(w, "months", interval.months);
  WriteInt(w, "km", interval.km);
  WriteInt(w, "first_months", interval.first_months);
  WriteInt(w, "first_km", interval.first_km);
}

void WriteOptionalDue(JsonWriter& w, const std::optional<care::Due>& due) {
  w.Key("next_due_date");
  if (due.has_value()) {
    const std::string date = civil::FormatDate(due->date);
    w.String(date.data(), static_cast<rapidjson::SizeType>(date.size()));
  } else {
    w.Null();
  }
  w.Key("reason");
  if (due.has_value()) {
    const std::string_view reason = care::DueReasonName(due->reason);
    w.String(reason.data(), static_cast<rapidjson::SizeType>(reason.size()));
  } else {
    w.Null();
  }
}

}  // namespace

Result<care::ServiceInterval> ParseServiceInterval(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"model", "months", "km", "first_months", "first_km"}));
  care::ServiceInterval interval;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> model, OptionalString(body, "model"));
  interval.model = model.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(interval.months, RequiredInt(body, "months"));
  MILEAGE_ASSIGN_OR_RETURN(interval.km, RequiredInt(body, "km"));
  MILEAGE_ASSIGN_OR_RETURN(interval.first_months, RequiredInt(body, "first_months"));
  MILEAGE_ASSIGN_OR_RETURN(interval.first_km, RequiredInt(body, "first_km"));
  return interval;
}

Result<bool> ParseServiceFlag(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"service"}));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<bool> service, OptionalBool(body, "service"));
  if (!service.has_value()) {
    return InvalidArgumentError("field \"service\" is required", "MISSING_FIELD");
  }
  return *service;
}

void WriteServiceInterval(JsonWriter& w, const care::ServiceInterval& interval) {
  w.StartObject();
  WriteText(w, "model", interval.model);
  WriteIntervalFields(w, interval);
  WriteTime(w, "updated_at", interval.updated_at);
  w.EndObject();
}

void WriteServiceIntervals(JsonWriter& w, const std::vector<care::ServiceInterval>& intervals) {
  w.StartObject();
  WriteArray(w, "items", intervals,
             [&w](const care::ServiceInterval& interval) { WriteServiceInterval(w, interval); });
  w.Key("built_in");
  w.StartObject();
  WriteIntervalFields(w, care::BuiltInInterval());
  w.EndObject();
  w.EndObject();
}

void WriteMemberReminders(JsonWriter& w, const care::MemberReminders& reminders) {
  w.StartObject();
  WriteArray(w, "reminders", reminders.reminders, [&out = w](const care::ReminderNotice& notice) {
    const care::MaintenanceReminder& r = notice.reminder;
    out.StartObject();
    WriteInt(out, "id", r.id);
    WriteInt(out, "vehicle_id", r.vehicle_id);
    WriteText(out, "model", r.model);
    WriteText(out, "plate", r.plate_display);
    WriteText(out, "due_date", r.due_date);
    WriteBool(out, "overdue", notice.overdue);
    WriteText(out, "reason", r.reason);
    WriteTime(out, "created_at", r.created_at);
    out.EndObject();
  });
  WriteArray(w, "vehicles", reminders.vehicles, [&out = w](const care::VehicleDue& v) {
    out.StartObject();
    WriteInt(out, "vehicle_id", v.vehicle_id);
    WriteText(out, "model", v.model);
    WriteText(out, "plate", v.plate_display);
    WriteOptionalDue(out, v.due);
    out.EndObject();
  });
  w.EndObject();
}

}  // namespace mileage::server
