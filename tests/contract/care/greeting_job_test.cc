// The greetings job over two simulated years (2026-11-18 .. 2028-12-31 Beijing, one run a day at
// hours on both sides of the UTC date line, some days run twice): every member gets exactly the
// greetings computed here per year with std::chrono (Feb 29 on Feb 28 in other years, the day
// before Jan 1 in UTC, anniversaries from the first one on, days_before), on the right Beijing
// day, each with its coupon, event and counter; suspended members and another brand's members
// get nothing; the first run catches up the day the rules were made. Then the stock's own
// rules: sold out and per-member limit give no_coupon and still greet. Then missed runs: caught
// up two days back, never before the rule last changed.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "tests/contract/care/greeting_fixture.h"

namespace mileage::care {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr sys_days kRulesMade = sys_days(year{2026} / 11 / 17);  // kNow's Beijing day
constexpr sys_days kFirst = sys_days(year{2026} / 11 / 18);
constexpr sys_days kLast = sys_days(year{2028} / 12 / 31);

// The occasion of month-day (m, d) in year y: Feb 29 falls on Feb 28 without one.
year_month_day OccasionIn(int y, unsigned m, unsigned d) {
  year_month_day ymd{year{y}, month{m}, day{d}};
  return ymd.ok() ? ymd : year_month_day{year{y}, month{2}, day{28}};
}

// A greeting as the test expects it: (rule, member, occasion date).
using Expected = std::tuple<int64_t, int64_t, std::string>;

class GreetingJobTest : public GreetingTest {
 protected:
  // Adds the greetings of one rule for a member whose day is `since` (birth, or first payment
  // day): every occasion after `since` whose firing day (occasion - days_before) is simulated,
  // or is the day the rules were made, which the first run catches up.
  void Expect(int64_t rule, int64_t member, year_month_day since, int64_t days_before) {
    for (int y = static_cast<int>(since.year()) + (rule_kind_[rule] == CareKind::kBirthday ? 0 : 1);
         y <= 2029; ++y) {
      const year_month_day occasion =
          OccasionIn(y, static_cast<unsigned>(since.month()), static_cast<unsigned>(since.day()));
      if (sys_days(occasion) <= sys_days(since)) continue;
      const sys_days fires = sys_days(occasion) - days{days_before};
      if (fires < kRulesMade || fires > kLast) continue;
      const sys_days greeted_on = std::max(fires, kFirst);
      expected_.insert({rule, member, Text(occasion)});
      per_day_[greeted_on] += 1;
      fires_on_[{rule, member, Text(occasion)}] = greeted_on;
    }
  }

  // "rule/member/occasion_on" of the greetings written at `now`, for a failure's message.
  std::string WrittenAt(int64_t now) {
    Result<db::PooledConnection> conn = db().Acquire();
    if (!conn.ok()) return "?";
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT rule_id, member_id, occasion_on FROM care_greetings WHERE created_at = ?",
        {db::Value(now)});
    std::string out;
    if (!rows.ok()) return "?";
    for (const db::Row& row : *rows) {
      out += row.Text(0) + "/" + row.Text(1) + "/" + row.Text(2) + " ";
    }
    return out;
  }

  std::map<int64_t, CareKind> rule_kind_;
  std::set<Expected> expected_;
  std::map<sys_days, int64_t> per_day_;
  std::map<Expected, sys_days> fires_on_;
};

