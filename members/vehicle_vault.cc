#include "members/vehicle_vault.h"

#include "members/vehicle_rules.h"

namespace mileage::members {
namespace {

constexpr std::string_view kPlateHashLabel = "mileage/vehicle-plate-hash/v1";
constexpr std::string_view kVinHashLabel = "mileage/vehicle-vin-hash/v1";

Result<std::string> Opened(Result<std::string> opened, std::string_view what) {
  if (opened.ok()) return opened;
  return InternalError("a vehicle's sealed " + std::string(what) +
                       " does not open: " + opened.status().ToString());
}

}  // namespace

VehicleVault::VehicleVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
                           std::span<const crypto::DataKey> previous)
    : plates_(data_key, cipher, kPlateHashLabel, previous),
      vins_(data_key, cipher, kVinHashLabel, previous) {}

std::string VehicleVault::Context(std::string_view column, const VehicleOwner& owner) {
  return "vehicles." + std::string(column) + ":" + std::to_string(owner.brand_id) + ":" +
         std::to_string(owner.member_id);
}

Result<SealedPii> VehicleVault::SealPlate(const VehicleOwner& owner,
                                          std::string_view normalized) const {
  return plates_.Protect(normalized, Context("plate", owner));
}

Result<SealedPii> VehicleVault::SealVin(const VehicleOwner& owner,
                                        std::string_view normalized) const {
  return vins_.Protect(normalized, Context("vin", owner));
}

Result<std::string> VehicleVault::PlateHash(std::string_view plate) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePlate(plate));
  return plates_.Hash(normalized);
}

Result<std::vector<std::string>> VehicleVault::PlateHashes(std::string_view plate) const {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, NormalizePlate(plate));
  return plates_.Hashes(normalized);
}

std::vector<org::SealedColumn> VehicleVault::SealedColumns() const {
  const auto owner_context = [](std::string_view column) {
    return [column](const db::Row& row) {
      return Context(column, VehicleOwner{row.Int(1), row.Int(0)});
    };
  };
  return {
      org::SealedColumn{"vehicles", "plate_sealed", "brand_id, member_id", owner_context("plate"),
                        "plate_hash",
                        [this](std::string_view opened) { return plates_.Hash(opened); }},
      org::SealedColumn{"vehicles", "vin_sealed", "brand_id, member_id", owner_context("vin"),
                        "vin_hash", [this](std::string_view opened) { return vins_.Hash(opened); }},
  };
}

Result<std::string> VehicleVault::OpenPlate(const VehicleOwner& owner,
                                            std::string_view sealed) const {
  return Opened(plates_.Open(sealed, Context("plate", owner)), "plate");
}

Result<std::string> VehicleVault::OpenVin(const VehicleOwner& owner,
                                          std::string_view sealed) const {
  return Opened(vins_.Open(sealed, Context("vin", owner)), "vin");
}

}  // namespace mileage::members
