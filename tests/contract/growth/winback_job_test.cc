// The win-back job on the real databases: a fake clock moving owners across the threshold,
// once per drift episode with a cooling-off, the job racing itself, marketing consent, and a
// stock running out.
#include <latch>
#include <thread>

#include "tests/contract/growth/winback_fixture.h"

namespace mileage::growth {
namespace {

class WinbackJobTest : public WinbackTest {};

TEST_P(WinbackJobTest, TheJobWinsBackOwnersAsTheyCrossTheThreshold) {
  if (database_ == nullptr) return;
  const int64_t early = Visited(tree_.store_a1, kNow);
  const int64_t later = Visited(tree_.store_b1, kNow + 10 * kDay);
  Visited(tree_.store_z1, kNow);  // brand Z has no rule
  // Nothing happens while the rule is disabled.
  EXPECT_EQ(Granted(kNow + 100 * kDay), 0);
  Enable(std::nullopt);

  EXPECT_EQ(Granted(kNow + 60 * kDay - 1), 0);
  EXPECT_EQ(Granted(kNow + 60 * kDay), 1);
  EXPECT_EQ(Granted(kNow + 60 * kDay + 3600), 0);
  EXPECT_EQ(Granted(kNow + 70 * kDay - 1), 0);
  EXPECT_EQ(Granted(kNow + 70 * kDay), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants WHERE member_id = ? AND episode_at = ? "
                     "AND store_id = ? AND dealer_id = ? AND outcome = 'message_only' AND "
                     "created_at = ? AND coupon_id IS NULL AND returned_at IS NULL",
                     {db::Value(early), db::Value(kNow), db::Value(tree_.store_a1.store_id),
                      db::Value(tree_.dealer_a.dealer_id), db::Value(kNow + 60 * kDay)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants WHERE member_id = ? AND dealer_id = ?",
                     {db::Value(later), db::Value(tree_.dealer_b.dealer_id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 0);
  // Disabled again: no more.
  WinbackSettingsPatch off;
  off.enabled = false;
  COUPONS_ASSERT_OK(service_->UpdateSettings(admin_, off, kNow));
  Visited(tree_.store_a1, kNow);
  EXPECT_EQ(Granted(kNow + 200 * kDay), 0);
}

TEST_P(WinbackJobTest, OncePerEpisodeAndNotWithinTheCoolingOff) {
  if (database_ == nullptr) return;
  const coupons::Stock stock = CreateActive(Cash(tree_.brand));
  Enable(stock.id, 90);
  const int64_t m = Visited(tree_.store_a1, kNow - 60 * kDay);
  EXPECT_EQ(Granted(kNow), 1);
  EXPECT_EQ(Granted(kNow + kDay), 0);
  // Back after 10 days (a new episode starts), drifting again 60 days later: the cooling-off
  // of 90 days since the first win-back holds the second back until then.
  Visit(m, tree_.store_a2, kNow + 10 * kDay);
  // The next run records the return (a run 37 days or more after the win-back would not).
  Result<WinbackRun> seen = Run(kNow + 20 * kDay);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->returned, 1);
  EXPECT_EQ(seen->granted, 0);
  EXPECT_EQ(QueryInt("SELECT returned_at FROM winback_grants WHERE member_id = ?", {db::Value(m)}),
            kNow + 10 * kDay);
  EXPECT_EQ(Granted(kNow + 70 * kDay), 0);
  EXPECT_EQ(Granted(kNow + 90 * kDay - 1), 0);
  EXPECT_EQ(Granted(kNow + 90 * kDay), 1);
  EXPECT_EQ(Granted(kNow + 91 * kDay), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants WHERE member_id = ?", {db::Value(m)}), 2);
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM winback_grants WHERE member_id = ? AND "
               "episode_at = ? AND store_id = ?",
               {db::Value(m), db::Value(kNow + 10 * kDay), db::Value(tree_.store_a2.store_id)}),
      1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE member_id = ? AND stock_id = ?",
                     {db::Value(m), db::Value(stock.id)}),
            2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants g JOIN coupons c ON c.id = g.coupon_id "
                     "WHERE g.outcome = 'coupon'"),
            2);
  // Without a cooling-off, a later episode is won back as soon as it drifts.
  const int64_t quick = Visited(tree_.store_a1, kNow - 60 * kDay);
  Enable(stock.id, 0);
  EXPECT_EQ(Granted(kNow + 92 * kDay), 1);  // quick's first
  Visit(quick, tree_.store_a1, kNow + 93 * kDay);
  EXPECT_EQ(Granted(kNow + 153 * kDay - 1), 0);
  EXPECT_EQ(Granted(kNow + 153 * kDay), 1);
}

TEST_P(WinbackJobTest, MarketingConsentDecidesTheMessageNotTheCoupon) {
  if (database_ == nullptr) return;
  const coupons::Stock stock = CreateActive(Cash(tree_.brand));
  Enable(stock.id);
  const int64_t granted = Visited(tree_.store_a1, kNow - 61 * kDay);
  Consent(granted, true);
  const int64_t silent = Visited(tree_.store_a1, kNow - 61 * kDay);
  const int64_t withdrawn = Visited(tree_.store_a1, kNow - 61 * kDay);
  Consent(withdrawn, true);
  Consent(withdrawn, false);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(Granted(kNow), 3);
  for (int64_t m : {granted, silent, withdrawn}) {
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE member_id = ?", {db::Value(m)}), 1);
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'winback.drifted'"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'winback.drifted' AND "
                     "payload LIKE ?",
                     {db::Value("%\"member_id\":" + std::to_string(granted) + ",%")}),
            1);
  EXPECT_EQ(QueryInt("SELECT member_id FROM winback_grants WHERE messaged = 1"), granted);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants WHERE messaged = 0"), 2);
}

