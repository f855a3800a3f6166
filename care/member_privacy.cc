#include "care/member_privacy.h"

#include "care/activity_service.h"
#include "care/appointment_service.h"

namespace mileage::care {

Result<std::vector<db::ExportSection>> ExportMemberCare(db::Connection& conn, int64_t member_id) {
  std::vector<db::ExportSection> out;
  const auto add = [&](Result<db::ExportSection> section) -> Status {
    MILEAGE_RETURN_IF_ERROR(section.status());
    out.push_back(std::move(*section));
    return Status::Ok();
  };
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "appointments",
      {"id", "store_id", "starts_at", "vehicle_id", "service_type", "state", "created_at"},
      "SELECT id, store_id, starts_at, vehicle_id, service_type, state, created_at "
      "FROM care_appointments WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "activity_signups", {"id", "activity_id", "state", "position", "created_at"},
      "SELECT id, activity_id, state, position, created_at FROM care_activity_signups "
      "WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(
      db::QuerySection(conn, "subscriptions", {"template_ref", "appid", "remaining", "updated_at"},
                       "SELECT template_ref, appid, remaining, updated_at FROM subscribe_grants "
                       "WHERE member_id = ? ORDER BY template_ref, appid",
                       {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "subscribe_messages", {"id", "template_ref", "state", "reason", "created_at"},
      "SELECT id, template_ref, state, reason, created_at FROM subscribe_messages "
      "WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "maintenance_reminders", {"vehicle_id", "due_date", "reason", "created_at"},
      "SELECT vehicle_id, due_date, reason, created_at FROM maintenance_reminders "
      "WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "service_visits", {"vehicle_id", "store_id", "source", "visited_at", "mileage_km"},
      "SELECT vehicle_id, store_id, source, visited_at, mileage_km FROM service_visits "
      "WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  MILEAGE_RETURN_IF_ERROR(add(db::QuerySection(
      conn, "care_greetings", {"kind", "occasion_on", "outcome", "coupon_id", "created_at"},
      "SELECT kind, occasion_on, outcome, coupon_id, created_at FROM care_greetings "
      "WHERE member_id = ? ORDER BY id",
      {db::Value(member_id)})));
  return out;
}

Status EraseMemberCare(db::Connection& conn, int64_t member_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(CancelAppointmentsOfMember(conn, member_id, now).status());
  MILEAGE_RETURN_IF_ERROR(CancelSignupsOfMember(conn, member_id, now).status());
  return conn.Exec("DELETE FROM subscribe_grants WHERE member_id = ?", {db::Value(member_id)})
      .status();
}

}  // namespace mileage::care
