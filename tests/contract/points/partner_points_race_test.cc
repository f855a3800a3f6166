// Points at partners under concurrency on the real databases: caps hold when earnings of one
// member race, and a mixed run of 4 partners x 50 members earning, burning and reversing from
// several threads leaves a ledger that sums to zero, balances that replay, and funder/consumer
// sums that match what the threads did.

#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "points/partner_points.h"
#include "tests/contract/points/points_fixture.h"

namespace mileage::points {
namespace {

using testing::Backend;

constexpr int64_t kNow = 1794240000 + 3600;  // 2026-11-10 01:00 Beijing time

class PartnerRaceTest : public PointsDbTest {
 protected:
  int64_t Insert(const std::string& sql, std::vector<db::Value> params) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    Result<int64_t> inserted = (*conn)->Insert(sql, params);
    EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();
    return inserted.ok() ? *inserted : 0;
  }
  int64_t NewPartner(int64_t brand, int n) {
    return Insert(
        "INSERT INTO partners (brand_id, name, category, api_key_id, active, "
        "created_at, updated_at) VALUES (?, ?, 'fuel', ?, 1, 0, 0)",
        {db::Value(brand), db::Value("p" + std::to_string(n)),
         db::Value("key-" + std::to_string(brand) + "-" + std::to_string(n))});
  }
  int64_t NewMember(int64_t brand, int n) {
    char number[16];
    std::snprintf(number, sizeof(number), "%012d", n);
    return Insert(
        "INSERT INTO members (brand_id, number, tier, status, enrolled_via, created_at, "
        "updated_at) VALUES (?, ?, 'silver', 'active', 'partner', 0, 0)",
        {db::Value(brand), db::Value(std::string(number))});
  }
  int64_t EntrySum(const std::string& kind, int64_t owner) {
    return QueryInt(
        "SELECT COALESCE(SUM(e.amount), 0) FROM point_entries e JOIN point_accounts a "
        "ON a.id = e.account_id WHERE a.kind = ? AND a.owner_id = ?",
        {db::Value(kind), db::Value(owner)});
  }
};

TEST_P(PartnerRaceTest, RacingEarningsOfOneMemberNeverPassTheDayCap) {
  const int64_t brand = NewBrand("b");
  const int64_t partner = NewPartner(brand, 1);
  const int64_t member = NewMember(brand, 1);
  PartnerPoints service(db(), ExpiryPolicy{24});
  PartnerEarningRule rule;
  rule.brand_id = brand;
  rule.partner_id = partner;
  rule.points_per_yuan = 1;
  rule.cap_per_day = 100;
  POINTS_ASSERT_OK(service.PutRule(rule, 1000));

  constexpr int kThreads = 8;
  constexpr int kEach = 4;
  std::vector<int64_t> points(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        // 30 yuan: 30 points before the cap.
        Result<PartnerEarningResult> r =
            service.Earn({partner, brand, member, "e" + std::to_string(t) + "-" + std::to_string(i),
                          3000, kNow, "", kNow});
        if (r.ok()) {
          points[t] += r->points;
        } else {
          errors[t] = r.status().ToString();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int64_t total = 0;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    total += points[t];
  }
  // 30 + 30 + 30 + 10, then nothing, in whatever order the threads got there.
  EXPECT_EQ(total, 100);
  EXPECT_EQ(BalanceOf(member).balance, 100);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_earnings"), kThreads * kEach);
  EXPECT_EQ(QueryInt("SELECT COALESCE(SUM(points), 0) FROM point_journals"), 100);
  ExpectConsistent(brand);
}

// What the threads did, per member and per partner.
struct Tally {
  std::map<int64_t, int64_t> earned, repaid, burned, reversed, debt;  // by member
  std::map<int64_t, int64_t> p_earned, p_burned, p_reversed;          // by partner
  void Add(const Tally& o) {
    using Sums = std::map<int64_t, int64_t>;
    auto add = [](Sums& to, const Sums& from) {
      for (const auto& [k, v] : from) to[k] += v;
    };
    add(earned, o.earned);
    add(repaid, o.repaid);
    add(burned, o.burned);
    add(reversed, o.reversed);
    add(debt, o.debt);
    add(p_earned, o.p_earned);
    add(p_burned, o.p_burned);
    add(p_reversed, o.p_reversed);
  }
};

TEST_P(PartnerRaceTest, FourPartnersFiftyMembersEarningBurningAndReversingConcurrently) {
  const int64_t brand = NewBrand("b");
  PartnerPoints service(db(), ExpiryPolicy{24});
  std::vector<int64_t> partners;
  for (int p = 0; p < 4; ++p) {
    partners.push_back(NewPartner(brand, p));
    PartnerEarningRule rule;
    rule.brand_id = brand;
    rule.partner_id = partners.back();
    rule.points_per_yuan = 1 + p;
    POINTS_ASSERT_OK(service.PutRule(rule, 1000));
  }
  std::vector<int64_t> members;
  for (int m = 0; m < 50; ++m) members.push_back(NewMember(brand, 100 + m));

  constexpr int kThreads = 8;
  constexpr int kOps = 120;
  Tally total;
  std::mutex mutex;
  std::vector<std::string> errors;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t + 1));
      Tally mine;
      struct Open {
        int64_t partner;
        std::string id;
        int64_t member;
        int64_t left_fen;
      };
      std::vector<Open> open;
      std::vector<std::string> my_errors;
      start.arrive_and_wait();
      for (int i = 0; i < kOps; ++i) {
        const int64_t partner = partners[random() % partners.size()];
        const int64_t member = members[random() % members.size()];
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        const unsigned op = random() % 10;
        if (op < 5 || (op >= 8 && open.empty())) {
          const int64_t amount = 100 + static_cast<int64_t>(random() % 4900);
          Result<PartnerEarningResult> r =
              service.Earn({partner, brand, member, id, amount, kNow, "", kNow});
          if (!r.ok()) {
            my_errors.push_back(r.status().ToString());
            continue;
          }
          mine.earned[member] += r->points;
          mine.repaid[member] += r->debt_repaid;
          mine.p_earned[partner] += r->points;
          open.push_back({partner, id, member, amount});
        } else if (op < 8) {
          const int64_t points = 1 + static_cast<int64_t>(random() % 60);
          Result<PartnerBurnResult> r = service.Burn({partner, brand, member, id, points, kNow});
          if (r.ok()) {
            mine.burned[member] += r->points;
            mine.p_burned[partner] += r->points;
          } else if (r.status().reason() != "INSUFFICIENT_POINTS") {
            my_errors.push_back(r.status().ToString());
          }
        } else {
          Open& earning = open[random() % open.size()];
          if (earning.left_fen == 0) continue;
          const int64_t fen = 1 + static_cast<int64_t>(random() % earning.left_fen);
          Result<PartnerReversalResult> r =
              service.Reverse({earning.partner, brand, earning.id, id, fen, kNow});
          if (!r.ok()) {
            my_errors.push_back(r.status().ToString());
            continue;
          }
          earning.left_fen -= fen;
          mine.reversed[earning.member] += r->points;
          mine.debt[earning.member] += r->debt_recorded;
          mine.p_reversed[earning.partner] += r->points;
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      total.Add(mine);
      errors.insert(errors.end(), my_errors.begin(), my_errors.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();

  // Each member's balance and debt replay from what the calls answered.
  int64_t burned_total = 0;
  for (int64_t member : members) {
    const Balance balance = BalanceOf(member);
    const int64_t debt = total.debt[member] - total.repaid[member];
    EXPECT_EQ(balance.debt, debt) << "member " << member;
    EXPECT_EQ(balance.balance, total.earned[member] - total.repaid[member] - total.burned[member] -
                                   (total.reversed[member] - total.debt[member]))
        << "member " << member;
    EXPECT_GE(balance.balance, 0);
    burned_total += total.burned[member];
  }
  EXPECT_GT(burned_total, 0);
  for (int64_t partner : partners) {
    SCOPED_TRACE("partner " + std::to_string(partner));
    EXPECT_GT(total.p_earned[partner], 0);
    EXPECT_EQ(EntrySum("partner_funding", partner),
              -total.p_earned[partner] + total.p_reversed[partner]);
    EXPECT_EQ(EntrySum("partner_redeemed", partner), total.p_burned[partner]);
    // Burned at the partner: the lot uses of its spend journals, whoever funded them.
    EXPECT_EQ(QueryInt("SELECT COALESCE(SUM(u.points), 0) FROM point_lot_uses u JOIN "
                       "point_journals j ON j.id = u.journal_id WHERE u.consumer_partner_id = ? "
                       "AND j.kind = 'spend'",
                       {db::Value(partner)}),
              total.p_burned[partner]);
    // Funded by the partner: consumed somewhere (or repaid debt) or still in its lots.
    EXPECT_EQ(QueryInt("SELECT COALESCE(SUM(points), 0) FROM point_lot_uses WHERE "
                       "funder_partner_id = ?",
                       {db::Value(partner)}) +
                  QueryInt("SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE "
                           "funder_partner_id = ?",
                           {db::Value(partner)}),
              total.p_earned[partner]);
  }
  ExpectConsistent(brand);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartnerRaceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::points
