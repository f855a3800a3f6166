// The invariants under concurrency, on the real databases: many threads claim, redeem, grant
// and expire at once through the services (on MariaDB over more than 32 connections; on SQLite
// through the group committer, as the server runs) and the database alone keeps issued within
// the total and the day's quantity, every member within the limit and every coupon redeemed at
// most once.
#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "coupons/expiry_job.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::coupons {
namespace {

constexpr int kThreads = 32;

class CouponRaceTest : public CouponsTest {
 protected:
  // More connections than threads, so that MariaDB really runs kThreads transactions at once.
  void SetUp() override { Open(kThreads + 8); }

  // Runs `task(i)` for i in [0, n) on kThreads threads that start together.
  template <typename Task>
  void Concurrently(int n, int threads, Task task) {
    std::atomic<int> next{0};
    std::latch start(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = next++; i < n; i = next++) task(i);
      });
    }
    for (std::thread& thread : pool) thread.join();
  }

  // Tallies outcomes by code ("OK" for success).
  class Tally {
   public:
    void Add(const Status& status) {
      std::lock_guard lock(mu_);
      ++counts_[status.ok() ? std::string("OK") : std::string(status.reason())];
      if (!status.ok() && first_.count(std::string(status.reason())) == 0) {
        first_[std::string(status.reason())] = status.ToString();
      }
    }
    int operator[](const std::string& code) const {
      return counts_.count(code) ? counts_.at(code) : 0;
    }
    std::string Describe() const {
      std::string out;
      for (const auto& [code, n] : counts_) {
        out += code + "=" + std::to_string(n) + " ";
        if (first_.count(code)) out += "(" + first_.at(code) + ") ";
      }
      return out;
    }

   private:
    std::mutex mu_;
    std::map<std::string, int> counts_;
    std::map<std::string, std::string> first_;
  };
};

TEST_P(CouponRaceTest, ConcurrentClaimsNeverOversellNorPassTheLimit) {
  // A stock of 1,000 with a limit of 2; 3,000 members each claim 3 times, their three claims
  // side by side in the queue so that they race each other as well as everyone else.
  constexpr int kTotal = 1000;
  constexpr int kLimit = 2;
  constexpr int kMembers = 3000;
  constexpr int kClaimsEach = 3;
  NewStock s = Cash(tree_.brand);
  s.total_quantity = kTotal;
  s.per_member_limit = kLimit;
  const Stock stock = CreateActive(s);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, kMembers);
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));

  Tally tally;
  const auto started = std::chrono::steady_clock::now();
  Concurrently(kMembers * kClaimsEach, kThreads,
               [&](int i) { tally.Add(Claim(members[i / kClaimsEach], stock.id).status()); });
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  std::cout << "[ claims   ] " << kMembers * kClaimsEach << " claims in " << seconds.count()
            << " s: " << tally.Describe() << "\n";

  const int claims = kMembers * kClaimsEach;
  if (db().dialect() == db::Dialect::kMysql) {
    EXPECT_GE(db().Stats().open, kThreads) << "the claims ran on as many connections at once";
  }
  EXPECT_EQ(tally["OK"], kTotal) << tally.Describe();
  EXPECT_EQ(tally["SOLD_OUT"] + tally["LIMIT_REACHED"], claims - kTotal) << tally.Describe();
  EXPECT_GT(tally["SOLD_OUT"], 0);
  EXPECT_GT(tally["LIMIT_REACHED"], 0);
  // The database agrees: the counters, the coupons and their events.
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(stock.id)}),
            kTotal);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE stock_id = ?", {db::Value(stock.id)}),
            kTotal);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT code) FROM coupons"), kTotal);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.issued'"), kTotal);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_stock_counters WHERE issued > cap"), 0);
  // Nobody above the limit, and each member's slots are 1..n.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM (SELECT member_id FROM coupons GROUP BY member_id "
                     "HAVING COUNT(*) > ? OR MAX(member_slot) <> COUNT(*)) t",
                     {db::Value(int64_t{kLimit})}),
            0);
  EXPECT_EQ(QueryInt("SELECT MAX(member_slot) FROM coupons"), kLimit);
}

TEST_P(CouponRaceTest, TheDaysQuantityHoldsUnderConcurrency) {
  NewStock s = Cash(tree_.brand);
  s.total_quantity = 1000;
  s.daily_quantity = 50;
  s.per_member_limit = 1;
  const Stock stock = CreateActive(s);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 200);
  Tally tally;
  Concurrently(200, kThreads, [&](int i) { tally.Add(Claim(members[i], stock.id).status()); });
  EXPECT_EQ(tally["OK"], 50) << tally.Describe();
  EXPECT_EQ(tally["SOLD_OUT"], 150) << tally.Describe();
  EXPECT_EQ(
      QueryInt("SELECT issued FROM coupon_stock_days WHERE stock_id = ?", {db::Value(stock.id)}),
      50);
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(stock.id)}),
            50);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 50);
}

