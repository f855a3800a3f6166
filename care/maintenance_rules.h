#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/civil_time.h"
#include "common/result.h"

namespace mileage::care {

// Maintenance reminders' rules (docs/OPERATIONS.md, "Maintenance reminders"): the service
// interval of a vehicle model and the next service due date of a vehicle. Pure.

// A brand's service interval for a model ('' = the brand's default): due first_months /
// first_km after purchase, then months / km after each service visit.
struct ServiceInterval {
  std::string model;
  int64_t months = 0;
  int64_t km = 0;
  int64_t first_months = 0;
  int64_t first_km = 0;
  int64_t updated_at = 0;  // 0 for the built-in default

  static constexpr int64_t kMaxMonths = 60;
  static constexpr int64_t kMinKm = 500;
  static constexpr int64_t kMaxKm = 100000;
};

// The interval of a brand that set none: every 6 months or 5,000 km, the first service 3
// months or 3,000 km after purchase.
ServiceInterval BuiltInInterval();

// months and first_months 1..kMaxMonths, km and first_km kMinKm..kMaxKm. InvalidArgument
// INVALID_FIELD (naming the field) otherwise. The model is checked by the caller.
Status ValidateInterval(const ServiceInterval& interval);

// What the due date of a vehicle is computed from.
struct DueInputs {
  std::optional<civil::Date> purchase_date;
  // The latest service visit: its Beijing day and the odometer reading recorded with it.
  std::optional<civil::Date> last_service_date;
  int64_t last_service_km = 0;
  // The vehicle's latest odometer reading and the Beijing day it was reported on.
  int64_t mileage_km = 0;
  civil::Date mileage_date;
};

enum class DueReason { kMonths, kKm };

// "months" or "km".
std::string_view DueReasonName(DueReason reason);
// The inverse of DueReasonName.
std::optional<DueReason> ParseDueReason(std::string_view name);

struct Due {
  civil::Date date;
  DueReason reason = DueReason::kMonths;
  bool operator==(const Due&) const = default;
};

// The next service due date: from the basis (the last service visit, else the purchase date
// with 0 km; neither: nullopt) the earlier of
//  - the basis day + months (first_months without a visit), AddMonths' clamping, and
//  - the day the odometer reaches the basis km + km (first_km), estimated from the vehicle's
//    average km per day between its earliest known point (purchase at 0 km, else the last
//    visit) and its latest reading: reading day + ceil((target - reading km) / rate), a day in
//    the past when the target was passed. No km estimate without a positive rate (no reading
//    after the earliest point, or no km driven).
// Reason kKm only when the km day is strictly earlier.
std::optional<Due> NextServiceDue(const DueInputs& inputs, const ServiceInterval& interval);

}  // namespace mileage::care
