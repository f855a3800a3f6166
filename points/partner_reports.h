#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "common/clock.h"
#include "common/day_range.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::points {

// What one partner did on one Beijing day (docs/API.md "GET /api/partner/v1/reports"), by the
// server's time of each request: earnings recorded (count, purchase amount, points credited),
// points taken back by reversals made that day, and burns made that day and not cancelled
// (count, points, discount). A value type.
struct PartnerDayTotals {
  int64_t earnings = 0;
  int64_t amount_fen = 0;
  int64_t points_earned = 0;
  int64_t points_reversed = 0;
  int64_t burns = 0;
  int64_t points_burned = 0;
  int64_t discount_fen = 0;

  bool operator==(const PartnerDayTotals&) const = default;
};

// One day of a partner's report. `members` counts the distinct members the partner served that
// day (an earning, a reversal of one of their earnings, or a burn not cancelled). A day with 1
// to kMinGroupMembers - 1 members is `suppressed`: its members and totals are not given (zero
// here, null in the JSON).
struct PartnerReportDay {
  civil::Date date;
  bool suppressed = false;
  int64_t members = 0;
  PartnerDayTotals totals;
};

// A partner's days from `from` to `to`, one entry per day, oldest first. `totals` sums the days
// that are not suppressed only, so that no suppressed figure can be recovered by subtracting the
// shown days from it; `suppressed_days` says how many days it leaves out.
struct PartnerReport {
  civil::Date from;
  civil::Date to;
  std::vector<PartnerReportDay> days;
  PartnerDayTotals totals;
  int64_t suppressed_days = 0;
};

// The partner-facing aggregates of points at partners: a partner's daily report and, for a
// member, the points they earned at each partner. Each read is SQL aggregation over one
// partner's (or one member's) rows through an index (migrations 0021, 0025); nothing here names
// a member to a partner. Owned by the composition root; safe for concurrent use.
class PartnerReports {
 public:
  // A quarter's days.
  static constexpr int64_t kMaxDays = 92;
  // The smallest group of members a report shows figures for.
  static constexpr int64_t kMinGroupMembers = 5;

  PartnerReports(db::Db& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Partner `partner_id`'s report over the Beijing days `range` names (civil::ResolveDayRange;
  // default the last 30 days). Errors: InvalidArgument INVALID_FIELD (a date that is not a day
  // YYYY-MM-DD between 2000 and 2199, from after to, more than kMaxDays days); the db errors.
  Result<PartnerReport> Daily(int64_t partner_id, const civil::DayRange& range);

  // The net points member `member_id` earned at each of `partner_ids` (partner_earn journals
  // less partner_reversal journals), by partner id, in one query; partners where the member
  // earned nothing map to 0. Errors: the db errors.
  Result<std::map<int64_t, int64_t>> PointsEarnedAt(int64_t member_id,
                                                    std::span<const int64_t> partner_ids);

 private:
  db::Db& db_;
  const Clock& clock_;
};

}  // namespace mileage::points
