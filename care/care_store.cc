#include "care/care_store.h"

#include "care/rules.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::care {
namespace {

constexpr const char* kSlotColumns =
    "id, brand_id, store_id, starts_at, duration_s, capacity, booked, service_types, created_at";

constexpr const char* kAppointmentColumns =
    "id, brand_id, store_id, slot_id, starts_at, member_id, vehicle_id, service_type, coupon_id, "
    "state, redemption_id, reminded_at, created_at, updated_at, checked_in_at, completed_at, "
    "cancelled_at";

Slot SlotFromRow(const db::Row& row) {
  Slot s;
  s.id = row.Int(0);
  s.brand_id = row.Int(1);
  s.store_id = row.Int(2);
  s.starts_at = row.Int(3);
  s.duration_s = row.Int(4);
  s.capacity = row.Int(5);
  s.booked = row.Int(6);
  s.service_types = SplitList(row.Text(7));
  s.created_at = row.Int(8);
  return s;
}

Appointment AppointmentFromRow(const db::Row& row) {
  Appointment a;
  a.id = row.Int(0);
  a.brand_id = row.Int(1);
  a.store_id = row.Int(2);
  a.slot_id = row.Int(3);
  a.starts_at = row.Int(4);
  a.member_id = row.Int(5);
  a.vehicle_id = row.Int(6);
  a.service_type = row.Text(7);
  a.coupon_id = row.OptionalInt(8);
  a.state = ParseAppointmentState(row.Text(9)).value_or(AppointmentState::kCancelled);
  a.redemption_id = row.OptionalInt(10);
  a.reminded_at = row.OptionalInt(11);
  a.created_at = row.Int(12);
  a.updated_at = row.Int(13);
  a.checked_in_at = row.OptionalInt(14);
  a.completed_at = row.OptionalInt(15);
  a.cancelled_at = row.OptionalInt(16);
  return a;
}

db::Value Optional(const std::optional<int64_t>& v) {
  return v.has_value() ? db::Value(*v) : db::Value(nullptr);
}

std::vector<db::Value> SlotValues(const Slot& s) {
  return {db::Value(s.brand_id),   db::Value(s.store_id), db::Value(s.starts_at),
          db::Value(s.duration_s), db::Value(s.capacity), db::Value(JoinList(s.service_types)),
          db::Value(s.created_at)};
}

Result<bool> Affected(Result<db::ExecResult> result) {
  if (!result.ok()) return result.status();
  return result->affected_rows == 1;
}

}  // namespace

Result<std::optional<Schedule>> CareStore::FindSchedule(int64_t store_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT hours, slot_minutes, capacity, service_types, cutoff_minutes, "
                  "updated_at FROM care_schedules WHERE store_id = ?",
                  {db::Value(store_id)}));
  if (rows.empty()) return std::optional<Schedule>();
  Schedule s;
  s.store_id = store_id;
  const std::vector<std::string> days = SplitList(rows[0].Text(0));
  for (size_t i = 0; i < s.hours.size() && i < days.size(); ++i) {
    Result<DayHours> hours = ParseDayHours(days[i]);
    if (hours.ok()) s.hours[i] = *hours;
  }
  s.slot_minutes = rows[0].Int(1);
  s.capacity = rows[0].Int(2);
  s.service_types = SplitList(rows[0].Text(3));
  s.cutoff_minutes = rows[0].Int(4);
  s.updated_at = rows[0].Int(5);
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> holidays,
      conn_.Query("SELECT day FROM care_holidays WHERE store_id = ? ORDER BY day",
                  {db::Value(store_id)}));
  for (const db::Row& row : holidays) {
    std::optional<civil::Date> day = civil::ParseDate(row.Text(0));
    if (day.has_value()) s.holidays.push_back(*day);
  }
  return std::optional<Schedule>(std::move(s));
}

