#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "org/types.h"

namespace mileage::care {

enum class ActivityState { kOpen, kCancelled };
enum class SignupState { kSeated, kWaitlisted, kCheckedIn, kCancelled };

// "open", "cancelled"; "seated", "waitlisted", "checked_in", "cancelled".
std::string_view ActivityStateName(ActivityState state);
std::optional<ActivityState> ParseActivityState(std::string_view name);
std::string_view SignupStateName(SignupState state);
std::optional<SignupState> ParseSignupState(std::string_view name);

// An owner activity (车主活动) a node of the brand holds: what, where, when, its seats and how
// many are taken, its sign-up window and the lowest tier that may sign up. A value type.
struct Activity {
  int64_t id = 0;
  int64_t brand_id = 0;
  org::NodeType node_type = org::NodeType::kBrand;
  int64_t node_id = 0;
  std::string title;
  std::string description;
  std::string place;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
  int64_t capacity = 0;
  int64_t seated = 0;
  int64_t signup_opens_at = 0;
  int64_t signup_closes_at = 0;
  std::optional<std::string> min_tier;
  int64_t min_tier_rank = 0;
  ActivityState state = ActivityState::kOpen;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> cancelled_at;

  static constexpr int64_t kMaxCapacity = 100000;
};

// An activity as staff create it. A value type.
struct NewActivity {
  org::NodeType node_type = org::NodeType::kBrand;
  int64_t node_id = 0;
  std::string title;
  std::string description;
  std::string place;
  int64_t starts_at = 0;
  int64_t ends_at = 0;
  int64_t capacity = 0;
  int64_t signup_opens_at = 0;
  int64_t signup_closes_at = 0;
  std::optional<std::string> min_tier;
};

// A member's sign-up for an activity: seated, waitlisted at `position`, checked in or
// cancelled. A value type.
struct Signup {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t activity_id = 0;
  int64_t member_id = 0;
  SignupState state = SignupState::kSeated;
  std::optional<int64_t> position;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> promoted_at;
  std::optional<int64_t> checked_in_at;
  std::optional<int64_t> cancelled_at;
};

}  // namespace mileage::care
