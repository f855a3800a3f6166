#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mileage::care {

// What a care rule greets: the member's birthday (member_profiles) or the anniversary of their
// first payment (members.first_paid_at).
enum class CareKind { kBirthday, kAnniversary };

// "birthday", "anniversary"; Parse answers nullopt for any other text.
std::string_view CareKindName(CareKind kind);
std::optional<CareKind> ParseCareKind(std::string_view name);

// A brand's care rule (docs/API.md "Birthday and anniversary care"): on each member's day (or
// days_before days ahead of it) it grants one coupon of `stock_id` (none: the greeting is a
// message only) and sends the member a message, once a year. A value type.
struct CareRule {
  int64_t id = 0;
  int64_t brand_id = 0;
  CareKind kind = CareKind::kBirthday;
  std::optional<int64_t> stock_id;
  int64_t days_before = 0;
  bool enabled = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  static constexpr int64_t kMaxDaysBefore = 7;
};

// A new rule as the console asks for it.
struct NewCareRule {
  CareKind kind = CareKind::kBirthday;
  std::optional<int64_t> stock_id;
  int64_t days_before = 0;
  bool enabled = true;
};

// A change to a rule; unset fields stay. `stock_id` holding nullopt removes the stock (the
// rule then sends its message only).
struct CareRulePatch {
  std::optional<std::optional<int64_t>> stock_id;
  std::optional<int64_t> days_before;
  std::optional<bool> enabled;
};

// What a greeting gave: a coupon; no coupon because the stock had none for the member (reason
// says why: LIMIT_REACHED, SOLD_OUT, NOT_ACTIVE, NOT_ELIGIBLE, STOCK_NOT_FOUND); or a message
// only, the rule naming no stock.
inline constexpr std::string_view kOutcomeCoupon = "coupon";
inline constexpr std::string_view kOutcomeNoCoupon = "no_coupon";
inline constexpr std::string_view kOutcomeMessageOnly = "message_only";

// One greeting of a member by a rule for the occasion (birthday or anniversary) of one year.
// occasion_on is the date greeted ("YYYY-MM-DD", Beijing; Feb 28 for a Feb 29 day in a year
// without one). A value type.
struct Greeting {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t rule_id = 0;
  CareKind kind = CareKind::kBirthday;
  int64_t member_id = 0;
  int64_t occasion_year = 0;
  std::string occasion_on;
  std::string outcome;
  std::string reason;  // "" unless no_coupon
  std::optional<int64_t> stock_id;
  std::optional<int64_t> coupon_id;
  int64_t created_at = 0;
};

// What GET /api/console/care-greetings filters on (each optional).
struct GreetingFilter {
  std::optional<int64_t> member_id;
  std::optional<int64_t> rule_id;
  std::optional<CareKind> kind;
};

}  // namespace mileage::care
