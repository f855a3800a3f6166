// Tiers and points expiry from the config, end to end: payments upgrade at once; the jobs
// (as `serve` runs them every jobs_interval_s and `mileage jobs` runs them once) expire points
// at the end of the month N months after earning and downgrade after the grace period. The
// scheduler counts from the last run recorded in the database, so restarts do not starve the
// jobs, and two processes on one database run a job once per slot.
#include <mutex>
#include <set>
#include <vector>

#include "coupons/types.h"
#include "server/jobs.h"
#include "server/storage.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/integration/payments/payments_fixture.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

class MembershipJobsTest : public PaymentsTest {
 protected:
  void CustomizeConfig(Config& config) override {
    config.tiers = {{"silver", 0, 0}, {"gold", 1000000, 2}};
    config.tier_grace_days = 10;
    config.points_expiry_months = 1;
  }
  server::JobsReport RunJobs() {
    Result<server::JobsReport> report = server::RunMembershipJobs(database_->db(), config_, clock_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : server::JobsReport{};
  }
  std::string Tier() {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    auto rows = (*conn)->Query("SELECT tier FROM members");
    return rows.ok() && !rows->empty() ? rows->front().Text(0) : "";
  }
  std::string TierOf(const std::string& openid) {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    auto rows = (*conn)->Query(
        "SELECT m.tier FROM members m JOIN member_identities i ON i.member_id = m.id "
        "WHERE i.kind = 'openid' AND i.value = ?",
        {db::Value(openid)});
    EXPECT_TRUE(rows.ok() && rows->size() == 1) << openid;
    return rows.ok() && rows->size() == 1 ? rows->front().Text(0) : "";
  }
  // The job's row in job_runs: started_at, finished_at, outcome, detail (nothing when none).
  std::vector<std::string> RunRecord(const std::string& job) {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    auto rows = (*conn)->Query(
        "SELECT started_at, finished_at, outcome, detail FROM job_runs WHERE name = ?",
        {db::Value(job)});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok() || rows->empty()) return {};
    const db::Row& row = rows->front();
    return {row.Text(0), row.Text(1), row.Text(2), row.Text(3)};
  }
  int64_t LastStart(const std::string& job) {
    return Scalar("SELECT started_at FROM job_runs WHERE name = '" + job + "'");
  }
  // A scheduler on the fake clock that looks at it every millisecond.
  std::unique_ptr<server::JobScheduler> Scheduler(db::Db& db, int64_t interval_s,
                                                  int64_t start_delay_s,
                                                  std::vector<server::Job> jobs = {},
                                                  const Clock* clock = nullptr,
                                                  std::optional<server::LeaseSettings> lease = {}) {
    server::JobTiming timing;
    timing.interval_s = interval_s;
    timing.start_delay_s = start_delay_s;
    timing.max_sleep = std::chrono::milliseconds(1);
    if (jobs.empty()) jobs = server::MembershipJobs(db, config_);
    return std::make_unique<server::JobScheduler>(db, std::move(jobs), timing,
                                                  clock != nullptr ? *clock : clock_, lease);
  }
  // Waits until `scheduler` has looked at its jobs at `clock`'s time (or later) and run the
  // ones due then.
  static bool PassedNow(const server::JobScheduler& scheduler, const Clock& clock) {
    const int64_t now = UnixSeconds(clock.Now());
    return Eventually([&] { return scheduler.last_pass() >= now; });
  }
  // A second handle on the test database, as another process on it would have.
  std::unique_ptr<db::Db> OpenAnother() {
    Result<std::unique_ptr<db::Db>> db = server::OpenDatabase(config_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  static int64_t Unix(int y, int m, int d) {
    // 00:00 Beijing time (UTC+8, the business calendar) of a date: days from civil
    // (proleptic Gregorian), for readable dates in the test.
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 - 8 * 3600;
  }
};

TEST_P(MembershipJobsTest, PaymentsUpgradeAndTheJobsExpireAndDowngrade) {
  clock_.SetUnixSeconds(Unix(2026, 11, 17));
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  EXPECT_EQ(Tier(), "silver");
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 10000}))->status, 204);
  EXPECT_EQ(Tier(), "gold");  // 2 visits in 12 months
  EXPECT_EQ(Count("member_tier_changes"), 1);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 200);

  // Earned in November 2026, one month: they expire at 2026-12-31 23:59:59 Beijing time.
  clock_.SetUnixSeconds(Unix(2026, 12, 31) + 86398);
  EXPECT_EQ(RunJobs().lots_expired, 0);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 200);
  clock_.SetUnixSeconds(Unix(2026, 12, 31) + 86399);
  EXPECT_EQ(RunJobs().lots_expired, 2);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);
  EXPECT_EQ(RunJobs().lots_expired, 0);
  // Each lot's 100 points went from the member to breakage; the brand still owes the 200.
  const LedgerTotals totals = LedgerOf(*database_, brand_);
  EXPECT_EQ(totals.members, 0);
  EXPECT_EQ(totals.breakage, 200);
  EXPECT_EQ(totals.liability, -200);
  EXPECT_EQ(totals.earn_journals, 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM point_journals WHERE kind = 'expire'"), 2);
  EXPECT_EQ(totals.entries, 4 + 4);

  // December 2027: November 2026 left the 12-month window; the grace period starts.
  clock_.SetUnixSeconds(Unix(2027, 12, 1));
  EXPECT_EQ(RunJobs().members_downgraded, 0);
  EXPECT_EQ(Tier(), "gold");
  clock_.SetUnixSeconds(Unix(2027, 12, 11));
  EXPECT_EQ(RunJobs().members_downgraded, 1);
  EXPECT_EQ(Tier(), "silver");
  EXPECT_EQ(Count("member_tier_changes"), 2);
}

