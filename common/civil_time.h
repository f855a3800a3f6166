#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

// Civil time, the one home for it (DESIGN.md section 1): calendar dates, Beijing days and
// months (China Standard Time, UTC+8 all year: the business calendar of every brand), and
// RFC 3339 text. Pure functions over Unix seconds; safe for concurrent use.
namespace mileage::civil {

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int64_t kBeijingOffsetSeconds = 8 * 3600;

// A proleptic Gregorian date; month 1-12, day 1-31.
struct Date {
  int64_t year = 1970;
  int64_t month = 1;
  int64_t day = 1;
  bool operator==(const Date&) const = default;
};

// floor(a / b) for b > 0, also for negative a.
int64_t FloorDiv(int64_t a, int64_t b);

// Days since 1970-01-01 of a date, and back (H. Hinnant's days_from_civil / civil_from_days;
// exact for every date an int64 day count holds).
int64_t DaysFromCivil(const Date& date);
Date CivilFromDays(int64_t days);

// The date `months` calendar months after `date` (negative: before), its day clamped to the
// last day of that month (2026-01-31 + 1 month = 2026-02-28).
Date AddMonths(const Date& date, int64_t months);

// The ISO weekday of a date: 1 = Monday .. 7 = Sunday.
int64_t IsoWeekday(const Date& date);

// The Beijing calendar date of a Unix time.
Date BeijingDate(int64_t unix_seconds);
// The Unix time of 00:00:00 Beijing time on `date`.
int64_t BeijingStartOfDay(const Date& date);
// The last second (23:59:59 Beijing time) of the month `months_later` months after the Beijing
// month of `unix_seconds` (0 = that month itself).
int64_t EndOfBeijingMonth(int64_t unix_seconds, int64_t months_later);
// The Beijing month of a Unix time as yyyymm (202611).
int64_t BeijingMonth(int64_t unix_seconds);
// yyyymm moved `months` back (negative: forward).
int64_t MonthsBefore(int64_t yyyymm, int64_t months);

// "YYYY-MM-DD" naming a real date; nullopt otherwise (no other text around it).
std::optional<Date> ParseDate(std::string_view text);
// "YYYY-MM" naming a real month, as the date of its first day; nullopt otherwise.
std::optional<Date> ParseMonth(std::string_view text);
// "YYYY-MM-DD HH:MM:SS" read as Beijing time (WeChat Pay's bills), as Unix seconds; nullopt
// when it is not such a time.
std::optional<int64_t> ParseBeijingDateTime(std::string_view text);
// "2018-06-08T10:34:56+08:00", also "Z", other offsets and fractional seconds; years
// 1970-2200 (TimePoint counts nanoseconds in an int64, which ends in 2262). nullopt when the
// text is not such a time or a field is out of range.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// "2026-12-06T01:02:03Z" (whole seconds).
std::string FormatRfc3339Utc(int64_t unix_seconds);
// "2026-12-06T01:02:03.456Z".
std::string FormatRfc3339UtcMillis(TimePoint t);
// "2026-12-06T09:02:03+08:00", the way WeChat Pay writes times (whole seconds).
std::string FormatRfc3339Beijing(TimePoint t);
// "2026-12-06".
std::string FormatDate(const Date& date);
// "12-06": the month and day of a date (birthdays and anniversaries by day of the year).
std::string FormatMonthDay(const Date& date);
// Whether `year` has a February 29 (Gregorian).
bool IsLeapYear(int64_t year);

}  // namespace mileage::civil
