#include "care/activity_types.h"

namespace mileage::care {

std::string_view ActivityStateName(ActivityState state) {
  return state == ActivityState::kOpen ? "open" : "cancelled";
}

std::optional<ActivityState> ParseActivityState(std::string_view name) {
  if (name == "open") return ActivityState::kOpen;
  if (name == "cancelled") return ActivityState::kCancelled;
  return std::nullopt;
}

std::string_view SignupStateName(SignupState state) {
  switch (state) {
    case SignupState::kSeated:
      return "seated";
    case SignupState::kWaitlisted:
      return "waitlisted";
    case SignupState::kCheckedIn:
      return "checked_in";
    case SignupState::kCancelled:
      return "cancelled";
  }
  return "cancelled";
}

std::optional<SignupState> ParseSignupState(std::string_view name) {
  for (SignupState s : {SignupState::kSeated, SignupState::kWaitlisted, SignupState::kCheckedIn,
                        SignupState::kCancelled}) {
    if (SignupStateName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace mileage::care