Status CareStore::SaveSchedule(int64_t brand_id, const Schedule& s) {
  std::vector<std::string> days;
  for (const DayHours& hours : s.hours) days.push_back(FormatDayHours(hours));
  MILEAGE_RETURN_IF_ERROR(
      conn_.Exec("DELETE FROM care_schedules WHERE store_id = ?", {db::Value(s.store_id)})
          .status());
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("INSERT INTO care_schedules (store_id, brand_id, hours, slot_minutes, capacity, "
                "service_types, cutoff_minutes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {db::Value(s.store_id), db::Value(brand_id), db::Value(JoinList(days)),
                 db::Value(s.slot_minutes), db::Value(s.capacity),
                 db::Value(JoinList(s.service_types)), db::Value(s.cutoff_minutes),
                 db::Value(s.updated_at)})
          .status());
  MILEAGE_RETURN_IF_ERROR(
      conn_.Exec("DELETE FROM care_holidays WHERE store_id = ?", {db::Value(s.store_id)}).status());
  for (const civil::Date& day : s.holidays) {
    MILEAGE_RETURN_IF_ERROR(conn_
                                .Exec("INSERT INTO care_holidays (store_id, day) VALUES (?, ?)",
                                      {db::Value(s.store_id), db::Value(civil::FormatDate(day))})
                                .status());
  }
  return Status::Ok();
}

Result<bool> CareStore::InsertSlotIfNew(const Slot& slot) {
  return Affected(
      conn_.Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                     " care_slots (brand_id, store_id, starts_at, duration_s, "
                     "capacity, service_types, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 SlotValues(slot)));
}

Result<int64_t> CareStore::InsertSlot(const Slot& slot) {
  Result<int64_t> id = conn_.Insert(
      "INSERT INTO care_slots (brand_id, store_id, starts_at, duration_s, capacity, "
      "service_types, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      SlotValues(slot));
  if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("the store has a slot at that time", "SLOT_EXISTS");
  }
  return id;
}

Result<std::optional<Slot>> CareStore::FindSlot(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kSlotColumns + " FROM care_slots WHERE id = ?",
                  {db::Value(id)}));
  if (rows.empty()) return std::optional<Slot>();
  return std::optional<Slot>(SlotFromRow(rows[0]));
}

Result<std::vector<Slot>> CareStore::SlotsBetween(int64_t store_id, int64_t from, int64_t to) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kSlotColumns +
                      " FROM care_slots WHERE store_id = ? AND starts_at >= ? AND starts_at < ? "
                      "ORDER BY starts_at",
                  {db::Value(store_id), db::Value(from), db::Value(to)}));
  std::vector<Slot> out;
  for (const db::Row& row : rows) out.push_back(SlotFromRow(row));
  return out;
}

Result<bool> CareStore::TakeSeat(int64_t slot_id) {
  return Affected(
      conn_.Exec("UPDATE care_slots SET booked = booked + 1 WHERE id = ? AND booked < capacity",
                 {db::Value(slot_id)}));
}

Result<bool> CareStore::FreeSeat(int64_t slot_id) {
  return Affected(
      conn_.Exec("UPDATE care_slots SET booked = booked - 1 WHERE id = ? AND booked > 0",
                 {db::Value(slot_id)}));
}

Result<int64_t> CareStore::InsertAppointment(const Appointment& a) {
  Result<int64_t> id = conn_.Insert(
      "INSERT INTO care_appointments (brand_id, store_id, slot_id, starts_at, member_id, "
      "vehicle_id, service_type, coupon_id, state, active_slot_id, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?)",
      {db::Value(a.brand_id), db::Value(a.store_id), db::Value(a.slot_id), db::Value(a.starts_at),
       db::Value(a.member_id), db::Value(a.vehicle_id), db::Value(a.service_type),
       Optional(a.coupon_id), db::Value(a.slot_id), db::Value(a.created_at),
       db::Value(a.updated_at)});
  if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("you have an appointment in this slot already", "ALREADY_BOOKED");
  }
  return id;
}

Result<std::optional<Appointment>> CareStore::FindAppointment(int64_t id, bool lock) {
  std::string sql =
      std::string("SELECT ") + kAppointmentColumns + " FROM care_appointments WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Appointment>();
  return std::optional<Appointment>(AppointmentFromRow(rows[0]));
}