// `serve` restarted every 16 hours, each time living only 10 seconds, with jobs_interval_s
// of a day: the jobs still run once a day. A job is due 24 h after its last recorded start
// and runs 10 s (the start delay) after the start of the first life that reaches that time;
// lives start 16 h apart, so every second life runs, at run(k) = t0 + 10 s + k * 32 h.
TEST_P(MembershipJobsTest, JobsAfterFrequentRestartsWithAFakeClock) {
  constexpr int64_t kHour = 3600;
  constexpr int64_t kDay = 24 * kHour;
  // A: gold by two visits in November 2026; its 200 points expired at 2026-12-31 23:59:59 UTC.
  clock_.SetUnixSeconds(Unix(2026, 11, 17));
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 10000}))->status, 204);
  // B: 150 points earned in November 2027, expiring at 2027-12-31 23:59:59 UTC.
  clock_.SetUnixSeconds(Unix(2027, 11, 15));
  ASSERT_EQ(Post(Payment({"4200000003", "openid-b", 15000}))->status, 204);
  ASSERT_EQ(TierOf("openid-a"), "gold");
  ASSERT_EQ(BalanceOfOpenid("openid-a"), 200);
  const int64_t b_expires = Unix(2028, 1, 1) - 1;

  // From t0 on, November 2026 is outside A's 12 months: the first run starts A's 10-day grace
  // period, and the first run 10 days after it moves A down to silver.
  const int64_t t0 = Unix(2027, 12, 25);
  int64_t last_run = 0;
  for (int life = 0; life < 18; ++life) {
    SCOPED_TRACE("life " + std::to_string(life));
    const int64_t start = t0 + life * 16 * kHour;
    clock_.SetUnixSeconds(start);
    std::unique_ptr<server::JobScheduler> scheduler = Scheduler(database_->db(), kDay, 10);
    scheduler->Start();
    ASSERT_TRUE(PassedNow(*scheduler, clock_));
    // Nothing runs at start-up itself, even when overdue.
    EXPECT_EQ(LastStart("points_expiry"), last_run);
    EXPECT_EQ(LastStart("tier_downgrades"), last_run);
    clock_.SetUnixSeconds(start + 10);
    ASSERT_TRUE(PassedNow(*scheduler, clock_));
    scheduler->Stop();

    const int64_t run = t0 + 10 + (life / 2) * 32 * kHour;
    EXPECT_EQ(LastStart("points_expiry"), run);
    EXPECT_EQ(LastStart("tier_downgrades"), run);
    EXPECT_EQ(RunRecord("points_expiry").at(2), "ok");
    EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);  // overdue since 2027: expired at the first run
    EXPECT_EQ(BalanceOfOpenid("openid-b"), run >= b_expires ? 0 : 150);
    EXPECT_EQ(TierOf("openid-a"), run - (t0 + 10) >= 10 * kDay ? "silver" : "gold");
    last_run = run;
  }
  // Runs at lives 0, 2, ..., 16: B's points went at life 12 (2028-01-02), A's tier at life 16.
  EXPECT_EQ(last_run, t0 + 10 + 8 * 32 * kHour);
  EXPECT_EQ(Count("member_tier_changes"), 2);  // the upgrade in 2026, the downgrade
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM point_lots WHERE active = 1"), 0);
}

