#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_time.h"

namespace mileage::care {

// One day's opening hours in minutes after Beijing midnight; closed when open == close == 0.
struct DayHours {
  int64_t open_minute = 0;
  int64_t close_minute = 0;
  bool closed() const { return open_minute == 0 && close_minute == 0; }
  bool operator==(const DayHours&) const = default;
};

// A store's weekly schedule, from which ScheduleService::Generate makes slots: opening hours
// Monday first, closed days, the slot length and seats, the services offered, and how long
// before a slot's start a member may still reschedule or cancel. A value type.
struct Schedule {
  int64_t store_id = 0;
  std::array<DayHours, 7> hours;  // [0] Monday .. [6] Sunday
  std::vector<civil::Date> holidays;
  int64_t slot_minutes = 60;
  int64_t capacity = 1;
  std::vector<std::string> service_types;
  int64_t cutoff_minutes = 120;
  int64_t updated_at = 0;

  static constexpr int64_t kMinSlotMinutes = 10;
  static constexpr int64_t kMaxSlotMinutes = 480;
  static constexpr int64_t kMaxCapacity = 100;
  static constexpr size_t kMaxServiceTypes = 10;
  static constexpr int64_t kMaxCutoffMinutes = 7 * 24 * 60;
  static constexpr size_t kMaxHolidays = 366;
  // Used for a store without a schedule (explicit slots only).
  static constexpr int64_t kDefaultCutoffMinutes = 120;
};

// A bookable slot of a store: when it starts, how long it lasts, its seats and how many are
// taken, and the services it offers. A value type.
struct Slot {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t store_id = 0;
  int64_t starts_at = 0;
  int64_t duration_s = 0;
  int64_t capacity = 0;
  int64_t booked = 0;
  std::vector<std::string> service_types;
  int64_t created_at = 0;

  int64_t remaining() const { return capacity - booked; }
  bool Offers(std::string_view service_type) const;
};

// An explicit slot as staff create it. A value type.
struct NewSlot {
  int64_t starts_at = 0;
  int64_t duration_minutes = 0;
  int64_t capacity = 0;
  std::vector<std::string> service_types;
};

enum class AppointmentState { kBooked, kCheckedIn, kCompleted, kCancelled };

// "booked", "checked_in", "completed", "cancelled".
std::string_view AppointmentStateName(AppointmentState state);
std::optional<AppointmentState> ParseAppointmentState(std::string_view name);

// A member's appointment: a seat in a slot for one of their vehicles and a service, with the
// coupon it holds (if any) and, once completed, that coupon's redemption. A value type.
struct Appointment {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t store_id = 0;
  int64_t slot_id = 0;
  int64_t starts_at = 0;
  int64_t member_id = 0;
  int64_t vehicle_id = 0;
  std::string service_type;
  std::optional<int64_t> coupon_id;
  AppointmentState state = AppointmentState::kBooked;
  std::optional<int64_t> redemption_id;
  std::optional<int64_t> reminded_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> checked_in_at;
  std::optional<int64_t> completed_at;
  std::optional<int64_t> cancelled_at;
};

// An appointment as the store's staff list it: who booked it, for which vehicle, with which
// coupon, the phone and plate masked (ids stay in `appointment`).
struct AppointmentListing {
  Appointment appointment;
  std::string member_number;
  std::optional<std::string> member_phone_masked;  // nullopt when the member has no phone
  std::string vehicle_plate_masked;  // empty when the vehicle was deleted since the booking
  std::string vehicle_model;
  std::optional<std::string> coupon_title;  // the coupon's stock name; nullopt without a coupon
};

// A booking as the member asks for it.
struct BookRequest {
  int64_t slot_id = 0;
  int64_t vehicle_id = 0;
  std::string service_type;
  std::optional<int64_t> coupon_id;
};

// What holds an appointment's coupon (coupons::Coupon::reserved_for), also the request id of
// its redemption: "appointment:<id>".
std::string CouponHolder(int64_t appointment_id);
// The appointment id of a CouponHolder text; nullopt for "" and for any other holder.
std::optional<int64_t> HoldingAppointment(std::string_view holder);

}  // namespace mileage::care
