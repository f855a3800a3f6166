// Civil time: expected values computed outside the code under test (Python's datetime and
// calendar, noted beside each).
#include "common/civil_time.h"

#include <gtest/gtest.h>

namespace mileage::civil {
namespace {

TimePoint At(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

TEST(CivilDaysTest, RoundTripsAndMatchesKnownOrdinals) {
  // date(2000,2,29).toordinal() - date(1970,1,1).toordinal() == 11016; 1900-03-01: -25508.
  EXPECT_EQ(DaysFromCivil({2000, 2, 29}), 11016);
  EXPECT_EQ(DaysFromCivil({1900, 3, 1}), -25508);
  EXPECT_EQ(CivilFromDays(11016), (Date{2000, 2, 29}));
  EXPECT_EQ(CivilFromDays(-25508), (Date{1900, 3, 1}));
  for (int64_t day = -800000; day <= 800000; day += 997) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(day)), day);
  }
  EXPECT_EQ(FloorDiv(-1, 86400), -1);
  EXPECT_EQ(FloorDiv(86400, 86400), 1);
}

TEST(BeijingCalendarTest, DaysAndMonthsTurnAtBeijingMidnight) {
  // 2024-01-31T16:30Z is 2024-02-01 00:30 in Beijing.
  EXPECT_EQ(BeijingDate(1706718600), (Date{2024, 2, 1}));
  EXPECT_EQ(BeijingMonth(1706718600), 202402);
  EXPECT_EQ(BeijingMonth(1706718600 - 3600), 202401);
  EXPECT_EQ(BeijingMonth(-1), 197001);  // 1969-12-31T23:59:59Z is 07:59:59 in Beijing
  EXPECT_EQ(BeijingStartOfDay({2000, 2, 29}), 951753600);
  EXPECT_EQ(MonthsBefore(202403, 3), 202312);
  EXPECT_EQ(MonthsBefore(202401, 24), 202201);
  EXPECT_EQ(MonthsBefore(202312, -1), 202401);
}

// Weekdays from a calendar: 1970-01-01 was a Thursday, 2000-02-29 a Tuesday, 2030-01-07 a
// Monday and 2030-01-13 a Sunday; also before 1970 (1969-12-28, a Sunday).
TEST(BeijingCalendarTest, IsoWeekdaysMatchTheCalendar) {
  EXPECT_EQ(IsoWeekday({1970, 1, 1}), 4);
  EXPECT_EQ(IsoWeekday({2000, 2, 29}), 2);
  EXPECT_EQ(IsoWeekday({2030, 1, 7}), 1);
  EXPECT_EQ(IsoWeekday({2030, 1, 13}), 7);
  EXPECT_EQ(IsoWeekday({1969, 12, 28}), 7);
}

TEST(BeijingCalendarTest, EndOfMonthIsTheLastBeijingSecond) {
  // 2024-03-10T00:00Z plus 24 months ends 2026-03-31 23:59:59 Beijing = 1774972799.
  EXPECT_EQ(EndOfBeijingMonth(1710028800, 24), 1774972799);
  // Leap February: 2024-02-29 23:59:59 Beijing = 1709222399.
  EXPECT_EQ(EndOfBeijingMonth(1706718600, 0), 1709222399);
  // December rolls into the next year: 2024-12-31 23:59:59 Beijing = 1735660799.
  EXPECT_EQ(EndOfBeijingMonth(1709222399, 10), 1735660799);
  EXPECT_EQ(EndOfBeijingMonth(1735660799 + 1, 0) > 1735660799, true);
}

TEST(DateTextTest, MonthDaysAndLeapYears) {
  EXPECT_EQ(FormatMonthDay({2026, 3, 1}), "03-01");
  EXPECT_EQ(FormatMonthDay({2028, 2, 29}), "02-29");
  EXPECT_EQ(FormatMonthDay({1999, 12, 31}), "12-31");
  EXPECT_TRUE(IsLeapYear(2028));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(2027));
  EXPECT_FALSE(IsLeapYear(2100));
}