// `mileage jobs` records its run like the scheduler's: the next scheduled run comes one
// interval after it, not at the next start of `serve`.
TEST_P(MembershipJobsTest, ARunByHandCountsAsTheLastRun) {
  clock_.SetUnixSeconds(Unix(2026, 11, 17));
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  const int64_t by_hand = Unix(2027, 1, 5);
  clock_.SetUnixSeconds(by_hand);
  EXPECT_EQ(RunJobs().lots_expired, 1);
  EXPECT_EQ(RunRecord("points_expiry"),
            (std::vector<std::string>{std::to_string(by_hand), std::to_string(by_hand), "ok",
                                      "1 points lots expired"}));
  EXPECT_EQ(RunRecord("tier_downgrades"),
            (std::vector<std::string>{std::to_string(by_hand), std::to_string(by_hand), "ok",
                                      "0 members downgraded"}));

  // `serve` starts an hour later with a 6-hour interval: nothing is due before by_hand + 6 h.
  clock_.SetUnixSeconds(by_hand + 3600);
  std::unique_ptr<server::JobScheduler> scheduler = Scheduler(database_->db(), 6 * 3600, 10);
  scheduler->Start();
  clock_.SetUnixSeconds(by_hand + 6 * 3600 - 1);
  ASSERT_TRUE(PassedNow(*scheduler, clock_));
  EXPECT_EQ(LastStart("points_expiry"), by_hand);
  clock_.SetUnixSeconds(by_hand + 6 * 3600);
  ASSERT_TRUE(PassedNow(*scheduler, clock_));
  scheduler->Stop();
  EXPECT_EQ(LastStart("points_expiry"), by_hand + 6 * 3600);
  EXPECT_EQ(LastStart("tier_downgrades"), by_hand + 6 * 3600);
  EXPECT_EQ(RunRecord("points_expiry").at(3), "0 points lots expired");
}

// coupon_expiry is one of the jobs: `mileage jobs` runs and records it, and so does the
// scheduler of `serve`; a one-day coupon expires after 23:59:59 Beijing time of its day.
TEST_P(MembershipJobsTest, CouponsExpireByHandAndOnSchedule) {
  const int64_t day = Unix(2026, 11, 17);
  clock_.SetUnixSeconds(day + 10 * 3600);
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  const int64_t member = Scalar("SELECT id FROM members");
  coupons::CouponsModule& module = server_->app().coupons();
  coupons::NewStock s;
  s.node_type = org::NodeType::kBrand;
  s.node_id = brand_;
  s.name = "One day";
  s.type = coupons::StockType::kExchange;
  s.item = "car wash";
  s.valid_days = 1;
  s.total_quantity = 10;
  s.per_member_limit = 2;
  s.channels = {coupons::Channel::kClaim};
  const org::Actor op = org::Actor::System("test");
  Result<coupons::Stock> stock = module.stocks().Create(op, s);
  ASSERT_TRUE(stock.ok()) << stock.status().ToString();
  coupons::StockPatch active;
  active.state = coupons::StockState::kActive;
  ASSERT_TRUE(module.stocks().Update(op, stock->id, active).ok());
  const coupons::MemberRef ref{member, brand_};
  ASSERT_TRUE(module.coupons().Claim(ref, stock->id, day + 10 * 3600).ok());

  clock_.SetUnixSeconds(day + 86400 - 1);  // 23:59:59 Beijing: still valid
  EXPECT_EQ(RunJobs().coupons_expired, 0);
  EXPECT_EQ(RunRecord("coupon_expiry").at(3), "0 coupons expired");
  clock_.SetUnixSeconds(day + 86400);
  EXPECT_EQ(RunJobs().coupons_expired, 1);
  EXPECT_EQ(RunRecord("coupon_expiry"),
            (std::vector<std::string>{std::to_string(day + 86400), std::to_string(day + 86400),
                                      "ok", "1 coupons expired"}));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'expired'"), 1);

  // The scheduler runs it one interval later.
  ASSERT_TRUE(module.coupons().Claim(ref, stock->id, day + 86400 + 60).ok());
  std::unique_ptr<server::JobScheduler> scheduler = Scheduler(database_->db(), 2 * 86400, 0);
  scheduler->Start();
  clock_.SetUnixSeconds(day + 3 * 86400);
  ASSERT_TRUE(PassedNow(*scheduler, clock_));
  scheduler->Stop();
  EXPECT_EQ(LastStart("coupon_expiry"), day + 3 * 86400);
  EXPECT_EQ(RunRecord("coupon_expiry").at(3), "1 coupons expired");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'expired'"), 2);
}