TEST_P(GreetingJobTest, TwoYearsGreetEachMemberOncePerOccasionOnTheirDay) {
  if (database_ == nullptr) return;
  const coupons::Stock birthday_stock = GrantStock(tree_.brand, 5000, 10);
  const coupons::Stock anniversary_stock = GrantStock(tree_.brand, 5000, 10);
  const int64_t birthday = Rule(CareKind::kBirthday, birthday_stock.id, 2, tree_.brand);
  const int64_t message = Rule(CareKind::kBirthday, std::nullopt, 0, tree_.brand);
  const int64_t anniversary = Rule(CareKind::kAnniversary, anniversary_stock.id, 0, tree_.brand);
  const int64_t foreign = Rule(CareKind::kBirthday, std::nullopt, 0, tree_.brand_z, &admin_z_);
  ASSERT_FALSE(HasFailure());
  rule_kind_ = {{birthday, CareKind::kBirthday},
                {message, CareKind::kBirthday},
                {anniversary, CareKind::kAnniversary},
                {foreign, CareKind::kBirthday}};

  // Birthdays: the edges first, then a spread over the year.
  const std::vector<std::string> edges = {"2000-02-29", "1996-02-29", "1990-02-28", "1991-03-01",
                                          "1985-12-31", "1986-01-01", "2004-11-18", "2004-11-19",
                                          "1970-11-20", "1999-12-30", "2001-01-02", "2026-11-16"};
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 260);
  const std::vector<int64_t> foreigners = NewMembers(tree_.store_z1, 20);
  ASSERT_EQ(members.size(), 260u);
  uint32_t lcg = 12345;
  auto next = [&lcg](uint32_t n) {
    lcg = lcg * 1103515245u + 12345u;
    return (lcg >> 8) % n;
  };
  for (size_t i = 0; i < members.size(); ++i) {
    const int64_t m = members[i];
    const bool suspended = i % 37 == 20;  // never one of the edges
    if (suspended) Suspend(m);
    year_month_day born{year{0}, month{0}, day{0}};  // not ok(): no birthday
    if (i < edges.size()) {
      const std::string& e = edges[i];
      born = year_month_day{year{std::stoi(e.substr(0, 4))},
                            month{static_cast<unsigned>(std::stoi(e.substr(5, 2)))},
                            day{static_cast<unsigned>(std::stoi(e.substr(8, 2)))}};
    } else if (i % 9 != 0) {  // every ninth member keeps no birthday
      born = year_month_day{sys_days(year{1960} / 1 / 1) + days{next(365 * 45)}};
    }
    if (born.ok()) {
      SetBirthday(m, Text(born));
      if (!suspended) {
        Expect(birthday, m, born, 2);
        Expect(message, m, born, 0);
      }
    }
    // Payments: two of three members pay; the first payment anywhere from 2024 to 2028, some
    // a few minutes after Beijing midnight (the UTC date is the day before), some out of order.
    if (i % 3 == 0) continue;
    int64_t first =
        BeijingTime(sys_days(year{2024} / 1 / 1) + days{next(365 * 5)}, next(24), next(60));
    if (i % 7 == 1) first = BeijingTime(sys_days(year{2024} / 2 / 29), 0, 10);
    if (i % 11 == 2) first = BeijingTime(sys_days(year{2025} / 1 / 1), 0, 5);
    if (i % 13 == 3) first = BeijingTime(sys_days(year{2025} / 12 / 31), 23, 59);
    if (i % 4 == 1) Pay(m, first + 86400 * 40);  // a later payment notified first
    Pay(m, first);
    if (i % 5 == 2) Pay(m, first + 86400 * 400);
    if (!suspended) Expect(anniversary, m, year_month_day{BeijingDay(first)}, 0);
  }
  for (size_t i = 0; i < foreigners.size(); ++i) {
    const year_month_day born{sys_days(year{1980} / 1 / 1) + days{next(365 * 20)}};
    SetBirthday(foreigners[i], Text(born));
    Expect(foreign, foreigners[i], born, 0);
  }
  ASSERT_FALSE(HasFailure());

  const int64_t hours[] = {0, 7, 16, 23};
  int64_t run = 0;
  for (sys_days d = kFirst; d <= kLast; d += days{1}, ++run) {
    const int64_t now = BeijingTime(d, hours[run % 4], 5);
    Result<int64_t> greeted = Run(now);
    ASSERT_TRUE(greeted.ok()) << Text(year_month_day{d}) << ": " << greeted.status().ToString();
    ASSERT_EQ(*greeted, per_day_[d]) << Text(year_month_day{d}) << ": " << WrittenAt(now);
    if (run % 5 == 0) {
      Result<int64_t> again = Run(now + 3600 * (hours[run % 4] == 23 ? 0 : 1));
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(*again, 0) << "a second run on " << Text(year_month_day{d});
    }
  }

  // Exactly the expected greetings, each written on its firing day.
  Result<db::PooledConnection> conn = db().Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<db::Row>> rows = (*conn)->Query(
      "SELECT rule_id, member_id, occasion_on, occasion_year, created_at, outcome, coupon_id, "
      "kind FROM care_greetings");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::multiset<Expected> got;
  int64_t wrong_day = 0, wrong_outcome = 0;
  for (const db::Row& row : *rows) {
    const Expected key{row.Int(0), row.Int(1), row.Text(2)};
    got.insert(key);
    auto fires = fires_on_.find(key);
    if (fires != fires_on_.end() && BeijingDay(row.Int(4)) != fires->second) ++wrong_day;
    EXPECT_EQ(std::to_string(row.Int(3)), row.Text(2).substr(0, 4));
    const bool with_stock = row.Int(0) == birthday || row.Int(0) == anniversary;
    if (row.Text(5) != (with_stock ? "coupon" : "message_only") || row.IsNull(6) == with_stock) {
      ++wrong_outcome;
    }
  }
  EXPECT_EQ(got, std::multiset<Expected>(expected_.begin(), expected_.end()));
  EXPECT_EQ(wrong_day, 0);
  EXPECT_EQ(wrong_outcome, 0);

  // The edges happened: Feb 29 greeted on Feb 28 in 2027 and on Feb 29 in 2028, anniversaries
  // of a Feb 29 payment likewise, Dec 31 and Jan 1 each once a year.
  EXPECT_EQ(expected_.count({message, members[0], "2027-02-28"}), 1u);
  EXPECT_EQ(expected_.count({message, members[0], "2028-02-29"}), 1u);
  EXPECT_EQ(expected_.count({birthday, members[5], "2027-01-01"}), 1u);
  EXPECT_EQ(expected_.count({message, members[4], "2027-12-31"}), 1u);
  EXPECT_GT(expected_.size(), 1000u);

  // Every coupon greeting holds its coupon, of the rule's stock, for the member; the counters
  // and the events agree.
  auto count = [&](const std::string& sql) { return QueryInt(sql); };
  int64_t with_birthday_coupon = 0, with_anniversary_coupon = 0, birthdays = 0, anniversaries = 0;
  for (const Expected& e : expected_) {
    const int64_t rule = std::get<0>(e);
    with_birthday_coupon += rule == birthday;
    with_anniversary_coupon += rule == anniversary;
    (rule_kind_[rule] == CareKind::kBirthday ? birthdays : anniversaries) += 1;
  }
  Result<std::vector<db::Row>> held = (*conn)->Query(
      "SELECT g.rule_id, g.occasion_year, c.source_ref FROM care_greetings g JOIN coupons c ON "
      "c.id = g.coupon_id WHERE c.member_id = g.member_id AND c.stock_id = g.stock_id");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(static_cast<int64_t>(held->size()), with_birthday_coupon + with_anniversary_coupon);
  for (const db::Row& row : *held) {
    EXPECT_EQ(row.Text(2), "care:" + row.Text(0) + ":" + row.Text(1));
  }
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM coupons WHERE stock_id = " + std::to_string(birthday_stock.id)),
      with_birthday_coupon);
  EXPECT_EQ(count("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = " +
                  std::to_string(birthday_stock.id)),
            with_birthday_coupon);
  EXPECT_EQ(count("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = " +
                  std::to_string(anniversary_stock.id)),
            with_anniversary_coupon);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox_events WHERE topic = 'care.birthday'"), birthdays);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox_events WHERE topic = 'care.anniversary'"),
            anniversaries);
  EXPECT_EQ(count("SELECT COUNT(*) FROM coupons WHERE source_ref LIKE 'care:%'"),
            with_birthday_coupon + with_anniversary_coupon);
}

