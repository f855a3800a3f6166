#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "kv/fixed_window.h"
#include "kv/kv.h"
#include "members/vehicle_store.h"
#include "members/vehicle_types.h"
#include "members/vehicle_vault.h"

namespace mileage::members {

// How a member's adds and plate changes are throttled (docs/OPERATIONS.md, "Member write
// limits"): VEHICLE_EXISTS tells whether a plate is registered in the brand, so these bound how
// many plates one member can probe. Fixed windows aligned to the clock, per member. A value
// type; constants of the deployment (not configurable).
struct VehicleLimits {
  // Adds and plate changes that passed the field checks (whatever the database then says).
  int64_t plate_writes = 10;
  std::chrono::seconds plate_write_window{3600};
  // Refused adds and plate changes (a field's value, VEHICLE_EXISTS): past this the member
  // waits for the window's end before any further add or plate change.
  int64_t refusals = 20;
  std::chrono::seconds refusal_window{24 * 3600};
};

// A member's vehicles (docs/API.md, "Vehicles"): the owner lists, adds, changes and deletes
// them, and sees plate and VIN in clear; everyone else reads them masked. Plate and VIN are
// kept as keyed hashes and sealed copies (VehicleVault); a plate is unique per brand (the
// database's unique key), a member holds at most kMaxPerMember vehicles (counted under the
// member's row lock), and an odometer reading only grows unless a correction reason is given,
// which is recorded. Deleting a vehicle deletes its row and its corrections (hard delete: the
// owner asked for the personal data to go). Adds and plate changes are rate limited per member
// (VehicleLimits, counted in the Kv). Owned by the composition root; safe for concurrent use
// (each call takes its own pooled connection).
//
// Errors common to the methods: InvalidArgument INVALID_ID (a non-positive id); NotFound
// VEHICLE_NOT_FOUND when the owner has no vehicle of the id (whether or not another member
// does); Internal when a sealed plate or VIN does not open; the db errors.
class VehicleService {
 public:
  static constexpr int64_t kMaxPerMember = 10;

  VehicleService(db::Db& db, const VehicleVault& vault, kv::Kv& kv, const Clock& clock,
                 VehicleLimits limits = {});

  // The owner's vehicles, id order, in clear.
  Result<std::vector<OwnVehicle>> List(const VehicleOwner& owner);
  // The same on the caller's connection (a composed read that takes one connection).
  Result<std::vector<OwnVehicle>> List(db::Connection& conn, const VehicleOwner& owner);
  // The same on the caller's connection (and transaction): one query, for the owner card.
  Result<std::vector<OwnVehicle>> OfMember(db::Connection& conn, const VehicleOwner& owner) const;

  // Adds a vehicle at `now`. Errors, with nothing written: ResourceExhausted RATE_LIMITED with
  // *retry_after set (VehicleLimits); InvalidArgument INVALID_PLATE, INVALID_VIN,
  // INVALID_MODEL, INVALID_PURCHASE_DATE, INVALID_MILEAGE (vehicle_rules.h); NotFound
  // MEMBER_NOT_FOUND; AlreadyExists VEHICLE_EXISTS when a vehicle of the brand has the plate
  // (also the owner's own); FailedPrecondition VEHICLE_LIMIT at kMaxPerMember vehicles;
  // Unavailable when the Kv fails.
  Result<OwnVehicle> Add(const VehicleOwner& owner, const NewVehicle& input, int64_t now,
                         std::chrono::seconds* retry_after);

  // Applies `patch` at `now` (fields re-validated as Add's). A lower mileage_km needs a
  // correction_reason (else InvalidArgument CORRECTION_REASON_REQUIRED) and records a
  // correction; a reason with a reading that does not go down is ignored. A patch with a plate
  // is limited and counted as an add. Errors, with nothing written: Add's (no VEHICLE_LIMIT;
  // RATE_LIMITED only for a patch with a plate) and VEHICLE_NOT_FOUND,
  // INVALID_CORRECTION_REASON.
  Result<OwnVehicle> Update(const VehicleOwner& owner, int64_t vehicle_id,
                            const VehiclePatch& patch, int64_t now,
                            std::chrono::seconds* retry_after);

  // Deletes the vehicle and its corrections. Errors: VEHICLE_NOT_FOUND.
  Status Remove(const VehicleOwner& owner, int64_t vehicle_id);

 private:
  Result<OwnVehicle> Opened(const VehicleOwner& owner, const StoredVehicle& row) const;
  // Checks and seals a new vehicle: what its owner sees and the row to insert.
  Result<OwnVehicle> Prepare(const VehicleOwner& owner, const NewVehicle& input, int64_t now,
                             StoredVehicle& row) const;
  // Inserts the row under the member's lock and the per-member count; sets `v.id`.
  // `plate_hashes`: the plate's hash under every data key (VehicleVault::PlateHashes).
  Status Insert(const VehicleOwner& owner, const std::vector<std::string>& plate_hashes,
                StoredVehicle& row, Vehicle& v);
  // Counts `refusal` against the member when the member caused it (a field's value, a plate
  // held) and passes it on.
  Status Refuse(int64_t member_id, Status refusal);

  db::Db& db_;
  const VehicleVault& vault_;
  kv::FixedWindowLimit plate_writes_;
  kv::FixedWindowLimit refusals_;
};

}  // namespace mileage::members
