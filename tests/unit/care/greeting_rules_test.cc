// The calendar rule of birthday and anniversary care: which month-days a date greets.
#include "care/greeting_rules.h"

#include <gtest/gtest.h>

#include "care/greeting_types.h"

namespace mileage::care {
namespace {

using Days = std::vector<std::string>;

TEST(GreetingRulesTest, ADateGreetsItsOwnMonthDay) {
  EXPECT_EQ(MonthDaysGreetedOn({2027, 1, 1}), (Days{"01-01"}));
  EXPECT_EQ(MonthDaysGreetedOn({2027, 12, 31}), (Days{"12-31"}));
  EXPECT_EQ(MonthDaysGreetedOn({2027, 3, 1}), (Days{"03-01"}));
}

TEST(GreetingRulesTest, February29IsGreetedOnFebruary28WithoutOne) {
  EXPECT_EQ(MonthDaysGreetedOn({2027, 2, 28}), (Days{"02-28", "02-29"}));
  EXPECT_EQ(MonthDaysGreetedOn({2100, 2, 28}), (Days{"02-28", "02-29"}));  // not a leap year
  EXPECT_EQ(MonthDaysGreetedOn({2028, 2, 28}), (Days{"02-28"}));
  EXPECT_EQ(MonthDaysGreetedOn({2028, 2, 29}), (Days{"02-29"}));
  EXPECT_EQ(MonthDaysGreetedOn({2000, 2, 28}), (Days{"02-28"}));  // 2000 has a Feb 29
}

TEST(GreetingRulesTest, KindsReadBackTheirNames) {
  EXPECT_EQ(ParseCareKind("birthday"), CareKind::kBirthday);
  EXPECT_EQ(ParseCareKind("anniversary"), CareKind::kAnniversary);
  EXPECT_EQ(ParseCareKind("Birthday"), std::nullopt);
  EXPECT_EQ(ParseCareKind(""), std::nullopt);
  EXPECT_EQ(CareKindName(CareKind::kAnniversary), "anniversary");
}

}  // namespace
}  // namespace mileage::care
