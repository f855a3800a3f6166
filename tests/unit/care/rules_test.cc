// The schedule rules of care/rules.h: opening hours text, service types, the schedule's ranges
// and the slots a schedule makes on a day (holidays, closed days, a last slot that must end by
// closing). Times are worked out by hand from 2030-01-07 00:00 Beijing = 1893945600, a Monday.
#include "care/rules.h"

#include <gtest/gtest.h>

namespace mileage::care {
namespace {

constexpr int64_t kMonday = 1893945600;

Schedule Weekdays() {
  Schedule s;
  for (int i = 0; i < 5; ++i) s.hours[i] = {9 * 60, 18 * 60};
  s.hours[5] = {9 * 60, 11 * 60 + 30};  // Saturday: 09:00 and 10:00 fit, 11:00 would not
  s.slot_minutes = 60;
  s.capacity = 2;
  s.service_types = {"maintenance", "wash"};
  s.holidays = {{2030, 1, 9}};
  return s;
}

TEST(CareRulesTest, HoursTextRoundTripsAndRefusesNonsense) {
  Result<DayHours> hours = ParseDayHours("08:30-17:45");
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->open_minute, 8 * 60 + 30);
  EXPECT_EQ(hours->close_minute, 17 * 60 + 45);
  EXPECT_EQ(FormatDayHours(*hours), "08:30-17:45");
  EXPECT_TRUE(ParseDayHours("")->closed());
  EXPECT_EQ(ParseDayHours("00:00-24:00")->close_minute, 24 * 60);
  for (const char* bad : {"9:00-18:00", "18:00-09:00", "09:00-09:00", "09:60-10:00", "24:30-24:45",
                          "09:00~18:00", "09:00-18:00 ", "ab:cd-ef:gh"}) {
    Result<DayHours> refused = ParseDayHours(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().reason(), "INVALID_HOURS") << bad;
  }
}

TEST(CareRulesTest, SlotsEndByClosingAndSkipHolidaysAndClosedDays) {
  const Schedule s = Weekdays();
  const std::vector<int64_t> monday = SlotStartsOn(s, {2030, 1, 7});
  ASSERT_EQ(monday.size(), 9u);
  EXPECT_EQ(monday.front(), kMonday + 9 * 3600);
  EXPECT_EQ(monday.back(), kMonday + 17 * 3600);
  EXPECT_TRUE(SlotStartsOn(s, {2030, 1, 9}).empty()) << "the holiday";
  const std::vector<int64_t> saturday = SlotStartsOn(s, {2030, 1, 12});
  ASSERT_EQ(saturday.size(), 2u);
  EXPECT_EQ(saturday.back(), kMonday + 5 * 86400 + 10 * 3600);
  EXPECT_TRUE(SlotStartsOn(s, {2030, 1, 13}).empty()) << "Sunday is closed";
}

TEST(CareRulesTest, ScheduleRangesHaveTheirOwnCodes) {
  EXPECT_TRUE(ValidateSchedule(Weekdays()).ok());
  auto reason = [](const std::function<void(Schedule&)>& change) {
    Schedule s = Weekdays();
    change(s);
    return std::string(ValidateSchedule(s).reason());
  };
  EXPECT_EQ(reason([](Schedule& s) { s.hours = {}; }), "INVALID_HOURS");
  EXPECT_EQ(reason([](Schedule& s) { s.slot_minutes = 9; }), "INVALID_SLOT_MINUTES");
  EXPECT_EQ(reason([](Schedule& s) { s.slot_minutes = 481; }), "INVALID_SLOT_MINUTES");
  EXPECT_EQ(reason([](Schedule& s) { s.capacity = 101; }), "INVALID_CAPACITY");
  EXPECT_EQ(reason([](Schedule& s) { s.service_types = {"Wash"}; }), "INVALID_SERVICE_TYPE");
  EXPECT_EQ(reason([](Schedule& s) { s.service_types = {std::string(33, 'a')}; }),
            "INVALID_SERVICE_TYPE");
  EXPECT_EQ(reason([](Schedule& s) { s.cutoff_minutes = 7 * 24 * 60 + 1; }), "INVALID_CUTOFF");
  EXPECT_EQ(reason([](Schedule& s) { s.holidays.push_back({2030, 1, 9}); }), "INVALID_HOLIDAY");
}

TEST(CareRulesTest, ListsSplitBackIntoTheirItems) {
  EXPECT_EQ(SplitList(""), std::vector<std::string>());
  EXPECT_EQ(SplitList("a,,b,"), (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(JoinList({"maintenance", "wash"}), "maintenance,wash");
}

}  // namespace
}  // namespace mileage::care