// Two processes that read the same last start: exactly one claims the run, and the loser's
// stale view can neither claim it later nor overwrite the winner's record.
TEST_P(MembershipJobsTest, OfTwoClaimsOfOneSlotExactlyOneWins) {
  std::unique_ptr<db::Db> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  server::JobRuns mine(database_->db());
  server::JobRuns theirs(*other);
  Result<server::JobRuns::Record> seen_by_me = mine.Read("points_expiry");
  Result<server::JobRuns::Record> seen_by_them = theirs.Read("points_expiry");
  ASSERT_TRUE(seen_by_me.ok() && seen_by_them.ok());
  EXPECT_EQ(seen_by_me->started_at, 0);
  EXPECT_EQ(seen_by_them->started_at, 0);

  const int64_t now = 1'800'000'000;
  Result<bool> first = theirs.Claim("points_expiry", seen_by_them->started_at, now);
  Result<bool> second = mine.Claim("points_expiry", seen_by_me->started_at, now + 1);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  EXPECT_EQ(RunRecord("points_expiry"),
            (std::vector<std::string>{std::to_string(now), "0", "running", ""}));
  ASSERT_TRUE(mine.Finish("points_expiry", seen_by_me->started_at, now + 5, false, "x").ok());
  EXPECT_EQ(RunRecord("points_expiry").at(2), "running");
  ASSERT_TRUE(theirs.Finish("points_expiry", now, now + 7, true, "3 points lots expired").ok());
  EXPECT_EQ(RunRecord("points_expiry"),
            (std::vector<std::string>{std::to_string(now), std::to_string(now + 7), "ok",
                                      "3 points lots expired"}));
  // A claim must move the start forward: the same second again does not claim.
  Result<bool> same_second = mine.Claim("points_expiry", now, now);
  ASSERT_TRUE(same_second.ok());
  EXPECT_FALSE(*same_second);
}

// Another node's clock: the test's fake clock plus a fixed skew.
class SkewedClock final : public Clock {
 public:
  SkewedClock(const Clock& base, std::chrono::seconds skew) : base_(base), skew_(skew) {}
  TimePoint Now() const override { return base_.Now() + skew_; }

 private:
  const Clock& base_;
  const std::chrono::seconds skew_;
};

// A job that counts its runs (their `now`), for two schedulers to share.
struct CountedJob {
  std::mutex mu;
  std::vector<int64_t> runs;
  std::vector<server::Job> Jobs() {
    return {
        server::Job{"counted", "runs", [this](int64_t now, const db::Fence&) -> Result<int64_t> {
                      std::lock_guard lock(mu);
                      runs.push_back(now);
                      return 1;
                    }}};
  }
  std::vector<int64_t> Runs() {
    std::lock_guard lock(mu);
    return runs;
  }
};

// Two schedulers (two processes, B's clock a second ahead) on one database, slot after slot:
// the job runs once per slot, never twice.
TEST_P(MembershipJobsTest, TwoSchedulersOnOneDatabaseRunEachSlotOnce) {
  std::unique_ptr<db::Db> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  const SkewedClock b_clock(clock_, std::chrono::seconds(1));
  CountedJob job;
  std::unique_ptr<server::JobScheduler> a = Scheduler(database_->db(), 60, 0, job.Jobs());
  std::unique_ptr<server::JobScheduler> b = Scheduler(*other, 60, 0, job.Jobs(), &b_clock);
  a->Start();
  b->Start();
  constexpr int kSlots = 40;
  for (int slot = 0; slot < kSlots; ++slot) {
    if (slot > 0) clock_.Advance(std::chrono::seconds(60));
    ASSERT_TRUE(PassedNow(*a, clock_));
    ASSERT_TRUE(PassedNow(*b, b_clock));
  }
  a->Stop();
  b->Stop();
  const std::vector<int64_t> runs = job.Runs();
  EXPECT_EQ(runs.size(), static_cast<size_t>(kSlots));
  for (size_t k = 1; k < runs.size(); ++k) EXPECT_GE(runs[k] - runs[k - 1], 59) << k;
}

