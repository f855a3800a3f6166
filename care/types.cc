#include "care/types.h"

#include <algorithm>

namespace mileage::care {

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
  return "appointment:" + std::to_string(appointment_id);
}

}  // namespace mileage::care
