#include "care/maintenance_store.h"

#include <utility>

#include "db/sql_dialect.h"

namespace mileage::care {
namespace {

// The vehicle columns VehicleFrom reads, with the visit count and the brand's interval version.
constexpr const char* kVehicleColumns =
    "v.id, v.brand_id, v.member_id, v.model, v.plate_display, v.purchase_date, v.mileage_km, "
    "v.updated_at, (SELECT COUNT(*) FROM service_visits s WHERE s.vehicle_id = v.id), "
    "COALESCE((SELECT b.version FROM service_interval_versions b WHERE b.brand_id = v.brand_id), "
    "0)";
constexpr size_t kVehicleColumnCount = 10;

VehicleFacts VehicleFrom(const db::Row& row) {
  VehicleFacts v;
  v.vehicle_id = row.Int(0);
  v.brand_id = row.Int(1);
  v.member_id = row.Int(2);
  v.model = row.Text(3);
  v.plate_display = row.Text(4);
  v.purchase_date = row.OptionalText(5);
  v.mileage_km = row.Int(6);
  v.updated_at = row.Int(7);
  v.visit_count = row.Int(8);
  v.interval_version = row.Int(9);
  return v;
}

ServiceInterval IntervalFrom(const db::Row& row) {
  ServiceInterval i;
  i.model = row.Text(0);
  i.months = row.Int(1);
  i.km = row.Int(2);
  i.first_months = row.Int(3);
  i.first_km = row.Int(4);
  i.updated_at = row.Int(5);
  return i;
}

constexpr const char* kIntervalColumns = "model, months, km, first_months, first_km, updated_at";

// A visit row of VisitsBetween's queries: brand, member, vehicle, store, source id, time, km.
ServiceVisit VisitFrom(const db::Row& row, const char* source) {
  ServiceVisit v;
  v.brand_id = row.Int(0);
  v.member_id = row.Int(1);
  v.vehicle_id = row.Int(2);
  v.store_id = row.Int(3);
  v.source = source;
  v.source_id = row.Int(4);
  v.visited_at = row.Int(5);
  v.mileage_km = row.Int(6);
  return v;
}

// An appointment is completed within a week of its start (a bound for the index on starts_at).
constexpr int64_t kCompletionLagS = 7 * 86400;

}  // namespace

Result<std::vector<ServiceInterval>> MaintenanceStore::Intervals(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kIntervalColumns +
                      " FROM service_intervals WHERE brand_id = ? ORDER BY model",
                  {db::Value(brand_id)}));
  std::vector<ServiceInterval> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(IntervalFrom(row));
  return out;
}

Result<std::optional<ServiceInterval>> MaintenanceStore::FindInterval(int64_t brand_id,
                                                                      const std::string& model) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kIntervalColumns +
                      " FROM service_intervals WHERE brand_id = ? AND model = ?",
                  {db::Value(brand_id), db::Value(model)}));
  if (rows.empty()) return std::optional<ServiceInterval>();
  return std::optional<ServiceInterval>(IntervalFrom(rows[0]));
}

Result<ServiceInterval> MaintenanceStore::IntervalFor(int64_t brand_id, const std::string& model) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<ServiceInterval> own, FindInterval(brand_id, model));
  if (own.has_value()) return std::move(*own);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<ServiceInterval> brand, FindInterval(brand_id, ""));
  if (brand.has_value()) return std::move(*brand);
  return BuiltInInterval();
}

Status MaintenanceStore::BumpVersion(int64_t brand_id) {
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                    " service_interval_versions (brand_id, version) VALUES (?, 0)",
                {db::Value(brand_id)})
          .status());
  return conn_
      .Exec("UPDATE service_interval_versions SET version = version + 1 WHERE brand_id = ?",
            {db::Value(brand_id)})
      .status();
}

