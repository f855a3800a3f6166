#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "members/vehicle_store.h"
#include "members/vehicle_types.h"
#include "members/vehicle_vault.h"

namespace mileage::members {

// A member's vehicles (docs/API.md, "Vehicles"): the owner lists, adds, changes and deletes
// them, and sees plate and VIN in clear; everyone else reads them masked. Plate and VIN are
// kept as keyed hashes and sealed copies (VehicleVault); a plate is unique per brand (the
// database's unique key), a member holds at most kMaxPerMember vehicles (counted under the
// member's row lock), and an odometer reading only grows unless a correction reason is given,
// which is recorded. Deleting a vehicle deletes its row and its corrections (hard delete: the
// owner asked for the personal data to go). Owned by the composition root; safe for concurrent
// use (each call takes its own pooled connection).
//
// Errors common to the methods: InvalidArgument INVALID_ID (a non-positive id); NotFound
// VEHICLE_NOT_FOUND when the owner has no vehicle of the id (whether or not another member
// does); Internal when a sealed plate or VIN does not open; the db errors.
class VehicleService {
 public:
  static constexpr int64_t kMaxPerMember = 10;

  VehicleService(db::Db& db, const VehicleVault& vault) : db_(db), vault_(vault) {}

  // The owner's vehicles, id order, in clear.
  Result<std::vector<OwnVehicle>> List(const VehicleOwner& owner);
  // The same on the caller's connection (and transaction): one query, for the owner card.
  Result<std::vector<OwnVehicle>> OfMember(db::Connection& conn, const VehicleOwner& owner) const;

  // Adds a vehicle at `now`. Errors, with nothing written: InvalidArgument INVALID_PLATE,
  // INVALID_VIN, INVALID_MODEL, INVALID_PURCHASE_DATE, INVALID_MILEAGE (vehicle_rules.h);
  // NotFound MEMBER_NOT_FOUND; AlreadyExists VEHICLE_EXISTS when a vehicle of the brand has the
  // plate (also the owner's own); FailedPrecondition VEHICLE_LIMIT at kMaxPerMember vehicles.
  Result<OwnVehicle> Add(const VehicleOwner& owner, const NewVehicle& input, int64_t now);

  // Applies `patch` at `now` (fields re-validated as Add's). A lower mileage_km needs a
  // correction_reason (else InvalidArgument CORRECTION_REASON_REQUIRED) and records a
  // correction; a reason with a reading that does not go down is ignored. Errors, with nothing
  // written: Add's (no limit) and VEHICLE_NOT_FOUND, INVALID_CORRECTION_REASON.
  Result<OwnVehicle> Update(const VehicleOwner& owner, int64_t vehicle_id,
                            const VehiclePatch& patch, int64_t now);

  // Deletes the vehicle and its corrections. Errors: VEHICLE_NOT_FOUND.
  Status Remove(const VehicleOwner& owner, int64_t vehicle_id);

 private:
  Result<OwnVehicle> Opened(const VehicleOwner& owner, const StoredVehicle& row) const;

  db::Db& db_;
  const VehicleVault& vault_;
};

}  // namespace mileage::members