// The race itself, made certain: a third session holds the job's row locked while both
// schedulers find the job due (their reads do not wait) and send their claims (which do).
// B's clock is a second ahead, so a claim that did not check the start it had read would
// match again once A's claim commits. When both claims wait, the lock goes: one run.
TEST_P(MembershipJobsTest, TwoSchedulersRacingForOneSlotRunItOnce) {
  if (GetParam() != Backend::kMysql) {
    GTEST_SKIP() << "needs a lock wait the test can watch (InnoDB); the claim itself is "
                    "checked on every backend by OfTwoClaimsOfOneSlotExactlyOneWins";
  }
  std::unique_ptr<db::Db> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  const SkewedClock b_clock(clock_, std::chrono::seconds(1));
  CountedJob job;
  std::unique_ptr<server::JobScheduler> a = Scheduler(database_->db(), 60, 0, job.Jobs());
  std::unique_ptr<server::JobScheduler> b = Scheduler(*other, 60, 0, job.Jobs(), &b_clock);
  server::JobRuns runs(database_->db());
  ASSERT_TRUE(runs.Read("counted").ok());  // never ran: due at once

  Result<db::PooledConnection> holder = database_->db().Acquire();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Begin().ok());
  ASSERT_TRUE(
      (*holder)->Query("SELECT started_at FROM job_runs WHERE name = 'counted' FOR UPDATE").ok());
  Result<db::PooledConnection> watcher = database_->db().Acquire();
  ASSERT_TRUE(watcher.ok());
  auto claims_waiting = [&](int64_t n) {
    return Eventually([&] {
      Result<std::vector<db::Row>> waiting = (*watcher)->Query(
          "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND "
          "info LIKE 'UPDATE job_runs %'");
      return waiting.ok() && (*waiting)[0].Int(0) >= n;
    });
  };
  // A queues first, so InnoDB lets A's claim through first: what B's claim then finds is the
  // start A wrote, one second behind B's clock.
  a->Start();
  EXPECT_TRUE(claims_waiting(1)) << "A's claim never waited on the row";
  b->Start();
  EXPECT_TRUE(claims_waiting(2)) << "B's claim never waited on the row";
  ASSERT_TRUE((*holder)->Commit().ok());
  ASSERT_TRUE(PassedNow(*a, clock_));
  ASSERT_TRUE(PassedNow(*b, b_clock));
  a->Stop();
  b->Stop();
  EXPECT_EQ(job.Runs().size(), 1u);
  Result<server::JobRuns::Record> record = runs.Read("counted");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->outcome, "ok");
  EXPECT_EQ(record->detail, "1 runs");
}

// ---- The job lease: one node of several runs the jobs.

// The lease's row: holder, token, expires_at (nothing when absent).
std::vector<std::string> LeaseRow(TestDatabase& database) {
  Result<db::PooledConnection> conn = database.db().Acquire();
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return {};
  auto rows = (*conn)->Query("SELECT holder, token, expires_at FROM job_leases WHERE name = ?",
                             {db::Value(std::string(server::kJobsLeaseName))});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->empty()) return {};
  return {rows->front().Text(0), rows->front().Text(1), rows->front().Text(2)};
}

