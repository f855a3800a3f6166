#include "members/vehicle_service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/log.h"
#include "members/member_store.h"
#include "members/validation.h"
#include "members/vehicle_rules.h"

namespace mileage::members {
namespace {

constexpr std::string_view kPlateWritesPrefix = "mp:vehicle-writes:";
constexpr std::string_view kRefusalsPrefix = "mp:vehicle-refused:";

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

// While a data key rotation runs, another member's vehicle may still carry the plate's hash
// under a previous key (`plate_hashes` past the first), which the unique key cannot see:
// AlreadyExists VEHICLE_EXISTS as the store answers for the primary hash.
Status CheckPreviousPlateHashes(db::Connection& conn, const VehicleOwner& owner,
                                const std::vector<std::string>& plate_hashes) {
  for (size_t i = 1; i < plate_hashes.size(); ++i) {
    MILEAGE_ASSIGN_OR_RETURN(std::vector<int64_t> holders,
                             VehicleStore(conn).MembersByPlate(owner.brand_id, plate_hashes[i], 2));
    for (int64_t holder : holders) {
      if (holder != owner.member_id) {
        return AlreadyExistsError("a vehicle of the brand has this plate", "VEHICLE_EXISTS");
      }
    }
  }
  return Status::Ok();
}

// Locks the owner's vehicle, applies the checked patch (sealed copies made by the caller) and
// records a correction when the reading goes down, into `row`. Errors: VEHICLE_NOT_FOUND,
// CORRECTION_REASON_REQUIRED, the store's (VEHICLE_EXISTS).
Status ApplyPatch(db::Connection& conn, const VehicleOwner& owner, int64_t vehicle_id,
                  const CheckedPatch& checked, const std::optional<SealedPii>& plate,
                  const std::vector<std::string>& plate_hashes, const std::optional<SealedPii>& vin,
                  int64_t now, StoredVehicle& row) {
  MILEAGE_RETURN_IF_ERROR(CheckPreviousPlateHashes(conn, owner, plate_hashes));
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
      return InvalidArgumentError("mileage_km below the recorded " + std::to_string(v.mileage_km) +
                                      " km needs a correction_reason",
                                  "CORRECTION_REASON_REQUIRED");
    }
    MILEAGE_RETURN_IF_ERROR(store.RecordCorrection(
        {vehicle_id, v.mileage_km, *checked.mileage_km, *checked.correction_reason, now}));
  }
  if (checked.mileage_km.has_value()) v.mileage_km = *checked.mileage_km;
  v.updated_at = now;
  return store.Update(row);
}

}  // namespace

VehicleService::VehicleService(db::Db& db, const VehicleVault& vault, kv::Kv& kv,
                               const Clock& clock, VehicleLimits limits)
    : db_(db),
      vault_(vault),
      plate_writes_(kv, clock, std::string(kPlateWritesPrefix), limits.plate_writes,
                    limits.plate_write_window, "vehicle adds and plate changes"),
      refusals_(kv, clock, std::string(kRefusalsPrefix), limits.refusals, limits.refusal_window,
                "refused vehicle adds and plate changes") {}

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

Result<std::vector<OwnVehicle>> VehicleService::List(db::Connection& conn,
                                                     const VehicleOwner& owner) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  return OfMember(conn, owner);
}

Result<OwnVehicle> VehicleService::Prepare(const VehicleOwner& owner, const NewVehicle& input,
                                           int64_t now, StoredVehicle& row) const {
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
  row = StoredVehicle{v, "", "", std::nullopt, std::nullopt};
  MILEAGE_ASSIGN_OR_RETURN(SealedPii plate, vault_.SealPlate(owner, out.plate));
  row.plate_hash = std::move(plate.hash);
  row.plate_sealed = std::move(plate.sealed);
  if (out.vin.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(SealedPii vin, vault_.SealVin(owner, *out.vin));
    row.vin_hash = std::move(vin.hash);
    row.vin_sealed = std::move(vin.sealed);
    row.vehicle.vin_masked = v.vin_masked = MaskVin(*out.vin);
  }
  return out;
}

Status VehicleService::Insert(const VehicleOwner& owner,
                              const std::vector<std::string>& plate_hashes, StoredVehicle& row,
                              Vehicle& v) {
  OsRandom no_draws;  // MemberStore wants a source; LockMember never draws
  return db::InTransaction(db_, [&](db::Connection& conn) -> Status {
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
    MILEAGE_RETURN_IF_ERROR(CheckPreviousPlateHashes(conn, owner, plate_hashes));
    MILEAGE_ASSIGN_OR_RETURN(v.id, store.Insert(row));
    return Status::Ok();
  });
}

Status VehicleService::Refuse(int64_t member_id, Status refusal) {
  const StatusCode code = refusal.code();
  if (code != StatusCode::kInvalidArgument && code != StatusCode::kAlreadyExists) return refusal;
  const Status counted = refusals_.Count(std::to_string(member_id));
  if (!counted.ok()) {
    MILEAGE_LOG(kWarn) << "counting a refused vehicle write failed: " << counted.ToString();
  }
  return refusal;
}

Result<OwnVehicle> VehicleService::Add(const VehicleOwner& owner, const NewVehicle& input,
                                       int64_t now, std::chrono::seconds* retry_after) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  const std::string member = std::to_string(owner.member_id);
  MILEAGE_RETURN_IF_ERROR(refusals_.Check(member, retry_after));
  StoredVehicle row;
  Result<OwnVehicle> out = Prepare(owner, input, now, row);
  if (!out.ok()) return Refuse(owner.member_id, out.status());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> plate_hashes, vault_.PlateHashes(out->plate));
  MILEAGE_RETURN_IF_ERROR(plate_writes_.Take(member, retry_after));
  const Status inserted = Insert(owner, plate_hashes, row, out->vehicle);
  if (!inserted.ok()) return Refuse(owner.member_id, inserted);
  return out;
}

Result<OwnVehicle> VehicleService::Update(const VehicleOwner& owner, int64_t vehicle_id,
                                          const VehiclePatch& patch, int64_t now,
                                          std::chrono::seconds* retry_after) {
  MILEAGE_RETURN_IF_ERROR(ValidateOwner(owner));
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(vehicle_id, "vehicle_id"));
  // Only a new plate can probe the brand's plates: other changes are not limited.
  const bool limited = patch.plate.has_value();
  const std::string member = std::to_string(owner.member_id);
  auto refuse = [&](Status refusal) {
    return limited ? Refuse(owner.member_id, std::move(refusal)) : refusal;
  };
  if (limited) MILEAGE_RETURN_IF_ERROR(refusals_.Check(member, retry_after));
  Result<CheckedPatch> checked = Check(patch, now);
  if (!checked.ok()) return refuse(checked.status());
  // Seal outside the transaction: randomness and OpenSSL need no lock.
  std::optional<SealedPii> plate;
  std::vector<std::string> plate_hashes;
  if (checked->plate.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(plate, vault_.SealPlate(owner, *checked->plate));
    MILEAGE_ASSIGN_OR_RETURN(plate_hashes, vault_.PlateHashes(*checked->plate));
  }
  std::optional<SealedPii> vin;
  if (checked->vin.has_value() && checked->vin->has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(vin, vault_.SealVin(owner, **checked->vin));
  }
  if (limited) MILEAGE_RETURN_IF_ERROR(plate_writes_.Take(member, retry_after));
  StoredVehicle row;
  const Status done = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    return ApplyPatch(conn, owner, vehicle_id, *checked, plate, plate_hashes, vin, now, row);
  });
  if (!done.ok()) return refuse(done);
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
