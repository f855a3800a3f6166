#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/civil_time.h"
#include "common/result.h"

namespace mileage::civil {

// The Beijing days a daily report covers, as its query names them: `to` (default today) and
// either `from` or the number of `days` ending on `to` (default kDefaultReportDays); dates are
// "YYYY-MM-DD", both ends included.
struct DayRange {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<int64_t> days;
};

// The first and last day of a resolved DayRange, both included.
struct DaySpan {
  Date first;
  Date last;
};

inline constexpr int64_t kDefaultReportDays = 30;

// A report's day ("YYYY-MM-DD", years 2000 to 2199). InvalidArgument INVALID_FIELD naming
// `name` otherwise.
Result<Date> ParseReportDay(std::string_view text, std::string_view name);

// The days `range` names, `today` being the Beijing day it is now. InvalidArgument
// INVALID_FIELD for a date ParseReportDay refuses, `days` outside 1..max_days, both `from` and
// `days`, `from` after `to`, or more than `max_days` days.
Result<DaySpan> ResolveDayRange(const DayRange& range, const Date& today, int64_t max_days);

}  // namespace mileage::civil