Status MaintenanceStore::SaveInterval(int64_t brand_id, const ServiceInterval& i) {
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("INSERT INTO service_intervals (brand_id, model, months, km, first_months, "
                "first_km, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)" +
                    db::UpsertClause(conn_.dialect(), {"brand_id", "model"},
                                     {"months", "km", "first_months", "first_km", "updated_at"}),
                {db::Value(brand_id), db::Value(i.model), db::Value(i.months), db::Value(i.km),
                 db::Value(i.first_months), db::Value(i.first_km), db::Value(i.updated_at)})
          .status());
  return BumpVersion(brand_id);
}

Result<bool> MaintenanceStore::DeleteInterval(int64_t brand_id, const std::string& model) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult deleted,
      conn_.Exec("DELETE FROM service_intervals WHERE brand_id = ? AND model = ?",
                 {db::Value(brand_id), db::Value(model)}));
  if (deleted.affected_rows == 0) return false;
  MILEAGE_RETURN_IF_ERROR(BumpVersion(brand_id));
  return true;
}

Result<std::optional<bool>> MaintenanceStore::IsServiceStore(int64_t brand_id, int64_t store_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT service FROM stores WHERE id = ? AND brand_id = ?",
                                       {db::Value(store_id), db::Value(brand_id)}));
  if (rows.empty()) return std::optional<bool>();
  return std::optional<bool>(rows[0].Int(0) != 0);
}

Status MaintenanceStore::SetServiceStore(int64_t store_id, bool service, int64_t now) {
  return conn_
      .Exec("UPDATE stores SET service = ?, updated_at = ? WHERE id = ?",
            {db::Value(int64_t{service ? 1 : 0}), db::Value(now), db::Value(store_id)})
      .status();
}

Result<std::vector<ServiceVisit>> MaintenanceStore::VisitsBetween(int64_t from, int64_t to) {
  // A payment or redemption names no vehicle: it counts for the member's only vehicle.
  static constexpr const char* kOnlyVehicle =
      " JOIN vehicles v ON v.member_id = x.member_id AND v.brand_id = x.brand_id "
      "WHERE s.service = 1 AND (SELECT COUNT(*) FROM vehicles w WHERE w.member_id = "
      "x.member_id) = 1";
  std::vector<ServiceVisit> out;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> payments,
      conn_.Query(std::string("SELECT x.brand_id, x.member_id, v.id, x.store_id, x.id, x.paid_at, "
                              "v.mileage_km FROM stores s JOIN payment_transactions x ON "
                              "x.store_id = s.id AND x.paid_at >= ? AND x.paid_at < ?") +
                      kOnlyVehicle + " ORDER BY x.id",
                  {db::Value(from), db::Value(to)}));
  for (const db::Row& row : payments) out.push_back(VisitFrom(row, "payment"));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> redemptions,
      conn_.Query(std::string("SELECT x.brand_id, x.member_id, v.id, x.store_id, x.id, "
                              "x.created_at, v.mileage_km FROM stores s JOIN coupon_redemptions "
                              "x ON x.store_id = s.id AND x.created_at >= ? AND x.created_at < ? "
                              "AND x.reversed_at IS NULL") +
                      kOnlyVehicle + " ORDER BY x.id",
                  {db::Value(from), db::Value(to)}));
  for (const db::Row& row : redemptions) out.push_back(VisitFrom(row, "redemption"));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> appointments,
      conn_.Query("SELECT a.brand_id, a.member_id, a.vehicle_id, a.store_id, a.id, a.completed_at, "
                  "v.mileage_km FROM care_appointments a JOIN vehicles v ON v.id = a.vehicle_id "
                  "AND v.member_id = a.member_id WHERE a.state = 'completed' AND a.starts_at >= ? "
                  "AND a.completed_at >= ? AND a.completed_at < ? ORDER BY a.id",
                  {db::Value(from - kCompletionLagS), db::Value(from), db::Value(to)}));
  for (const db::Row& row : appointments) out.push_back(VisitFrom(row, "appointment"));
  return out;
}

Result<bool> MaintenanceStore::InsertVisit(const ServiceVisit& v, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult inserted,
      conn_.Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                     " service_visits (brand_id, member_id, vehicle_id, store_id, source, "
                     "source_id, visited_at, mileage_km, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {db::Value(v.brand_id), db::Value(v.member_id), db::Value(v.vehicle_id),
                  db::Value(v.store_id), db::Value(v.source), db::Value(v.source_id),
                  db::Value(v.visited_at), db::Value(v.mileage_km), db::Value(now)}));
  return inserted.affected_rows == 1;
}