TEST_P(GreetingJobTest, AStockWithoutRoomStillGreetsWithNoCoupon) {
  if (database_ == nullptr) return;
  const coupons::Stock stock = GrantStock(tree_.brand, 3, 1);
  const int64_t rule = Rule(CareKind::kBirthday, stock.id, 0, tree_.brand);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 5);
  for (int64_t m : members) SetBirthday(m, "1990-12-01");
  ASSERT_FALSE(HasFailure());
  const sys_days dec1 = sys_days(year{2026} / 12 / 1);

  ASSERT_EQ(*Run(BeijingTime(dec1, 9)), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings WHERE outcome = 'coupon'"), 3);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings WHERE outcome = 'no_coupon' AND "
                     "reason = 'SOLD_OUT' AND coupon_id IS NULL"),
            2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 3);
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters"), 3);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'care.birthday'"), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'care.birthday' AND "
                     "payload LIKE '%\"coupon_id\":0,%'"),
            2);
  EXPECT_EQ(*Run(BeijingTime(dec1, 20)), 0);

  // A year on the three who got one are at the stock's limit of one per member; raising the
  // total gives the other two theirs.
  coupons::StockPatch more;
  more.total_quantity = 10;
  COUPONS_ASSERT_OK(coupons().stocks().Update(system_, stock.id, more));
  ASSERT_EQ(*Run(BeijingTime(sys_days(year{2027} / 12 / 1), 9)), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings WHERE occasion_year = 2027 AND "
                     "outcome = 'no_coupon' AND reason = 'LIMIT_REACHED'"),
            3);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings WHERE occasion_year = 2027 AND "
                     "outcome = 'coupon'"),
            2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 5);

  // A paused stock: no coupon (NOT_ACTIVE); a disabled rule: no greeting at all.
  COUPONS_ASSERT_OK(Activate(stock.id, coupons::StockState::kPaused));
  for (int64_t m : NewMembers(tree_.store_a1, 2)) SetBirthday(m, "1991-12-02");
  ASSERT_EQ(*Run(BeijingTime(sys_days(year{2027} / 12 / 2), 9)), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings WHERE reason = 'NOT_ACTIVE'"), 2);
  CareRulePatch off;
  off.enabled = false;
  COUPONS_ASSERT_OK(rules_->Update(admin_, rule, off, kNow));
  for (int64_t m : NewMembers(tree_.store_a1, 2)) SetBirthday(m, "1991-12-03");
  EXPECT_EQ(*Run(BeijingTime(sys_days(year{2027} / 12 / 3), 9)), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings"), 12);
}

TEST_P(GreetingJobTest, MissedRunsAreCaughtUpTwoDaysBackNotBeforeTheRuleChanged) {
  if (database_ == nullptr) return;
  const int64_t rule = Rule(CareKind::kBirthday, std::nullopt, 0, tree_.brand);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 7);
  const std::vector<std::string> born = {"1990-12-01", "1990-12-02", "1990-12-03", "1990-12-04",
                                         "1990-12-05", "1990-12-09", "1990-12-10"};
  for (size_t i = 0; i < members.size(); ++i) SetBirthday(members[i], born[i]);
  ASSERT_FALSE(HasFailure());
  auto on = [](unsigned d) { return sys_days(year{2026} / 12 / d); };
  auto greeted = [&] {
    std::set<std::string> occasions;
    Result<db::PooledConnection> conn = db().Acquire();
    if (!conn.ok()) return occasions;
    Result<std::vector<db::Row>> rows =
        (*conn)->Query("SELECT occasion_on FROM care_greetings WHERE rule_id = ?",
                       {db::Value(rule)});
    if (rows.ok()) {
      for (const db::Row& row : *rows) occasions.insert(row.Text(0));
    }
    return occasions;
  };

  // No run from Dec 1 to Dec 4: the Dec 5 run greets Dec 3, 4 and 5; Dec 1 and 2 are lost.
  ASSERT_EQ(*Run(BeijingTime(on(5), 9)), 3);
  EXPECT_EQ(greeted(), (std::set<std::string>{"2026-12-03", "2026-12-04", "2026-12-05"}));
  EXPECT_EQ(*Run(BeijingTime(on(5), 21)), 0);
  EXPECT_EQ(*Run(BeijingTime(on(6), 9)), 0) << "a catch-up greets nobody twice";

  // A rule changed on Dec 10 greets nobody for a day before it: the Dec 11 run (after no run
  // on Dec 10) greets Dec 10, not Dec 9.
  CareRulePatch patch;
  patch.days_before = 0;
  COUPONS_ASSERT_OK(rules_->Update(admin_, rule, patch, BeijingTime(on(10), 8)));
  ASSERT_EQ(*Run(BeijingTime(on(11), 9)), 1);
  EXPECT_EQ(greeted().count("2026-12-10"), 1u);
  EXPECT_EQ(greeted().count("2026-12-09"), 0u);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'care.birthday'"), 4);
}

MILEAGE_COUPONS_TEST_SUITE(GreetingJobTest);

}  // namespace
}  // namespace mileage::care
