#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "members/vehicle_types.h"

namespace mileage::members {

// A vehicles row: what is shown (masked) and what is kept of plate and VIN (hashes and sealed
// copies, members/vehicle_vault.h). The clear plate and VIN are never stored.
struct StoredVehicle {
  Vehicle vehicle;
  std::string plate_hash;
  std::string plate_sealed;
  std::optional<std::string> vin_hash;
  std::optional<std::string> vin_sealed;
};

// The SQL of vehicles and vehicle_mileage_corrections on one connection, inside the caller's
// transaction. Lives for one use of its connection; not safe for concurrent use. Errors: the
// db::Connection errors, plus those listed.
class VehicleStore {
 public:
  explicit VehicleStore(db::Connection& conn) : conn_(conn) {}

  // The member's vehicles, id order.
  Result<std::vector<StoredVehicle>> OfMember(int64_t member_id);
  // The vehicles of `vehicle_ids` that exist, id order; one statement.
  Result<std::vector<StoredVehicle>> FindMany(const std::vector<int64_t>& vehicle_ids);
  // The member's vehicle `vehicle_id`, locked until commit (FOR UPDATE on MySQL; SQLite's write
  // transaction holds the lock); nullopt when no vehicle of that member has the id.
  Result<std::optional<StoredVehicle>> LockOwned(int64_t member_id, int64_t vehicle_id);
  Result<int64_t> CountOfMember(int64_t member_id);
  // Inserts the row (its id and times are set from the insert). AlreadyExists VEHICLE_EXISTS
  // when a vehicle of the brand has the plate (the unique key decides, not a prior read).
  Result<int64_t> Insert(const StoredVehicle& row);
  // Writes every column but ids and created_at. AlreadyExists VEHICLE_EXISTS as Insert.
  Status Update(const StoredVehicle& row);
  Status RecordCorrection(const MileageCorrection& correction);
  // Deletes the vehicle with its corrections; false when no vehicle of the member has the id.
  Result<bool> Delete(int64_t member_id, int64_t vehicle_id);
  // The member holding the plate of `plate_hash` in the brand, if any.
  Result<std::optional<int64_t>> MemberByPlate(int64_t brand_id, const std::string& plate_hash);
  // The members holding the plate of `plate_hash` in the brand, at most `limit` of them (more
  // than one only if the brand's plate uniqueness were ever relaxed).
  Result<std::vector<int64_t>> MembersByPlate(int64_t brand_id, const std::string& plate_hash,
                                              int64_t limit);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::members