Result<MaintenanceStore::StalePage> MaintenanceStore::StaleVehicles(int64_t after_id,
                                                                    int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kVehicleColumns +
                      ", d.vehicle_id, d.vehicle_updated_at, d.visit_count, d.interval_version, "
                      "d.member_id FROM vehicles v LEFT JOIN maintenance_due d ON d.vehicle_id = "
                      "v.id WHERE v.id > ? ORDER BY v.id LIMIT ?",
                  {db::Value(after_id), db::Value(limit)}));
  StalePage page;
  for (const db::Row& row : rows) {
    VehicleFacts facts = VehicleFrom(row);
    page.last_id = facts.vehicle_id;
    const size_t d = kVehicleColumnCount;
    const bool fresh = !row.IsNull(d) && row.Int(d + 1) == facts.updated_at &&
                       row.Int(d + 2) == facts.visit_count &&
                       row.Int(d + 3) == facts.interval_version &&
                       row.Int(d + 4) == facts.member_id;
    if (!fresh) page.stale.push_back(std::move(facts));
  }
  return page;
}

Result<std::vector<VehicleFacts>> MaintenanceStore::MemberVehicles(int64_t brand_id,
                                                                   int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kVehicleColumns +
                      " FROM vehicles v WHERE v.member_id = ? AND v.brand_id = ? ORDER BY v.id",
                  {db::Value(member_id), db::Value(brand_id)}));
  std::vector<VehicleFacts> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(VehicleFrom(row));
  return out;
}

Result<DueInputs> MaintenanceStore::InputsOf(const VehicleFacts& vehicle) {
  DueInputs in;
  if (vehicle.purchase_date.has_value())
    in.purchase_date = civil::ParseDate(*vehicle.purchase_date);
  in.mileage_km = vehicle.mileage_km;
  in.mileage_date = civil::BeijingDate(vehicle.updated_at);
  if (vehicle.visit_count == 0) return in;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT visited_at, mileage_km FROM service_visits WHERE vehicle_id = ? "
                  "ORDER BY visited_at DESC, id DESC LIMIT 1",
                  {db::Value(vehicle.vehicle_id)}));
  if (!rows.empty()) {
    in.last_service_date = civil::BeijingDate(rows[0].Int(0));
    in.last_service_km = rows[0].Int(1);
  }
  return in;
}

Status MaintenanceStore::SaveDue(const VehicleFacts& f, const std::optional<Due>& due,
                                 int64_t now) {
  const db::Dialect dialect = conn_.dialect();
  const db::Value date =
      due.has_value() ? db::Value(civil::FormatDate(due->date)) : db::Value(nullptr);
  const db::Value reason =
      db::Value(due.has_value() ? std::string(DueReasonName(due->reason)) : std::string());
  // One upsert, not an UPDATE then an INSERT: on MySQL an UPDATE that matches nothing holds a
  // gap lock that makes two racing runs' INSERTs deadlock. reminded comes first: MySQL
  // evaluates SET left to right, so its CASE reads the old due_date (SQLite reads the old row
  // throughout).
  std::string sql =
      "INSERT INTO maintenance_due (vehicle_id, brand_id, member_id, due_date, reason, reminded, "
      "vehicle_updated_at, visit_count, interval_version, computed_at) "
      "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)";
  sql += dialect == db::Dialect::kSqlite ? " ON CONFLICT (vehicle_id) DO UPDATE SET "
                                         : " ON DUPLICATE KEY UPDATE ";
  sql += "reminded = CASE WHEN due_date = " + db::InsertedValue(dialect, "due_date") +
         " THEN reminded ELSE 0 END";
  for (const char* column : {"due_date", "reason", "brand_id", "member_id", "vehicle_updated_at",
                             "visit_count", "interval_version", "computed_at"}) {
    sql += std::string(", ") + column + " = " + db::InsertedValue(dialect, column);
  }
  return conn_
      .Exec(sql, {db::Value(f.vehicle_id), db::Value(f.brand_id), db::Value(f.member_id), date,
                  reason, db::Value(f.updated_at), db::Value(f.visit_count),
                  db::Value(f.interval_version), db::Value(now)})
      .status();
}

