#include "members/vehicle_service.h"

#include <optional>
#include <string>
#include <utility>

#include "members/member_store.h"
#include "members/validation.h"
#include "members/vehicle_rules.h"

namespace mileage::members {
namespace {

Status VehicleNotFound(int64_t vehicle_id) {
  return NotFoundError("vehicle " + std::to_string(vehicle_id) + " not found", "VEHICLE_NOT_FOUND");
}

Status ValidateOwner(const VehicleOwner& owner) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(owner.member_id, "member_id"));
  return ValidatePositiveId(owner.brand_id, "brand_id");
}

// The fields of a patch, normalised and checked before any connection is taken.
struct CheckedPatch {
  std::optional<std::string> plate;
  std::optional<std::optional<std::string>> vin;
  std::optional<std::string> model;
  std::optional<std::optional<civil::Date>> purchase_date;
  std::optional<int64_t> mileage_km;
  std::optional<std::string> correction_reason;
};

Result<std::optional<std::string>> CheckVin(const std::optional<std::string>& vin) {
  if (!vin.has_value()) return std::optional<std::string>();
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizeVin(*vin));
  return std::optional<std::string>(std::move(normalized));
}

Result<std::optional<civil::Date>> CheckDate(const std::optional<std::string>& text, int64_t now) {
  if (!text.has_value()) return std::optional<civil::Date>();
  MILEAGE_ASSIGN_OR_RETURN(civil::Date date, ParsePurchaseDate(*text, now));
  return std::optional<civil::Date>(date);
}

Result<CheckedPatch> Check(const VehiclePatch& patch, int64_t now) {
  CheckedPatch out;
  if (patch.plate.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(out.plate, NormalizePlate(*patch.plate));
  }
  if (patch.vin.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(out.vin, CheckVin(*patch.vin));
  }
  if (patch.model.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(out.model, NormalizeModel(*patch.model));
  }
  if (patch.purchase_date.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(out.purchase_date, CheckDate(*patch.purchase_date, now));
  }
  if (patch.mileage_km.has_value()) {
    MILEAGE_RETURN_IF_ERROR(ValidateMileage(*patch.mileage_km));
    out.mileage_km = patch.mileage_km;
  }
  if (patch.correction_reason.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(out.correction_reason,
                             NormalizeCorrectionReason(*patch.correction_reason));
  }
  return out;
}

// Sets the plate, VIN, model and purchase date the patch changes (sealed copies made by the
// caller).
void ApplyFields(const CheckedPatch& checked, const std::optional<SealedPii>& plate,
                 const std::optional<SealedPii>& vin, StoredVehicle& row) {
  Vehicle& v = row.vehicle;
  if (plate.has_value()) {
    row.plate_hash = plate->hash;
    row.plate_sealed = plate->sealed;
    v.plate_masked = MaskPlate(*checked.plate);
  }
  if (checked.vin.has_value()) {
    const bool set = vin.has_value();
    row.vin_hash = set ? std::optional<std::string>(vin->hash) : std::nullopt;
    row.vin_sealed = set ? std::optional<std::string>(vin->sealed) : std::nullopt;
    v.vin_masked = set ? std::optional<std::string>(MaskVin(**checked.vin)) : std::nullopt;
  }
  if (checked.model.has_value()) v.model = *checked.model;
  if (checked.purchase_date.has_value()) v.purchase_date = *checked.purchase_date;
}

}  // namespace

Result<OwnVehicle> VehicleService::Opened(const VehicleOwner& owner,
                                          const StoredVehicle& row) const {
  OwnVehicle out{row.vehicle, "", std::nullopt};
  MILEAGE_ASSIGN_OR_RETURN(out.plate, vault_.OpenPlate(owner, row.plate_sealed));
  if (row.vin_sealed.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(out.vin, vault_.OpenVin(owner, *row.vin_sealed));
  }
  return out;
}

Result<std::vector<OwnVehicle>> VehicleService::OfMember(db::Connection& conn,
                                                         const VehicleOwner& owner) const {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<StoredVehicle> rows,
                           VehicleStore(conn).OfMember(owner.member_id));
  std::vector<OwnVehicle> out;
  out.reserve(rows.size());
  for (const StoredVehicle& row : rows) {
    // A member's vehicles are of the member's brand; a row of another brand is never shown.
    if (row.vehicle.brand_id != owner.brand_id) continue;
    MILEAGE_ASSIGN_OR_RETURN(OwnVehicle opened, Opened(owner, row));
    out.push_back(std::move(opened));
  }
  return out;
}

Result<std::vector<OwnVehicle>> VehicleService::List(const VehicleOwner& owner) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return OfMember(*conn, owner);
}

