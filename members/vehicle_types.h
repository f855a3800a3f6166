#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/civil_time.h"

namespace mileage::members {

// A member's vehicle as anyone but its owner may see it: plate and VIN masked ("京A·***45",
// "LVS...4249"). Times are Unix seconds.
struct Vehicle {
  int64_t id = 0;
  int64_t member_id = 0;
  int64_t brand_id = 0;
  std::string plate_masked;
  std::optional<std::string> vin_masked;  // nullopt when no VIN was given
  std::string model;
  std::optional<civil::Date> purchase_date;
  int64_t mileage_km = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A vehicle as its owner sees it: with the normalised plate and VIN in clear.
struct OwnVehicle {
  Vehicle vehicle;
  std::string plate;
  std::optional<std::string> vin;
};

// Whose vehicles a call is about: the session's member and that member's brand, never input.
struct VehicleOwner {
  int64_t member_id = 0;
  int64_t brand_id = 0;
};

// A vehicle to add, as the member typed it (VehicleService normalises and checks it).
struct NewVehicle {
  std::string plate;
  std::optional<std::string> vin;
  std::string model;
  std::optional<std::string> purchase_date;  // "YYYY-MM-DD"
  int64_t mileage_km = 0;
};

// A change to a vehicle; an absent field stays. `vin` and `purchase_date` hold nullopt inside
// to clear them. A `mileage_km` below the current one needs a `correction_reason`, which is
// recorded with both readings.
struct VehiclePatch {
  std::optional<std::string> plate;
  std::optional<std::optional<std::string>> vin;
  std::optional<std::string> model;
  std::optional<std::optional<std::string>> purchase_date;
  std::optional<int64_t> mileage_km;
  std::optional<std::string> correction_reason;
};

// One recorded lowering of a vehicle's odometer reading.
struct MileageCorrection {
  int64_t vehicle_id = 0;
  int64_t from_km = 0;
  int64_t to_km = 0;
  std::string reason;
  int64_t corrected_at = 0;
};

}  // namespace mileage::members