Result<int64_t> MaintenanceStore::DeleteOrphanDue() {
  // A plain read first, then deletes by key: one DELETE over the whole table would lock rows
  // that racing runs are writing and deadlock with them on MySQL.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> orphans,
      conn_.Query("SELECT d.vehicle_id FROM maintenance_due d LEFT JOIN vehicles v ON v.id = "
                  "d.vehicle_id WHERE v.id IS NULL ORDER BY d.vehicle_id"));
  int64_t deleted = 0;
  for (const db::Row& row : orphans) {
    MILEAGE_ASSIGN_OR_RETURN(
        db::ExecResult done,
        conn_.Exec("DELETE FROM maintenance_due WHERE vehicle_id = ?", {db::Value(row.Int(0))}));
    deleted += done.affected_rows;
  }
  return deleted;
}

Result<std::vector<PendingDue>> MaintenanceStore::PendingBefore(const std::string& horizon,
                                                                int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT d.vehicle_id, d.brand_id, d.member_id, v.model, d.due_date, d.reason "
                  "FROM maintenance_due d JOIN vehicles v ON v.id = d.vehicle_id "
                  "WHERE d.reminded = 0 AND d.due_date <= ? ORDER BY d.vehicle_id "
                  "LIMIT ?",
                  {db::Value(horizon), db::Value(limit)}));
  std::vector<PendingDue> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back(
        PendingDue{row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.Text(4), row.Text(5)});
  }
  return out;
}

Result<std::optional<int64_t>> MaintenanceStore::InsertReminder(const PendingDue& due,
                                                                int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult inserted,
      conn_.Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                     " maintenance_reminders (brand_id, member_id, vehicle_id, due_date, reason, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                 {db::Value(due.brand_id), db::Value(due.member_id), db::Value(due.vehicle_id),
                  db::Value(due.due_date), db::Value(due.reason), db::Value(now)}));
  if (inserted.affected_rows != 1) return std::optional<int64_t>();
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id FROM maintenance_reminders WHERE vehicle_id = ? AND due_date = ?",
                  {db::Value(due.vehicle_id), db::Value(due.due_date)}));
  if (rows.empty()) return InternalError("maintenance_reminders lost the row just inserted");
  return std::optional<int64_t>(rows[0].Int(0));
}

Status MaintenanceStore::MarkReminded(int64_t vehicle_id, const std::string& due_date) {
  return conn_
      .Exec("UPDATE maintenance_due SET reminded = 1 WHERE vehicle_id = ? AND due_date = ?",
            {db::Value(vehicle_id), db::Value(due_date)})
      .status();
}

Result<std::vector<MaintenanceReminder>> MaintenanceStore::OpenReminders(int64_t brand_id,
                                                                         int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT r.id, r.vehicle_id, v.model, v.plate_display, r.due_date, r.reason, "
                  "r.created_at FROM maintenance_reminders r JOIN vehicles v ON v.id = "
                  "r.vehicle_id AND v.member_id = r.member_id WHERE r.member_id = ? AND "
                  "r.brand_id = ? AND r.dismissed_at IS NULL ORDER BY r.id DESC LIMIT 200",
                  {db::Value(member_id), db::Value(brand_id)}));
  std::vector<MaintenanceReminder> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back(MaintenanceReminder{row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4),
                                      row.Text(5), row.Int(6)});
  }
  return out;
}

Result<bool> MaintenanceStore::Dismiss(int64_t brand_id, int64_t member_id, int64_t id,
                                       int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE maintenance_reminders SET dismissed_at = COALESCE(dismissed_at, ?) "
                 "WHERE id = ? AND member_id = ? AND brand_id = ?",
                 {db::Value(now), db::Value(id), db::Value(member_id), db::Value(brand_id)}));
  return updated.affected_rows == 1;
}

}  // namespace mileage::care
