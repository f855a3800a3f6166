// The greetings job racing itself on the real databases (on MariaDB several transactions at
// once; on SQLite one writer at a time): however many runs meet on one day, each member is
// greeted once per rule and year, with one coupon, one event and one unit of the counters.
#include <latch>
#include <thread>
#include <vector>

#include "tests/contract/care/greeting_fixture.h"

namespace mileage::care {
namespace {

constexpr int kRuns = 4;

class GreetingRaceTest : public GreetingTest {
 protected:
  void SetUp() override {
    Open(kRuns * 2 + 4);
    if (database_ == nullptr) return;
    rules_ = std::make_unique<CareRuleService>(
        db(), authorizer_, *writer_,
        [](const org::NodePath&, std::string&, std::vector<db::Value>&) { return false; });
  }
};

TEST_P(GreetingRaceTest, ConcurrentRunsGreetEachMemberOnce) {
  if (database_ == nullptr) return;
  const coupons::Stock stock = GrantStock(tree_.brand, 1000, 5);
  const int64_t coupon_rule = Rule(CareKind::kBirthday, stock.id, 0, tree_.brand);
  const int64_t message_rule = Rule(CareKind::kBirthday, std::nullopt, 0, tree_.brand);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 120);
  for (int64_t m : members) SetBirthday(m, "1988-06-15");
  ASSERT_FALSE(HasFailure());
  const int64_t now = BeijingTime(std::chrono::sys_days(std::chrono::year{2027} / 6 / 15), 9);

  std::latch start(kRuns);
  std::vector<int64_t> greeted(kRuns, -1);
  std::vector<std::thread> runs;
  for (int i = 0; i < kRuns; ++i) {
    runs.emplace_back([&, i] {
      start.arrive_and_wait();
      // Batches of different sizes, so that the runs overlap in different places.
      OsRandom random;  // one per thread: FakeRandom is not for concurrent use
      Result<int64_t> n = RunCareGreetings(db(), tiers_, random, now, 5 + i * 7);
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      greeted[i] = n.ok() ? *n : -1;
    });
  }
  for (std::thread& t : runs) t.join();
  int64_t total = 0;
  for (int64_t n : greeted) total += n;
  EXPECT_EQ(total, 240);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM care_greetings"), 240);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM care_greetings WHERE rule_id = " +
                     std::to_string(coupon_rule)),
            120);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM care_greetings WHERE rule_id = " +
                     std::to_string(message_rule)),
            120);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM coupons"), 120);
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters"), 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'care.birthday'"), 240);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.issued'"), 120);
  EXPECT_EQ(*Run(now + 60), 0);
}

MILEAGE_COUPONS_TEST_SUITE(GreetingRaceTest);

}  // namespace
}  // namespace mileage::care