// Four nodes (threads, each with its own database handle) ask for the lease at the same
// moment, round after round, each round after the last holder's lease expired: exactly one
// wins each round, and each win after an expiry adds one to the token (the first creates it).
TEST_P(MembershipJobsTest, OfNodesRacingForTheLeaseExactlyOneHoldsIt) {
  constexpr int kNodes = 4;
  constexpr int kRounds = 15;
  constexpr int64_t kTtl = 30;
  std::vector<std::unique_ptr<db::Db>> handles;
  std::vector<server::JobLease> leases;
  for (int k = 0; k < kNodes; ++k) {
    handles.push_back(OpenAnother());
    ASSERT_NE(handles.back(), nullptr);
  }
  for (int k = 0; k < kNodes; ++k) {
    leases.emplace_back(*handles[k], std::string(server::kJobsLeaseName),
                        "node-" + std::to_string(k), kTtl);
  }
  const int64_t start = 1'800'000'000;
  for (int round = 0; round < kRounds; ++round) {
    // After the winner's renewal below (to now + 2 * kTtl - 1): every round finds it expired.
    const int64_t now = start + round * 2 * kTtl;
    std::vector<Result<std::optional<int64_t>>> got(kNodes, std::optional<int64_t>());
    RunTogether(kNodes, [&](int k) { got[k] = leases[k].Acquire(now); });
    int holders = 0;
    int winner = -1;
    for (int k = 0; k < kNodes; ++k) {
      ASSERT_TRUE(got[k].ok()) << got[k].status().ToString();
      if (got[k]->has_value()) {
        ++holders;
        winner = k;
        EXPECT_EQ(**got[k], round + 1) << "round " << round;
      }
    }
    ASSERT_EQ(holders, 1) << "round " << round;
    EXPECT_EQ(LeaseRow(*database_),
              (std::vector<std::string>{"node-" + std::to_string(winner), std::to_string(round + 1),
                                        std::to_string(now + kTtl)}));
    // Within its TTL the winner renews with the same token and the others stay out.
    for (int k = 0; k < kNodes; ++k) {
      Result<std::optional<int64_t>> again = leases[k].Acquire(now + kTtl - 1);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->has_value(), k == winner) << "round " << round << " node " << k;
    }
  }
}

// Two schedulers (two nodes, B's clock a second ahead) with a lease that outlives every
// slot: the node that took the lease runs every slot, the other none, and job_leases names it.
TEST_P(MembershipJobsTest, TwoSchedulersWithTheLeaseRunOnOneNode) {
  std::unique_ptr<db::Db> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  const SkewedClock b_clock(clock_, std::chrono::seconds(1));
  CountedJob a_job;
  CountedJob b_job;
  std::unique_ptr<server::JobScheduler> a =
      Scheduler(database_->db(), 60, 0, a_job.Jobs(), nullptr, server::LeaseSettings{"a", 600});
  std::unique_ptr<server::JobScheduler> b =
      Scheduler(*other, 60, 0, b_job.Jobs(), &b_clock, server::LeaseSettings{"b", 600});
  a->Start();
  b->Start();
  constexpr int kSlots = 20;
  for (int slot = 0; slot < kSlots; ++slot) {
    if (slot > 0) clock_.Advance(std::chrono::seconds(60));
    ASSERT_TRUE(PassedNow(*a, clock_));
    ASSERT_TRUE(PassedNow(*b, b_clock));
  }
  const std::vector<std::string> lease = LeaseRow(*database_);
  ASSERT_EQ(lease.size(), 3u);
  EXPECT_EQ(lease[1], "1");  // taken once, renewed since
  const size_t a_runs = a_job.Runs().size();
  const size_t b_runs = b_job.Runs().size();
  EXPECT_EQ(a_runs + b_runs, static_cast<size_t>(kSlots));
  EXPECT_TRUE(a_runs == 0 || b_runs == 0) << a_runs << " and " << b_runs;
  EXPECT_EQ(lease[0], a_runs > 0 ? "a" : "b");
  EXPECT_EQ(a_runs > 0 ? a->lease_token() : b->lease_token(), 1);
  EXPECT_EQ(a_runs > 0 ? b->lease_token() : a->lease_token(), 0);
  a->Stop();
  b->Stop();
}

// A holder that dies (stops renewing) keeps the others out until its lease expires; then the
// next look of another node's scheduler takes it over (token 2) and runs the due job.
TEST_P(MembershipJobsTest, AnotherNodeTakesOverWhenTheHolderStopsRenewing) {
  constexpr int64_t kTtl = 30;
  server::JobLease dead(database_->db(), std::string(server::kJobsLeaseName), "dead", kTtl);
  const int64_t now = UnixSeconds(clock_.Now());
  Result<std::optional<int64_t>> taken = dead.Acquire(now);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ(**taken, 1);

  std::unique_ptr<db::Db> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  CountedJob job;
  std::unique_ptr<server::JobScheduler> b =
      Scheduler(*other, 60, 0, job.Jobs(), nullptr, server::LeaseSettings{"b", kTtl});
  b->Start();
  clock_.Advance(std::chrono::seconds(kTtl - 1));  // the dead holder's lease still runs
  ASSERT_TRUE(PassedNow(*b, clock_));
  EXPECT_TRUE(job.Runs().empty());
  EXPECT_EQ(b->lease_token(), 0);
  EXPECT_EQ(LeaseRow(*database_).at(0), "dead");

  clock_.Advance(std::chrono::seconds(1));  // expired
  ASSERT_TRUE(PassedNow(*b, clock_));
  EXPECT_EQ(job.Runs().size(), 1u);
  EXPECT_EQ(b->lease_token(), 2);
  EXPECT_EQ(LeaseRow(*database_),
            (std::vector<std::string>{"b", "2", std::to_string(now + 2 * kTtl)}));
  b->Stop();
}

