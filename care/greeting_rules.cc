#include "care/greeting_rules.h"

#include "care/greeting_types.h"

namespace mileage::care {

std::string_view CareKindName(CareKind kind) {
  return kind == CareKind::kAnniversary ? "anniversary" : "birthday";
}

std::optional<CareKind> ParseCareKind(std::string_view name) {
  if (name == "birthday") return CareKind::kBirthday;
  if (name == "anniversary") return CareKind::kAnniversary;
  return std::nullopt;
}

std::vector<std::string> MonthDaysGreetedOn(const civil::Date& day) {
  std::vector<std::string> days{civil::FormatMonthDay(day)};
  if (day.month == 2 && day.day == 28 && !civil::IsLeapYear(day.year)) days.push_back("02-29");
  return days;
}

}  // namespace mileage::care
