#include "care/types.h"

#include <algorithm>

#include "org/validation.h"

namespace mileage::care {
namespace {

constexpr std::string_view kHolderPrefix = "appointment:";

}  // namespace

bool Slot::Offers(std::string_view service_type) const {
  return std::find(service_types.begin(), service_types.end(), service_type) != service_types.end();
}

std::string_view AppointmentStateName(AppointmentState state) {
  switch (state) {
    case AppointmentState::kBooked:
      return "booked";
    case AppointmentState::kCheckedIn:
      return "checked_in";
    case AppointmentState::kCompleted:
      return "completed";
    case AppointmentState::kCancelled:
      return "cancelled";
  }
  return "cancelled";
}

std::optional<AppointmentState> ParseAppointmentState(std::string_view name) {
  for (AppointmentState s : {AppointmentState::kBooked, AppointmentState::kCheckedIn,
                             AppointmentState::kCompleted, AppointmentState::kCancelled}) {
    if (AppointmentStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string CouponHolder(int64_t appointment_id) {
  return std::string(kHolderPrefix) + std::to_string(appointment_id);
}

std::optional<int64_t> HoldingAppointment(std::string_view holder) {
  if (!holder.starts_with(kHolderPrefix)) return std::nullopt;
  Result<int64_t> id = org::ParseId(holder.substr(kHolderPrefix.size()), "holder");
  if (!id.ok()) return std::nullopt;
  return *id;
}

}  // namespace mileage::care