Result<OwnVehicle> VehicleService::Add(const VehicleOwner& owner, const NewVehicle& input,
                                       int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  OwnVehicle out;
  MILEAGE_ASSIGN_OR_RETURN(out.plate, NormalizePlate(input.plate));
  MILEAGE_ASSIGN_OR_RETURN(out.vin, CheckVin(input.vin));
  Vehicle& v = out.vehicle;
  MILEAGE_ASSIGN_OR_RETURN(v.model, NormalizeModel(input.model));
  MILEAGE_ASSIGN_OR_RETURN(v.purchase_date, CheckDate(input.purchase_date, now));
  MILEAGE_RETURN_IF_ERROR(ValidateMileage(input.mileage_km));
  v.member_id = owner.member_id;
  v.brand_id = owner.brand_id;
  v.mileage_km = input.mileage_km;
  v.created_at = v.updated_at = now;
  v.plate_masked = MaskPlate(out.plate);
  StoredVehicle row{v, "", "", std::nullopt, std::nullopt};
  MILEAGE_ASSIGN_OR_RETURN(SealedPii plate, vault_.SealPlate(owner, out.plate));
  row.plate_hash = std::move(plate.hash);
  row.plate_sealed = std::move(plate.sealed);
  if (out.vin.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(SealedPii vin, vault_.SealVin(owner, *out.vin));
    row.vin_hash = std::move(vin.hash);
    row.vin_sealed = std::move(vin.sealed);
    row.vehicle.vin_masked = v.vin_masked = MaskVin(*out.vin);
  }
  OsRandom no_draws;  // MemberStore wants a source; LockMember never draws
  const Status done = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    // The member's row lock makes the count and the insert one step for concurrent adds.
    MemberStore members(conn, no_draws);
    MILEAGE_RETURN_IF_ERROR(members.LockMember(owner.member_id));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member, members.Find(owner.member_id));
    if (!member.has_value() || member->brand_id != owner.brand_id) {
      return NotFoundError("member " + std::to_string(owner.member_id) + " not found",
                           "MEMBER_NOT_FOUND");
    }
    VehicleStore store(conn);
    MILEAGE_ASSIGN_OR_RETURN(int64_t held, store.CountOfMember(owner.member_id));
    if (held >= kMaxPerMember) {
      return FailedPreconditionError(
          "a member holds at most " + std::to_string(kMaxPerMember) + " vehicles", "VEHICLE_LIMIT");
    }
    MILEAGE_ASSIGN_OR_RETURN(v.id, store.Insert(row));
    return Status::Ok();
  });
  if (!done.ok()) return done;
  return out;
}

Result<OwnVehicle> VehicleService::Update(const VehicleOwner& owner, int64_t vehicle_id,
                                          const VehiclePatch& patch, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(vehicle_id, "vehicle_id"));
  MILEAGE_ASSIGN_OR_RETURN(CheckedPatch checked, Check(patch, now));
  // Seal outside the transaction: randomness and OpenSSL need no lock.
  std::optional<SealedPii> plate;
  if (checked.plate.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(plate, vault_.SealPlate(owner, *checked.plate));
  }
  std::optional<SealedPii> vin;
  if (checked.vin.has_value() && checked.vin->has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(vin, vault_.SealVin(owner, **checked.vin));
  }
  StoredVehicle row;
  const Status done = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    VehicleStore store(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<StoredVehicle> found,
                             store.LockOwned(owner.member_id, vehicle_id));
    if (!found.has_value() || found->vehicle.brand_id != owner.brand_id) {
      return VehicleNotFound(vehicle_id);
    }
    row = std::move(*found);
    ApplyFields(checked, plate, vin, row);
    Vehicle& v = row.vehicle;
    if (checked.mileage_km.has_value() && *checked.mileage_km < v.mileage_km) {
      if (!checked.correction_reason.has_value()) {
        return InvalidArgumentError("mileage_km below the recorded " +
                                        std::to_string(v.mileage_km) +
                                        " km needs a correction_reason",
                                    "CORRECTION_REASON_REQUIRED");
      }
      MILEAGE_RETURN_IF_ERROR(store.RecordCorrection(
          {vehicle_id, v.mileage_km, *checked.mileage_km, *checked.correction_reason, now}));
    }
    if (checked.mileage_km.has_value()) v.mileage_km = *checked.mileage_km;
    v.updated_at = now;
    return store.Update(row);
  });
  if (!done.ok()) return done;
  return Opened(owner, row);
}

Status VehicleService::Remove(const VehicleOwner& owner, int64_t vehicle_id) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(vehicle_id, "vehicle_id"));
  return db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(bool deleted, VehicleStore(conn).Delete(owner.member_id, vehicle_id));
    return deleted ? Status::Ok() : VehicleNotFound(vehicle_id);
  });
}

}  // namespace mileage::members
