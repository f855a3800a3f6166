#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::members {

// Which members of a brand have their day on a given day of the year, as the care greetings
// job (care/greeting_job.h) asks: one page of ids at a time, in id order after `after_id`.
struct DayQuery {
  int64_t brand_id = 0;
  std::vector<std::string> month_days;  // 1..2 of "MM-DD" ("02-28" and "02-29" together)
  int64_t after_id = 0;
  int64_t limit = 100;
};

// A member whose day it is, with the tier a coupon's lowest tier is checked against.
struct MemberOfDay {
  int64_t id = 0;
  std::string tier;
};

// The SQL of the members' days: birthdays (member_profiles.birthday_md, generated from the
// birthday) and first payments (members.first_paid_md, kept by MemberStore::RecordPayment),
// each read through an index on the month-day, never by reading every member. Only active
// members are returned (a suspended member is greeted by nothing). Lives for one use of its
// connection; not safe for concurrent use. Errors: the db::Connection errors; InvalidArgument
// when month_days is empty or holds more than two.
class MemberDays {
 public:
  explicit MemberDays(db::Connection& conn) : conn_(conn) {}

  // The active members whose birthday falls on one of `query.month_days` and who were born
  // before `born_before` ("YYYY-MM-DD", exclusive: nobody is greeted in the year of birth).
  Result<std::vector<MemberOfDay>> Birthdays(const DayQuery& query, const std::string& born_before);
  // The active members whose first payment fell, in Beijing time, on one of
  // `query.month_days` and before `paid_before` (Unix seconds, exclusive: the first anniversary
  // is a year after the payment).
  Result<std::vector<MemberOfDay>> FirstPaymentDays(const DayQuery& query, int64_t paid_before);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::members