TEST_P(CouponRaceTest, OneCouponRedeemedByTwentyRequestsAtOnce) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  Result<Coupon> coupon = Claim(NewMember(tree_.store_a1), stock.id);
  COUPONS_ASSERT_OK(coupon);
  Tally tally;
  std::mutex mu;
  int64_t winner = 0;
  Concurrently(20, 20, [&](int i) {
    RedeemRequest r;
    r.code = coupon->code;
    r.store_id = tree_.store_a1.store_id;
    r.order_amount_fen = 60000;
    r.request_id = "counter-" + std::to_string(i);
    Result<RedemptionResult> done = coupons().redemptions().Redeem(clerk_a1_, r, kNow);
    tally.Add(done.status());
    if (done.ok()) {
      std::lock_guard lock(mu);
      winner = done->redemption.id;
    }
  });
  EXPECT_EQ(tally["OK"], 1) << tally.Describe();
  EXPECT_EQ(tally["ALREADY_REDEEMED"], 19) << tally.Describe();
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_redemptions"), 1);
  EXPECT_EQ(QueryInt("SELECT redemption_id FROM coupons WHERE id = ? AND state = 'redeemed'",
                     {db::Value(coupon->id)}),
            winner);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.redeemed'"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.redeem' AND outcome "
                     "= 'ok'"),
            1);
}

TEST_P(CouponRaceTest, OneRequestIdSentTwentyTimesAtOnceRedeemsOnce) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  Result<Coupon> coupon = Claim(NewMember(tree_.store_a1), stock.id);
  COUPONS_ASSERT_OK(coupon);
  Tally tally;
  std::mutex mu;
  std::set<int64_t> answered;
  std::set<int64_t> discounts;
  Concurrently(20, 20, [&](int) {
    RedeemRequest r;
    r.code = coupon->code;
    r.store_id = tree_.store_a1.store_id;
    r.order_amount_fen = 60000;
    r.request_id = "the-same-request";
    Result<RedemptionResult> done = coupons().redemptions().Redeem(clerk_a1_, r, kNow);
    tally.Add(done.status());
    if (done.ok()) {
      std::lock_guard lock(mu);
      answered.insert(done->redemption.id);
      discounts.insert(done->redemption.discount_fen);
    }
  });
  EXPECT_EQ(tally["OK"], 20) << tally.Describe();
  EXPECT_EQ(answered.size(), 1u) << "every answer names the same redemption";
  EXPECT_EQ(discounts, std::set<int64_t>{10000});
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_redemptions"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.redeemed'"), 1);
}

TEST_P(CouponRaceTest, AGrantRepeatedConcurrentlyIssuesOncePerMember) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 30);
  std::vector<GrantTarget> targets;
  for (int64_t m : members) targets.push_back({m, ""});
  std::mutex mu;
  std::map<int64_t, std::set<int64_t>> coupon_of;  // member -> coupon ids answered
  std::map<std::string, int> outcomes;
  Tally tally;
  Concurrently(8, 8, [&](int) {
    Result<std::vector<GrantOutcome>> done =
        coupons().grants().Grant(admin_, stock.id, "grant-once", targets, kNow);
    tally.Add(done.status());
    if (!done.ok()) return;
    std::lock_guard lock(mu);
    for (const GrantOutcome& o : *done) {
      ++outcomes[o.outcome];
      if (o.coupon.has_value()) coupon_of[o.member_id].insert(o.coupon->id);
    }
  });
  EXPECT_EQ(tally["OK"], 8) << tally.Describe();
  EXPECT_EQ(outcomes["issued"], 30);
  EXPECT_EQ(outcomes["already_granted"], 7 * 30);
  ASSERT_EQ(coupon_of.size(), 30u);
  for (const auto& [member, ids] : coupon_of) EXPECT_EQ(ids.size(), 1u) << member;
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 30);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM coupons"), 30);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.grant'"), 30);
}

TEST_P(CouponRaceTest, ConcurrentExpiryJobsExpireEachCouponOnce) {
  NewStock s = Cash(tree_.brand);
  s.valid_days = 1;
  s.per_member_limit = 1;
  const Stock stock = CreateActive(s);
  for (int64_t m : NewMembers(tree_.store_a1, 40)) COUPONS_ASSERT_OK(Claim(m, stock.id));
  std::atomic<int64_t> expired{0};
  Tally tally;
  Concurrently(3, 3, [&](int) {
    Result<int64_t> n = RunCouponExpiry(db(), kNow + 2 * kDay, 7);
    tally.Add(n.status());
    if (n.ok()) expired += *n;
  });
  EXPECT_EQ(tally["OK"], 3) << tally.Describe();
  EXPECT_EQ(expired.load(), 40);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE state = 'expired'"), 40);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.expired'"), 40);
}

MILEAGE_COUPONS_TEST_SUITE(CouponRaceTest);

}  // namespace
}  // namespace mileage::coupons