TEST_P(WinbackJobTest, AStockThatRunsOutStillWinsBackWithTheMessage) {
  if (database_ == nullptr) return;
  coupons::NewStock one = Cash(tree_.brand);
  one.total_quantity = 1;
  const coupons::Stock stock = CreateActive(one);
  Enable(stock.id);
  const int64_t first = Visited(tree_.store_a1, kNow - 62 * kDay);
  const int64_t second = Visited(tree_.store_a1, kNow - 61 * kDay);
  Consent(first, true);
  Consent(second, true);
  EXPECT_EQ(Granted(kNow), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants WHERE member_id = ? AND "
                     "outcome = 'coupon' AND coupon_id IS NOT NULL",
                     {db::Value(first)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants WHERE member_id = ? AND "
                     "outcome = 'no_coupon' AND reason = 'SOLD_OUT' AND coupon_id IS NULL",
                     {db::Value(second)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'winback.drifted'"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 1);
}

TEST_P(WinbackJobTest, BadBatchLimitsAreRefused) {
  if (database_ == nullptr) return;
  EXPECT_EQ(Run(kNow, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run(kNow, 1001).status().code(), StatusCode::kInvalidArgument);
}

class WinbackRaceTest : public WinbackTest {
 protected:
  static constexpr int kRuns = 4;
  void SetUp() override {
    Open(kRuns * 2 + 4);
    if (database_ == nullptr) return;
    service_ = std::make_unique<WinbackService>(db(), authorizer_, *writer_);
  }
};

TEST_P(WinbackRaceTest, RunsRacingWinEachOwnerBackOnce) {
  if (database_ == nullptr) return;
  const coupons::Stock stock = CreateActive(Cash(tree_.brand));
  Enable(stock.id);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 120);
  COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    members::MemberStore store(conn, random_);
    for (size_t i = 0; i < members.size(); ++i) {
      MILEAGE_RETURN_IF_ERROR(
          store.RecordVisit(members[i], tree_.store_a1.store_id, kNow - 61 * kDay - (i % 5)));
    }
    return Status::Ok();
  }));
  for (size_t i = 0; i < members.size(); i += 2) Consent(members[i], true);
  ASSERT_FALSE(HasFailure());

  std::latch start(kRuns);
  std::vector<int64_t> granted(kRuns, -1);
  std::vector<std::thread> runs;
  for (int i = 0; i < kRuns; ++i) {
    runs.emplace_back([&, i] {
      start.arrive_and_wait();
      OsRandom random;  // one per thread: FakeRandom is not for concurrent use
      Result<WinbackRun> run = RunWinback(db(), tiers_, random, kNow, 5 + i * 7);
      EXPECT_TRUE(run.ok()) << run.status().ToString();
      granted[i] = run.ok() ? run->granted : -1;
    });
  }
  for (std::thread& t : runs) t.join();
  int64_t total = 0;
  for (int64_t n : granted) total += n;
  EXPECT_EQ(total, 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_grants"), 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM winback_grants"), 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM coupons"), 120);
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters"), 120);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'winback.drifted'"), 60);
  EXPECT_EQ(Granted(kNow + 60), 0);
}

MILEAGE_COUPONS_TEST_SUITE(WinbackJobTest);
MILEAGE_COUPONS_TEST_SUITE(WinbackRaceTest);

}  // namespace
}  // namespace mileage::growth