// A holder paused past its lease while another node took over: its fenced batch is rolled
// back (LEASE_LOST) and writes nothing; the new holder's fence lets the same job through.
TEST_P(MembershipJobsTest, AStaleHoldersFencedWriteIsRejected) {
  clock_.SetUnixSeconds(Unix(2026, 11, 17));
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 10000}))->status, 204);
  ASSERT_EQ(BalanceOfOpenid("openid-a"), 200);

  constexpr int64_t kTtl = 30;
  const int64_t due = Unix(2026, 12, 31) + 86399;  // both lots are due
  server::JobLease a(database_->db(), std::string(server::kJobsLeaseName), "a", kTtl);
  server::JobLease b(database_->db(), std::string(server::kJobsLeaseName), "b", kTtl);
  Result<std::optional<int64_t>> a_token = a.Acquire(due);
  ASSERT_TRUE(a_token.ok() && a_token->has_value());
  Result<std::optional<int64_t>> b_token = b.Acquire(due + kTtl);  // A paused past its TTL
  ASSERT_TRUE(b_token.ok() && b_token->has_value());
  EXPECT_EQ(**b_token, **a_token + 1);

  const server::Job* points_expiry = nullptr;
  std::vector<server::Job> jobs = server::MembershipJobs(database_->db(), config_);
  for (const server::Job& job : jobs) {
    if (job.name == "points_expiry") points_expiry = &job;
  }
  ASSERT_NE(points_expiry, nullptr);
  const int64_t a_held = **a_token;
  const db::Fence stale = [&](db::Connection& conn) { return a.Fence(conn, a_held, due + 1); };
  Result<int64_t> rejected = points_expiry->work(due, stale);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(rejected.status().reason(), "LEASE_LOST");
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 200);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM point_journals WHERE kind = 'expire'"), 0);
  EXPECT_EQ(LeaseRow(*database_).at(0), "b");

  // Even with the right token, a lease that expired without a takeover fences too.
  const int64_t b_held = **b_token;
  const db::Fence late = [&](db::Connection& conn) {
    return b.Fence(conn, b_held, due + 2 * kTtl);
  };
  EXPECT_EQ(points_expiry->work(due, late).status().reason(), "LEASE_LOST");
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 200);

  const db::Fence current = [&](db::Connection& conn) {
    return b.Fence(conn, b_held, due + kTtl + 1);
  };
  Result<int64_t> done = points_expiry->work(due, current);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(*done, 2);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);
  // The fence renewed the lease from the time it checked.
  EXPECT_EQ(LeaseRow(*database_).at(2), std::to_string(due + kTtl + 1 + kTtl));
}

// Stop() releases the lease: another node takes it at once, not a TTL later.
TEST_P(MembershipJobsTest, StopReleasesTheLease) {
  CountedJob job;
  std::unique_ptr<server::JobScheduler> a =
      Scheduler(database_->db(), 60, 0, job.Jobs(), nullptr, server::LeaseSettings{"a", 600});
  a->Start();
  ASSERT_TRUE(PassedNow(*a, clock_));
  ASSERT_EQ(a->lease_token(), 1);
  EXPECT_EQ(LeaseRow(*database_).at(0), "a");
  a->Stop();
  EXPECT_EQ(a->lease_token(), 0);
  EXPECT_EQ(LeaseRow(*database_), (std::vector<std::string>{"a", "1", "0"}));

  server::JobLease b(database_->db(), std::string(server::kJobsLeaseName), "b", 600);
  Result<std::optional<int64_t>> taken = b.Acquire(UnixSeconds(clock_.Now()));
  ASSERT_TRUE(taken.ok());
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ(**taken, 2);
}

MILEAGE_PAYMENTS_TEST_SUITE(MembershipJobsTest);

}  // namespace
}  // namespace mileage::testing
