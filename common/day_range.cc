#include "common/day_range.h"

namespace mileage::civil {
namespace {

constexpr int64_t kFirstYear = 2000;
constexpr int64_t kLastYear = 2199;

Status InvalidDays(int64_t max_days) {
  return InvalidArgumentError("days must be 1-" + std::to_string(max_days), "INVALID_FIELD");
}

}  // namespace

Result<Date> ParseReportDay(std::string_view text, std::string_view name) {
  std::optional<Date> parsed = ParseDate(text);
  if (!parsed.has_value() || parsed->year < kFirstYear || parsed->year > kLastYear) {
    return InvalidArgumentError(std::string(name) + " must be a day YYYY-MM-DD", "INVALID_FIELD");
  }
  return *parsed;
}

Result<DaySpan> ResolveDayRange(const DayRange& range, const Date& today, int64_t max_days) {
  Date to = today;
  if (range.to.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(to, ParseReportDay(*range.to, "to"));
  }
  const int64_t last = DaysFromCivil(to);
  if (range.from.has_value() && range.days.has_value()) {
    return InvalidArgumentError("give from or days, not both", "INVALID_FIELD");
  }
  if (!range.from.has_value()) {
    const int64_t days = range.days.value_or(kDefaultReportDays);
    if (days < 1 || days > max_days) return InvalidDays(max_days);
    return DaySpan{CivilFromDays(last - (days - 1)), to};
  }
  MILEAGE_ASSIGN_OR_RETURN(Date from, ParseReportDay(*range.from, "from"));
  const int64_t first = DaysFromCivil(from);
  if (first > last) return InvalidArgumentError("from must not be after to", "INVALID_FIELD");
  if (last - first + 1 > max_days) {
    return InvalidArgumentError("at most " + std::to_string(max_days) + " days", "INVALID_FIELD");
  }
  return DaySpan{from, to};
}

}  // namespace mileage::civil
