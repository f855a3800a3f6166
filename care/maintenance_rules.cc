#include "care/maintenance_rules.h"

#include <string>

namespace mileage::care {
namespace {

// ceil(a / b) for b > 0, also for negative a.
int64_t CeilDiv(int64_t a, int64_t b) { return -civil::FloorDiv(-a, b); }

Status OutOfRange(const char* field, int64_t low, int64_t high) {
  return InvalidArgumentError(
      std::string(field) + " must be " + std::to_string(low) + ".." + std::to_string(high),
      "INVALID_FIELD");
}

}  // namespace

ServiceInterval BuiltInInterval() {
  ServiceInterval interval;
  interval.months = 6;
  interval.km = 5000;
  interval.first_months = 3;
  interval.first_km = 3000;
  return interval;
}

Status ValidateInterval(const ServiceInterval& interval) {
  using I = ServiceInterval;
  if (interval.months < 1 || interval.months > I::kMaxMonths) {
    return OutOfRange("months", 1, I::kMaxMonths);
  }
  if (interval.km < I::kMinKm || interval.km > I::kMaxKm)
    return OutOfRange("km", I::kMinKm, I::kMaxKm);
  if (interval.first_months < 1 || interval.first_months > I::kMaxMonths) {
    return OutOfRange("first_months", 1, I::kMaxMonths);
  }
  if (interval.first_km < I::kMinKm || interval.first_km > I::kMaxKm) {
    return OutOfRange("first_km", I::kMinKm, I::kMaxKm);
  }
  return Status::Ok();
}

std::string_view DueReasonName(DueReason reason) {
  return reason == DueReason::kKm ? "km" : "months";
}

std::optional<DueReason> ParseDueReason(std::string_view name) {
  if (name == "months") return DueReason::kMonths;
  if (name == "km") return DueReason::kKm;
  return std::nullopt;
}

std::optional<Due> NextServiceDue(const DueInputs& inputs, const ServiceInterval& interval) {
  const bool serviced = inputs.last_service_date.has_value();
  if (!serviced && !inputs.purchase_date.has_value()) return std::nullopt;
  const civil::Date basis = serviced ? *inputs.last_service_date : *inputs.purchase_date;
  const int64_t basis_km = serviced ? inputs.last_service_km : 0;
  Due due{civil::AddMonths(basis, serviced ? interval.months : interval.first_months),
          DueReason::kMonths};

  // The average rate over the longest span known: from purchase (0 km) when known.
  const civil::Date start = inputs.purchase_date.value_or(basis);
  const int64_t start_km = inputs.purchase_date.has_value() ? 0 : basis_km;
  const int64_t reading_day = civil::DaysFromCivil(inputs.mileage_date);
  const int64_t span_days = reading_day - civil::DaysFromCivil(start);
  const int64_t span_km = inputs.mileage_km - start_km;
  if (span_days > 0 && span_km > 0) {
    const int64_t target = basis_km + (serviced ? interval.km : interval.first_km);
    const int64_t km_day = reading_day + CeilDiv((target - inputs.mileage_km) * span_days, span_km);
    if (km_day < civil::DaysFromCivil(due.date)) {
      due = Due{civil::CivilFromDays(km_day), DueReason::kKm};
    }
  }
  return due;
}

}  // namespace mileage::care