TEST(DateTextTest, ParsesOnlyRealDatesAndBeijingTimes) {
  EXPECT_EQ(ParseDate("2024-02-29"), (Date{2024, 2, 29}));
  for (const char* bad :
       {"", "2023-02-29", "2024-13-01", "2024-1-01", "2024-01-01x", "2024/01/01", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseDate(bad).has_value()) << bad;
  }
  // 2026-12-06 09:30:00 in Beijing = 1796520600.
  EXPECT_EQ(ParseBeijingDateTime("2026-12-06 09:30:00"), 1796520600);
  for (const char* bad : {"2026-12-06T09:30:00", "2026-12-06 24:00:00", "2026-12-06 09:30",
                          "2026-12-06 09:30:60", "2026-02-30 09:30:00"}) {
    EXPECT_FALSE(ParseBeijingDateTime(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatDate({2026, 3, 1}), "2026-03-01");
}

TEST(Rfc3339Test, FormatsUtcWithAndWithoutMillis) {
  EXPECT_EQ(FormatRfc3339Utc(1796518923), "2026-12-06T01:02:03Z");
  EXPECT_EQ(FormatRfc3339Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339UtcMillis(At(1796518923) + std::chrono::milliseconds(45)),
            "2026-12-06T01:02:03.045Z");
}

TEST(Rfc3339Test, ParsesWechatTimes) {
  EXPECT_EQ(ParseRfc3339("2018-06-08T10:34:56+08:00"), At(1528425296));
  EXPECT_EQ(ParseRfc3339("2018-06-08T02:34:56Z"), At(1528425296));
  EXPECT_EQ(ParseRfc3339("2018-06-08T02:34:56.5Z"),
            At(1528425296) + std::chrono::milliseconds(500));
  EXPECT_EQ(ParseRfc3339("2018-06-07T21:34:56-05:00"), At(1528425296));
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), At(0));
  EXPECT_EQ(ParseRfc3339("2200-12-31T23:59:59Z"), At(7289654399));
  for (const char* bad :
       {"", "2018-06-08", "2018-06-08T10:34:56", "2018-06-08 10:34:56+08:00",
        "2018-13-08T10:34:56+08:00", "2018-02-30T10:34:56+08:00", "2018-06-08T24:00:00+08:00",
        "2018-06-08T10:34:56+0800", "2018-06-08T10:34:56+08:00x", "2018-06-08T10:34:56.Z",
        "2018-06-08T10:34:56.1234567890Z", "2018-06-08T10:34:56+24:00", "1969-12-31T23:59:59Z",
        "9999-12-31T23:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Rfc3339Test, FormatsInChinaStandardTime) {
  EXPECT_EQ(FormatRfc3339Beijing(At(1528425296)), "2018-06-08T10:34:56+08:00");
  EXPECT_EQ(FormatRfc3339Beijing(At(0)), "1970-01-01T08:00:00+08:00");
  EXPECT_EQ(ParseRfc3339(FormatRfc3339Beijing(At(1700000000))), At(1700000000));
}

// Checked with Python: calendar.monthrange for the clamped days.
TEST(AddMonthsTest, MovesByCalendarMonthsAndClampsToTheMonthEnd) {
  EXPECT_EQ(AddMonths(Date{2026, 3, 15}, 6), (Date{2026, 9, 15}));
  EXPECT_EQ(AddMonths(Date{2026, 11, 30}, 3), (Date{2027, 2, 28}));
  EXPECT_EQ(AddMonths(Date{2027, 8, 31}, 6), (Date{2028, 2, 29}));  // leap year
  EXPECT_EQ(AddMonths(Date{2026, 12, 31}, 1), (Date{2027, 1, 31}));
  EXPECT_EQ(AddMonths(Date{2026, 1, 31}, -2), (Date{2025, 11, 30}));
  EXPECT_EQ(AddMonths(Date{2026, 5, 5}, 0), (Date{2026, 5, 5}));
  EXPECT_EQ(AddMonths(Date{2026, 5, 5}, 24), (Date{2028, 5, 5}));
}

}  // namespace
}  // namespace mileage::civil
