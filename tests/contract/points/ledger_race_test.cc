// The ledger under concurrency, on the real databases: threads post at once through
// db::InTransaction (as payments will) and the database alone keeps the invariants.

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "points/expiry_job.h"
#include "tests/contract/points/points_fixture.h"

namespace mileage::points {
namespace {

using testing::Backend;

constexpr int kThreads = 8;

class LedgerRaceTest : public PointsDbTest {};

TEST_P(LedgerRaceTest, ConcurrentSpendsNeverOverdraw) {
  const int64_t brand = NewBrand("b");
  // 1000 points in ten lots, so that spends also race on lot consumption.
  for (int i = 0; i < 10; ++i) {
    POINTS_ASSERT_OK(Earn(brand, 101, 100, "pay:" + std::to_string(i), 10000 + i));
  }
  constexpr int kSpendsPerThread = 200;
  std::atomic<int> spent{0};
  std::atomic<int> insufficient{0};
  std::atomic<bool> done{false};
  std::atomic<int64_t> lowest{1000};
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::latch start(kThreads + 1);

  // Watches the balance while the spends run: it must never be seen below zero.
  std::thread watcher([&] {
    start.arrive_and_wait();
    while (!done.load()) {
      const int64_t seen = BalanceOf(101).balance;
      if (seen < lowest.load()) lowest.store(seen);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kSpendsPerThread; ++i) {
        Result<PostResult> r =
            Spend(brand, 101, 1, "redeem:" + std::to_string(t) + ":" + std::to_string(i));
        if (r.ok()) {
          ++spent;
        } else if (r.status().reason() == "INSUFFICIENT_POINTS") {
          ++insufficient;
        } else {
          std::lock_guard<std::mutex> lock(errors_mutex);
          errors.push_back(r.status().ToString());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  done.store(true);
  watcher.join();

  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  EXPECT_EQ(spent.load(), 1000);
  EXPECT_EQ(insufficient.load(), kThreads * kSpendsPerThread - 1000);
  EXPECT_GE(lowest.load(), 0);
  EXPECT_EQ(BalanceOf(101).balance, 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals WHERE kind = 'spend'"), 1000);
  EXPECT_EQ(QueryInt("SELECT COALESCE(SUM(remaining), 0) FROM point_lots"), 0);
  ExpectConsistent(brand);
}

TEST_P(LedgerRaceTest, TheSameKeyFromManyThreadsPostsOneJournal) {
  const int64_t brand = NewBrand("b");
  // Round 0 is the member's (and brand's) first posting, round 1 with accounts in place.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string key = "pay:same:" + std::to_string(round);
    std::vector<Result<PostResult>> results(kThreads, Status(StatusCode::kInternal, "not run"));
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        results[t] = Earn(brand, 101, 10, key);
      });
    }
    for (std::thread& thread : threads) thread.join();

    int firsts = 0;
    std::set<int64_t> journal_ids;
    for (const Result<PostResult>& r : results) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (!r->duplicate) ++firsts;
      journal_ids.insert(r->journal_id);
      EXPECT_EQ(r->points, 10);
    }
    EXPECT_EQ(firsts, 1);
    EXPECT_EQ(journal_ids.size(), 1u);
    EXPECT_EQ(
        QueryInt("SELECT COUNT(*) FROM point_journals WHERE idempotency_key = ?", {db::Value(key)}),
        1);
    EXPECT_EQ(BalanceOf(101).balance, 10 * (round + 1));
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_accounts"), 3);
  ExpectConsistent(brand);
}

TEST_P(LedgerRaceTest, ConcurrentEarnsForDifferentMembersOfOneBrandAllSucceed) {
  const int64_t brand = NewBrand("b");  // no accounts yet: the brand's first postings race too
  constexpr int kEarnsPerThread = 40;
  constexpr int kMembersPerThread = 5;
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kEarnsPerThread; ++i) {
        const int64_t member = 1000 * (t + 1) + i % kMembersPerThread;
        Result<PostResult> r =
            Earn(brand, member, 1 + i, "pay:" + std::to_string(t) + ":" + std::to_string(i));
        if (!r.ok() || r->duplicate) {
          std::lock_guard<std::mutex> lock(errors_mutex);
          errors.push_back(r.ok() ? "unexpected duplicate" : r.status().ToString());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  // Member m of thread t earned 1 + i for each i with i % 5 == m.
  int64_t total = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int m = 0; m < kMembersPerThread; ++m) {
      int64_t expected = 0;
      for (int i = m; i < kEarnsPerThread; i += kMembersPerThread) expected += 1 + i;
      EXPECT_EQ(BalanceOf(1000 * (t + 1) + m).balance, expected);
      total += expected;
    }
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals"), kThreads * kEarnsPerThread);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_accounts WHERE kind = 'brand_liability'"), 1);
  Result<BrandTotals> totals = InTx([&](Ledger& l) { return l.TotalsOf(brand); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->liability, -total);
  ExpectConsistent(brand);
}

TEST_P(LedgerRaceTest, ConcurrentExpiryJobsExpireEachLotOnce) {
  const int64_t brand = NewBrand("b");
  constexpr int kLots = 40;
  for (int i = 0; i < kLots; ++i) {
    POINTS_ASSERT_OK(Earn(brand, 100 + i % 10, 10, "pay:" + std::to_string(i), 1000 + i));
  }
  std::atomic<int64_t> expired{0};
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::latch start(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      Result<int64_t> n = RunPointsExpiry(db(), 5000, /*batch_limit=*/7);
      if (n.ok()) {
        expired += *n;
      } else {
        std::lock_guard<std::mutex> lock(errors_mutex);
        errors.push_back(n.status().ToString());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  // A job that lost a race may leave lots for the next run; the next run finds exactly those.
  Result<int64_t> rest = RunPointsExpiry(db(), 5000, 7);
  POINTS_ASSERT_OK(rest);
  EXPECT_EQ(expired.load() + *rest, kLots);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals WHERE kind = 'expire'"), kLots);
  Result<BrandTotals> totals = InTx([&](Ledger& l) { return l.TotalsOf(brand); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->breakage, 10 * kLots);
  ExpectConsistent(brand);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerRaceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::points
