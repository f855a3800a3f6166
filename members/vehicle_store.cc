#include "members/vehicle_store.h"

#include "db/in_list.h"
#include "db/sql_dialect.h"

namespace mileage::members {
namespace {

constexpr const char* kColumns =
    "id, member_id, brand_id, plate_hash, plate_sealed, plate_display, vin_hash, vin_sealed, "
    "vin_display, model, purchase_date, mileage_km, created_at, updated_at";

StoredVehicle FromRow(const db::Row& row) {
  StoredVehicle out;
  Vehicle& v = out.vehicle;
  v.id = row.Int(0);
  v.member_id = row.Int(1);
  v.brand_id = row.Int(2);
  out.plate_hash = row.Text(3);
  out.plate_sealed = row.Text(4);
  v.plate_masked = row.Text(5);
  out.vin_hash = row.OptionalText(6);
  out.vin_sealed = row.OptionalText(7);
  v.vin_masked = row.OptionalText(8);
  v.model = row.Text(9);
  if (std::optional<std::string> day = row.OptionalText(10); day.has_value()) {
    v.purchase_date = civil::ParseDate(*day);
  }
  v.mileage_km = row.Int(11);
  v.created_at = row.Int(12);
  v.updated_at = row.Int(13);
  return out;
}

db::Value OptionalTextValue(const std::optional<std::string>& text) {
  return text.has_value() ? db::Value(*text) : db::Value(nullptr);
}

db::Value DateValue(const std::optional<civil::Date>& date) {
  return date.has_value() ? db::Value(civil::FormatDate(*date)) : db::Value(nullptr);
}

Status Duplicate(const Status& status) {
  if (status.code() != StatusCode::kAlreadyExists) return status;
  return AlreadyExistsError("a vehicle of the brand has this plate", "VEHICLE_EXISTS");
}

}  // namespace

Result<std::vector<StoredVehicle>> VehicleStore::OfMember(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kColumns +
                                           " FROM vehicles WHERE member_id = ? ORDER BY id",
                                       {db::Value(member_id)}));
  std::vector<StoredVehicle> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(FromRow(row));
  return out;
}

Result<std::vector<StoredVehicle>> VehicleStore::FindMany(const std::vector<int64_t>& vehicle_ids) {
  std::vector<StoredVehicle> out;
  if (vehicle_ids.empty()) return out;
  std::string sql = std::string("SELECT ") + kColumns + " FROM vehicles WHERE id IN ";
  std::vector<db::Value> params;
  db::AppendInList(sql, params, vehicle_ids);
  sql += " ORDER BY id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(FromRow(row));
  return out;
}

Result<std::optional<StoredVehicle>> VehicleStore::LockOwned(int64_t member_id,
                                                             int64_t vehicle_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kColumns +
                                           " FROM vehicles WHERE id = ? AND member_id = ?" +
                                           std::string(db::ForUpdate(conn_.dialect())),
                                       {db::Value(vehicle_id), db::Value(member_id)}));
  if (rows.empty()) return std::optional<StoredVehicle>();
  return std::optional<StoredVehicle>(FromRow(rows.front()));
}

Result<int64_t> VehicleStore::CountOfMember(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COUNT(*) FROM vehicles WHERE member_id = ?", {db::Value(member_id)}));
  return rows.front().Int(0);
}

Result<int64_t> VehicleStore::Insert(const StoredVehicle& row) {
  const Vehicle& v = row.vehicle;
  Result<int64_t> inserted = conn_.Insert(
      "INSERT INTO vehicles (member_id, brand_id, plate_hash, plate_sealed, plate_display, "
      "vin_hash, vin_sealed, vin_display, model, purchase_date, mileage_km, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(v.member_id), db::Value(v.brand_id), db::Value(row.plate_hash),
       db::Value(row.plate_sealed), db::Value(v.plate_masked), OptionalTextValue(row.vin_hash),
       OptionalTextValue(row.vin_sealed), OptionalTextValue(v.vin_masked), db::Value(v.model),
       DateValue(v.purchase_date), db::Value(v.mileage_km), db::Value(v.created_at),
       db::Value(v.updated_at)});
  if (!inserted.ok()) return Duplicate(inserted.status());
  return *inserted;
}

Status VehicleStore::Update(const StoredVehicle& row) {
  const Vehicle& v = row.vehicle;
  Result<db::ExecResult> updated = conn_.Exec(
      "UPDATE vehicles SET plate_hash = ?, plate_sealed = ?, plate_display = ?, vin_hash = ?, "
      "vin_sealed = ?, vin_display = ?, model = ?, purchase_date = ?, mileage_km = ?, "
      "updated_at = ? WHERE id = ? AND member_id = ?",
      {db::Value(row.plate_hash), db::Value(row.plate_sealed), db::Value(v.plate_masked),
       OptionalTextValue(row.vin_hash), OptionalTextValue(row.vin_sealed),
       OptionalTextValue(v.vin_masked), db::Value(v.model), DateValue(v.purchase_date),
       db::Value(v.mileage_km), db::Value(v.updated_at), db::Value(v.id), db::Value(v.member_id)});
  if (!updated.ok()) return Duplicate(updated.status());
  return Status::Ok();
}

Status VehicleStore::RecordCorrection(const MileageCorrection& correction) {
  return conn_
      .Exec(
          "INSERT INTO vehicle_mileage_corrections (vehicle_id, from_km, to_km, reason, "
          "corrected_at) VALUES (?, ?, ?, ?, ?)",
          {db::Value(correction.vehicle_id), db::Value(correction.from_km),
           db::Value(correction.to_km), db::Value(correction.reason),
           db::Value(correction.corrected_at)})
      .status();
}

Result<bool> VehicleStore::Delete(int64_t member_id, int64_t vehicle_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<StoredVehicle> owned, LockOwned(member_id, vehicle_id));
  if (!owned.has_value()) return false;
  MILEAGE_RETURN_IF_ERROR(conn_
                              .Exec("DELETE FROM vehicle_mileage_corrections WHERE vehicle_id = ?",
                                    {db::Value(vehicle_id)})
                              .status());
  MILEAGE_ASSIGN_OR_RETURN(db::ExecResult deleted,
                           conn_.Exec("DELETE FROM vehicles WHERE id = ? AND member_id = ?",
                                      {db::Value(vehicle_id), db::Value(member_id)}));
  return deleted.affected_rows > 0;
}

Result<std::optional<int64_t>> VehicleStore::MemberByPlate(int64_t brand_id,
                                                           const std::string& plate_hash) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT member_id FROM vehicles WHERE brand_id = ? AND plate_hash = ?",
                  {db::Value(brand_id), db::Value(plate_hash)}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows.front().Int(0));
}

Result<std::vector<int64_t>> VehicleStore::MembersByPlate(int64_t brand_id,
                                                          const std::string& plate_hash,
                                                          int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT member_id FROM vehicles WHERE brand_id = ? AND plate_hash = ? ORDER BY "
                  "member_id LIMIT ?",
                  {db::Value(brand_id), db::Value(plate_hash), db::Value(limit)}));
  std::vector<int64_t> out;
  for (const db::Row& row : rows) out.push_back(row.Int(0));
  return out;
}

}  // namespace mileage::members