Result<bool> CareStore::Move(int64_t id, int64_t from_slot, const Slot& to, int64_t now) {
  Result<bool> moved = Affected(conn_.Exec(
      "UPDATE care_appointments SET slot_id = ?, active_slot_id = ?, starts_at = ?, "
      "reminded_at = NULL, updated_at = ? WHERE id = ? AND state = 'booked' AND slot_id = ?",
      {db::Value(to.id), db::Value(to.id), db::Value(to.starts_at), db::Value(now), db::Value(id),
       db::Value(from_slot)}));
  if (!moved.ok() && moved.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("you have an appointment in that slot already", "ALREADY_BOOKED");
  }
  return moved;
}

Result<bool> CareStore::Cancel(int64_t id, int64_t now, bool checked_in_too) {
  const std::string states = checked_in_too ? "('booked', 'checked_in')" : "('booked')";
  return Affected(conn_.Exec(
      "UPDATE care_appointments SET state = 'cancelled', active_slot_id = NULL, cancelled_at = ?, "
      "updated_at = ? WHERE id = ? AND state IN " +
          states,
      {db::Value(now), db::Value(now), db::Value(id)}));
}

Result<bool> CareStore::CheckIn(int64_t id, int64_t now) {
  return Affected(conn_.Exec(
      "UPDATE care_appointments SET state = 'checked_in', checked_in_at = ?, updated_at = ? "
      "WHERE id = ? AND state = 'booked'",
      {db::Value(now), db::Value(now), db::Value(id)}));
}

Result<bool> CareStore::Complete(int64_t id, std::optional<int64_t> redemption_id, int64_t now) {
  return Affected(conn_.Exec(
      "UPDATE care_appointments SET state = 'completed', active_slot_id = NULL, "
      "redemption_id = ?, completed_at = ?, updated_at = ? WHERE id = ? AND state = 'checked_in'",
      {Optional(redemption_id), db::Value(now), db::Value(now), db::Value(id)}));
}

Result<PageOf<Appointment>> CareStore::OfMember(int64_t member_id, const PageRequest& page) {
  const std::string select =
      std::string("SELECT ") + kAppointmentColumns + " FROM care_appointments";
  return db::QueryPage<Appointment>(
      conn_, {select, "SELECT COUNT(*) FROM care_appointments", " WHERE member_id = ?", "id DESC"},
      {db::Value(member_id)}, page, AppointmentFromRow);
}

Result<std::vector<Appointment>> CareStore::LiveOfMember(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kAppointmentColumns +
                      " FROM care_appointments WHERE member_id = ? AND state IN ('booked', "
                      "'checked_in') ORDER BY id",
                  {db::Value(member_id)}));
  std::vector<Appointment> out;
  for (const db::Row& row : rows) out.push_back(AppointmentFromRow(row));
  return out;
}

Result<PageOf<Appointment>> CareStore::AtStore(int64_t store_id, int64_t from, int64_t to,
                                               const PageRequest& page) {
  const std::string select =
      std::string("SELECT ") + kAppointmentColumns + " FROM care_appointments";
  return db::QueryPage<Appointment>(
      conn_,
      {select, "SELECT COUNT(*) FROM care_appointments",
       " WHERE store_id = ? AND starts_at >= ? AND starts_at < ?", "starts_at, id"},
      {db::Value(store_id), db::Value(from), db::Value(to)}, page, AppointmentFromRow);
}

Result<std::vector<Appointment>> CareStore::DueForReminder(int64_t from, int64_t to,
                                                           int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kAppointmentColumns +
                      " FROM care_appointments WHERE state = 'booked' AND starts_at >= ? AND "
                      "starts_at < ? AND reminded_at IS NULL ORDER BY id LIMIT ?",
                  {db::Value(from), db::Value(to), db::Value(limit)}));
  std::vector<Appointment> out;
  for (const db::Row& row : rows) out.push_back(AppointmentFromRow(row));
  return out;
}

Result<bool> CareStore::MarkReminded(int64_t id, int64_t now) {
  return Affected(conn_.Exec(
      "UPDATE care_appointments SET reminded_at = ? WHERE id = ? AND state = 'booked' AND "
      "reminded_at IS NULL",
      {db::Value(now), db::Value(id)}));
}

}  // namespace mileage::care
