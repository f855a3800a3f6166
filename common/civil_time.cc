#include "common/civil_time.h"

#include <algorithm>
#include <cstdio>

namespace mileage::civil {
namespace {

// Years ParseRfc3339 accepts (TimePoint's int64 nanoseconds end in 2262).
constexpr int kMinRfc3339Year = 1970;
constexpr int kMaxRfc3339Year = 2200;

// Exactly `width` decimal digits at `pos`, or -1.
int64_t Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int64_t value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int64_t DaysInMonth(int64_t year, int64_t month) {
  static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool IsRealDate(const Date& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= DaysInMonth(d.year, d.month);
}

// "YYYY-MM-DD" at the start of `text`.
std::optional<Date> DatePrefix(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const Date date{Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2)};
  if (date.year < 0 || !IsRealDate(date)) return std::nullopt;
  return date;
}

// HH:MM:SS at `pos` as seconds of the day (a leap second 60 allowed when `leap_ok`), or -1.
int64_t TimeOfDay(std::string_view text, size_t pos, bool leap_ok) {
  if (pos + 8 > text.size() || text[pos + 2] != ':' || text[pos + 5] != ':') return -1;
  const int64_t h = Digits(text, pos, 2), m = Digits(text, pos + 3, 2),
                s = Digits(text, pos + 6, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > (leap_ok ? 60 : 59)) return -1;
  return h * 3600 + m * 60 + s;
}

std::string Format(int64_t local_seconds, const char* suffix, int millis) {
  const int64_t days = FloorDiv(local_seconds, kSecondsPerDay);
  const int64_t of_day = local_seconds - days * kSecondsPerDay;
  const Date d = CivilFromDays(days);
  char buf[48];
  if (millis >= 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03d%s",
                  static_cast<long long>(d.year), static_cast<long long>(d.month),
                  static_cast<long long>(d.day), static_cast<long long>(of_day / 3600),
                  static_cast<long long>(of_day / 60 % 60), static_cast<long long>(of_day % 60),
                  millis, suffix);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld%s",
                  static_cast<long long>(d.year), static_cast<long long>(d.month),
                  static_cast<long long>(d.day), static_cast<long long>(of_day / 3600),
                  static_cast<long long>(of_day / 60 % 60), static_cast<long long>(of_day % 60),
                  suffix);
  }
  return buf;
}

}  // namespace

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t DaysFromCivil(const Date& date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t m = date.month;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Date date;
  date.day = doy - (153 * mp + 2) / 5 + 1;
  date.month = mp < 10 ? mp + 3 : mp - 9;
  date.year = yoe + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

Date AddMonths(const Date& date, int64_t months) {
  const int64_t index = date.year * 12 + (date.month - 1) + months;
  Date out{FloorDiv(index, 12), index - FloorDiv(index, 12) * 12 + 1, 1};
  const Date next_month{out.month == 12 ? out.year + 1 : out.year, out.month % 12 + 1, 1};
  const int64_t month_days = DaysFromCivil(next_month) - DaysFromCivil(out);
  out.day = std::min(date.day, month_days);
  return out;
}

int64_t IsoWeekday(const Date& date) {
  // Day 0, 1970-01-01, was a Thursday (4): Monday is 0 after shifting by 3.
  const int64_t shifted = DaysFromCivil(date) + 3;
  return shifted - FloorDiv(shifted, 7) * 7 + 1;
}

Date BeijingDate(int64_t unix_seconds) {
  return CivilFromDays(FloorDiv(unix_seconds + kBeijingOffsetSeconds, kSecondsPerDay));
}

int64_t BeijingStartOfDay(const Date& date) {
  return DaysFromCivil(date) * kSecondsPerDay - kBeijingOffsetSeconds;
}

int64_t EndOfBeijingMonth(int64_t unix_seconds, int64_t months_later) {
  const Date date = BeijingDate(unix_seconds);
  // The month after the one asked for, as a 0-based month count; its first day's start minus
  // one second is the last second asked for.
  const int64_t next = date.year * 12 + (date.month - 1) + months_later + 1;
  const int64_t next_year = FloorDiv(next, 12);
  return BeijingStartOfDay({next_year, next - next_year * 12 + 1, 1}) - 1;
}

int64_t BeijingMonth(int64_t unix_seconds) {
  const Date date = BeijingDate(unix_seconds);
  return date.year * 100 + date.month;
}

int64_t MonthsBefore(int64_t yyyymm, int64_t months) {
  const int64_t index = (yyyymm / 100) * 12 + (yyyymm % 100 - 1) - months;
  const int64_t year = FloorDiv(index, 12);
  return year * 100 + (index - year * 12 + 1);
}

std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return DatePrefix(text);
}

std::optional<Date> ParseMonth(std::string_view text) {
  if (text.size() != 7) return std::nullopt;
  return ParseDate(std::string(text) + "-01");
}

std::optional<int64_t> ParseBeijingDateTime(std::string_view text) {
  if (text.size() != 19 || text[10] != ' ') return std::nullopt;
  const std::optional<Date> date = DatePrefix(text);
  const int64_t of_day = TimeOfDay(text, 11, /*leap_ok=*/false);
  if (!date.has_value() || of_day < 0) return std::nullopt;
  return BeijingStartOfDay(*date) + of_day;
}

std::optional<TimePoint> ParseRfc3339(std::string_view text) {
  const std::optional<Date> date = DatePrefix(text);
  if (!date.has_value() || date->year < kMinRfc3339Year || date->year > kMaxRfc3339Year ||
      text.size() < 20 || (text[10] != 'T' && text[10] != 't')) {
    return std::nullopt;
  }
  const int64_t of_day = TimeOfDay(text, 11, /*leap_ok=*/true);
  if (of_day < 0) return std::nullopt;
  size_t pos = 19;
  int64_t nanos = 0;
  if (text[pos] == '.') {
    const size_t start = ++pos;
    int64_t scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int64_t oh = Digits(text, pos + 1, 2), om = Digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || pos + 3 >= text.size() || text[pos + 3] != ':' || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t seconds = DaysFromCivil(*date) * kSecondsPerDay + of_day - offset;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos)));
}

std::string FormatRfc3339Utc(int64_t unix_seconds) { return Format(unix_seconds, "Z", -1); }

std::string FormatRfc3339UtcMillis(TimePoint t) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const int64_t seconds = FloorDiv(ms, 1000);
  return Format(seconds, "Z", static_cast<int>(ms - seconds * 1000));
}

std::string FormatRfc3339Beijing(TimePoint t) {
  return Format(UnixSeconds(t) + kBeijingOffsetSeconds, "+08:00", -1);
}

std::string FormatDate(const Date& date) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(date.year),
                static_cast<long long>(date.month), static_cast<long long>(date.day));
  return buf;
}

std::string FormatMonthDay(const Date& date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lld-%02lld", static_cast<long long>(date.month),
                static_cast<long long>(date.day));
  return buf;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace mileage::civil
