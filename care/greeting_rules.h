#pragma once

#include <string>
#include <vector>

#include "common/civil_time.h"

namespace mileage::care {

// The calendar rule of birthday and anniversary care. Pure.
//
// The month-days ("MM-DD") whose birthdays and anniversaries are greeted on the date `day`:
// its own, and on February 28 of a year without a February 29 also "02-29", so that a member
// born (or who first paid) on a February 29 is greeted once every year, on February 28 when
// the year has no February 29.
std::vector<std::string> MonthDaysGreetedOn(const civil::Date& day);

}  // namespace mileage::care
