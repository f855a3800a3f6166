// The points ledger (points/ledger.h) on SQLite and MariaDB: postings, idempotency, lots,
// debt, expiry and bad input, with the ledger invariants checked after each operation.

#include <gtest/gtest.h>

#include <string>

#include "points/expiry_job.h"
#include "tests/contract/points/points_fixture.h"

namespace mileage::points {
namespace {

using testing::Backend;

class LedgerTest : public PointsDbTest {};

TEST_P(LedgerTest, EarnCreatesALotAndTheBalance) {
  const int64_t brand = NewBrand("b");
  Result<PostResult> earned = Earn(brand, 101, 100, "pay:t1", /*expires_at=*/50000);
  POINTS_ASSERT_OK(earned);
  EXPECT_GT(earned->journal_id, 0);
  EXPECT_EQ(earned->points, 100);
  EXPECT_EQ(earned->debt_change, 0);
  EXPECT_FALSE(earned->duplicate);

  const Balance balance = BalanceOf(101);
  EXPECT_EQ(balance.balance, 100);
  EXPECT_EQ(balance.debt, 0);
  std::vector<db::Row> lots = Query(
      "SELECT member_id, brand_id, journal_id, amount, remaining, earned_at, expires_at "
      "FROM point_lots");
  ASSERT_EQ(lots.size(), 1u);
  EXPECT_EQ(lots[0].Int(0), 101);
  EXPECT_EQ(lots[0].Int(1), brand);
  EXPECT_EQ(lots[0].Int(2), earned->journal_id);
  EXPECT_EQ(lots[0].Int(3), 100);
  EXPECT_EQ(lots[0].Int(4), 100);
  EXPECT_EQ(lots[0].Int(5), 1000);
  EXPECT_EQ(lots[0].Int(6), 50000);

  Result<BrandTotals> totals = InTx([&](Ledger& l) { return l.TotalsOf(brand); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->liability, -100);
  EXPECT_EQ(totals->breakage, 0);

  Result<PageOf<JournalLine>> history = InTx([&](Ledger& l) {
    return l.History(101, PageRequest{1, 10});
  });
  POINTS_ASSERT_OK(history);
  ASSERT_EQ(history->items.size(), 1u);
  EXPECT_EQ(history->total, 1);
  EXPECT_EQ(history->items[0].journal_id, earned->journal_id);
  EXPECT_EQ(history->items[0].points, 100);
  EXPECT_EQ(history->items[0].reason, "payment");
  EXPECT_EQ(history->items[0].source_ref, "wxpay:pay:t1");
  EXPECT_EQ(history->items[0].rule_version, 3);
  EXPECT_EQ(history->items[0].created_at, 1000);
  ExpectConsistent(brand);
}

TEST_P(LedgerTest, RepeatedKeyReturnsTheFirstResultAndWritesNothing) {
  const int64_t brand = NewBrand("b");
  Result<PostResult> first = Earn(brand, 101, 100, "pay:t1");
  POINTS_ASSERT_OK(first);
  const std::vector<int64_t> before = Counts();

  Result<PostResult> again = Earn(brand, 101, 55, "pay:t1");
  POINTS_ASSERT_OK(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->journal_id, first->journal_id);
  EXPECT_EQ(again->points, 100);
  EXPECT_EQ(Counts(), before);
  EXPECT_EQ(BalanceOf(101).balance, 100);

  Result<PostResult> refund = Reverse(brand, 101, 40, "refund:r1");
  POINTS_ASSERT_OK(refund);
  const std::vector<int64_t> after_refund = Counts();
  Result<PostResult> refund_again = Reverse(brand, 101, 40, "refund:r1");
  POINTS_ASSERT_OK(refund_again);
  EXPECT_TRUE(refund_again->duplicate);
  EXPECT_EQ(refund_again->journal_id, refund->journal_id);
  EXPECT_EQ(Counts(), after_refund);

  // A key names one posting: reusing it for another kind or member is refused.
  Result<PostResult> reused = Spend(brand, 101, 1, "pay:t1");
  EXPECT_EQ(reused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reused.status().reason(), "IDEMPOTENCY_KEY_REUSED");
  Result<PostResult> other_member = Earn(brand, 102, 100, "pay:t1");
  EXPECT_EQ(other_member.status().reason(), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(Counts(), after_refund);

  // Keys are unique per brand.
  const int64_t other_brand = NewBrand("other");
  Result<PostResult> elsewhere = Earn(other_brand, 201, 7, "pay:t1");
  POINTS_ASSERT_OK(elsewhere);
  EXPECT_FALSE(elsewhere->duplicate);
  EXPECT_EQ(BalanceOf(201).balance, 7);
  ExpectConsistent(brand);
  ExpectConsistent(other_brand);
}

TEST_P(LedgerTest, AKeyTheCallerCalledNewIsStillPostedOnce) {
  const int64_t brand = NewBrand("b");
  Result<PostResult> first = Earn(brand, 101, 100, "pay:t1", 0, 1000, /*new_key=*/true);
  POINTS_ASSERT_OK(first);
  EXPECT_FALSE(first->duplicate);
  EXPECT_EQ(BalanceOf(101).balance, 100);
  const std::vector<int64_t> before = Counts();

  // Skipping the lookup never posts twice: the journal's unique key refuses the repeat.
  Result<PostResult> again = Earn(brand, 101, 100, "pay:t1", 0, 1000, /*new_key=*/true);
  EXPECT_EQ(again.status().code(), StatusCode::kAborted);
  EXPECT_EQ(Counts(), before);
  EXPECT_EQ(BalanceOf(101).balance, 100);
  ExpectConsistent(brand);
}

TEST_P(LedgerTest, ReverseConsumesTheOldestExpiryLotsFirst) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Earn(brand, 101, 50, "pay:a", /*expires_at=*/3000));
  POINTS_ASSERT_OK(Earn(brand, 101, 20, "pay:never", /*expires_at=*/0));
  POINTS_ASSERT_OK(Earn(brand, 101, 30, "pay:b", /*expires_at=*/2000));
  ExpectConsistent(brand);

  Result<PostResult> reversed = Reverse(brand, 101, 60, "refund:r1");
  POINTS_ASSERT_OK(reversed);
  EXPECT_EQ(reversed->debt_change, 0);
  EXPECT_EQ(BalanceOf(101).balance, 40);
  // Expiring 2000 first (all 30), then 3000 (30 of 50); the never-expiring lot is last.
  std::vector<db::Row> lots =
      Query("SELECT expires_at, remaining, active FROM point_lots ORDER BY expires_at");
  ASSERT_EQ(lots.size(), 3u);
  EXPECT_EQ(lots[0].Int(0), 0);
  EXPECT_EQ(lots[0].Int(1), 20);
  EXPECT_EQ(lots[1].Int(0), 2000);
  EXPECT_EQ(lots[1].Int(1), 0);
  EXPECT_EQ(lots[1].Int(2), 0);
  EXPECT_EQ(lots[2].Int(0), 3000);
  EXPECT_EQ(lots[2].Int(1), 20);
  ExpectConsistent(brand);

  POINTS_ASSERT_OK(Spend(brand, 101, 25, "redeem:s1"));
  lots = Query("SELECT expires_at, remaining FROM point_lots ORDER BY expires_at");
  EXPECT_EQ(lots[0].Int(1), 15);  // the never-expiring lot only once the others are used
  EXPECT_EQ(lots[2].Int(1), 0);
  ExpectConsistent(brand);
}

TEST_P(LedgerTest, ReverseBeyondTheBalanceRecordsDebtThatLaterEarningsRepay) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Earn(brand, 101, 30, "pay:t1", 90000));
  Result<PostResult> reversed = Reverse(brand, 101, 100, "refund:r1");
  POINTS_ASSERT_OK(reversed);
  EXPECT_EQ(reversed->points, 100);
  EXPECT_EQ(reversed->debt_change, 70);
  Balance balance = BalanceOf(101);
  EXPECT_EQ(balance.balance, 0);
  EXPECT_EQ(balance.debt, 70);
  std::vector<db::Row> entries = Query(
      "SELECT a.kind, e.amount FROM point_entries e JOIN point_accounts a "
      "ON a.id = e.account_id WHERE e.journal_id = ? ORDER BY a.kind",
      {db::Value(reversed->journal_id)});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].Text(0), "brand_liability");
  EXPECT_EQ(entries[0].Int(1), 100);
  EXPECT_EQ(entries[1].Text(0), "member");
  EXPECT_EQ(entries[1].Int(1), -30);
  EXPECT_EQ(entries[2].Text(0), "member_debt");
  EXPECT_EQ(entries[2].Int(1), -70);
  ExpectConsistent(brand);

  const int64_t lots_before = QueryInt("SELECT COUNT(*) FROM point_lots");
  Result<PostResult> repaying = Earn(brand, 101, 50, "pay:t2", 90000);
  POINTS_ASSERT_OK(repaying);
  EXPECT_EQ(repaying->debt_change, -50);
  balance = BalanceOf(101);
  EXPECT_EQ(balance.balance, 0);
  EXPECT_EQ(balance.debt, 20);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lots"), lots_before);  // nothing left to lot
  ExpectConsistent(brand);

  Result<PostResult> rest = Earn(brand, 101, 45, "pay:t3", 90000);
  POINTS_ASSERT_OK(rest);
  EXPECT_EQ(rest->debt_change, -20);
  balance = BalanceOf(101);
  EXPECT_EQ(balance.balance, 25);
  EXPECT_EQ(balance.debt, 0);
  EXPECT_EQ(QueryInt("SELECT remaining FROM point_lots WHERE journal_id = ?",
                     {db::Value(rest->journal_id)}),
            25);
  ExpectConsistent(brand);

  Result<PageOf<JournalLine>> history = InTx([&](Ledger& l) {
    return l.History(101, PageRequest{1, 10});
  });
  POINTS_ASSERT_OK(history);
  ASSERT_EQ(history->items.size(), 4u);
  EXPECT_EQ(history->items[0].points, 45);
  EXPECT_EQ(history->items[0].debt_change, -20);
  EXPECT_EQ(history->items[2].points, -100);
  EXPECT_EQ(history->items[2].debt_change, 70);
  EXPECT_EQ(history->items[2].reason, "refund");

  // A member who never earned can still be reversed (all of it becomes debt).
  Result<PostResult> stranger = Reverse(brand, 102, 5, "refund:r2");
  POINTS_ASSERT_OK(stranger);
  EXPECT_EQ(stranger->debt_change, 5);
  EXPECT_EQ(BalanceOf(102).debt, 5);
  ExpectConsistent(brand);
}

TEST_P(LedgerTest, SpendRefusesWhenShortAndWritesNothing) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Earn(brand, 101, 10, "pay:t1"));
  const std::vector<int64_t> before = Counts();

  Result<PostResult> refused = Spend(brand, 101, 11, "redeem:s1");
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().reason(), "INSUFFICIENT_POINTS");
  EXPECT_EQ(Counts(), before);
  EXPECT_EQ(BalanceOf(101).balance, 10);

  // A member without an account is short too, and gets no account.
  Result<PostResult> stranger = Spend(brand, 999, 1, "redeem:s2");
  EXPECT_EQ(stranger.status().reason(), "INSUFFICIENT_POINTS");
  EXPECT_EQ(Counts(), before);

  // The refused key was not consumed: the same key succeeds once the points are there.
  Result<PostResult> spent = Spend(brand, 101, 10, "redeem:s1");
  POINTS_ASSERT_OK(spent);
  EXPECT_FALSE(spent->duplicate);
  EXPECT_EQ(BalanceOf(101).balance, 0);
  EXPECT_EQ(QueryInt("SELECT remaining FROM point_lots"), 0);
  Result<BrandTotals> totals = InTx([&](Ledger& l) { return l.TotalsOf(brand); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->liability, 0);
  ExpectConsistent(brand);
}

TEST_P(LedgerTest, ExpiryMovesRemainingPointsToBreakageOnce) {
  const int64_t brand = NewBrand("b");
  Result<PostResult> old_lot = Earn(brand, 101, 100, "pay:t1", /*expires_at=*/5000);
  POINTS_ASSERT_OK(old_lot);
  POINTS_ASSERT_OK(Spend(brand, 101, 30, "redeem:s1"));
  POINTS_ASSERT_OK(Earn(brand, 101, 50, "pay:t2", /*expires_at=*/9000));
  POINTS_ASSERT_OK(Earn(brand, 102, 40, "pay:t3", /*expires_at=*/5000));
  POINTS_ASSERT_OK(Earn(brand, 103, 60, "pay:t4", /*expires_at=*/0));  // never expires
  const int64_t lot_id =
      QueryInt("SELECT id FROM point_lots WHERE journal_id = ?", {db::Value(old_lot->journal_id)});

  // Not due yet one second before.
  Result<int64_t> none = InTx([&](Ledger& l) { return l.ExpireDue(brand, 4999, 10); });
  POINTS_ASSERT_OK(none);
  EXPECT_EQ(*none, 0);

  Result<int64_t> expired = InTx([&](Ledger& l) { return l.ExpireDue(brand, 5000, 10); });
  POINTS_ASSERT_OK(expired);
  EXPECT_EQ(*expired, 2);
  EXPECT_EQ(BalanceOf(101).balance, 50);
  EXPECT_EQ(BalanceOf(102).balance, 0);
  Result<BrandTotals> totals = InTx([&](Ledger& l) { return l.TotalsOf(brand); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->breakage, 70 + 40);
  EXPECT_EQ(QueryInt("SELECT points FROM point_journals WHERE idempotency_key = ?",
                     {db::Value("expire:" + std::to_string(lot_id))}),
            70);
  ExpectConsistent(brand);

  const std::vector<int64_t> before = Counts();
  Result<int64_t> again = InTx([&](Ledger& l) { return l.ExpireDue(brand, 5000, 10); });
  POINTS_ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Counts(), before);

  // The job over all brands, far in the future: the 9000 lot goes, the never lot stays; twice.
  const int64_t other = NewBrand("other");
  POINTS_ASSERT_OK(Earn(other, 201, 5, "pay:o1", /*expires_at=*/6000));
  Result<int64_t> job = RunPointsExpiry(db(), 4000000000, /*batch_limit=*/1);
  POINTS_ASSERT_OK(job);
  EXPECT_EQ(*job, 2);
  Result<int64_t> job_again = RunPointsExpiry(db(), 4000000000, 1);
  POINTS_ASSERT_OK(job_again);
  EXPECT_EQ(*job_again, 0);
  EXPECT_EQ(BalanceOf(101).balance, 0);
  EXPECT_EQ(BalanceOf(103).balance, 60);
  EXPECT_EQ(BalanceOf(201).balance, 0);
  totals = InTx([&](Ledger& l) { return l.TotalsOf(brand); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->breakage, 160);
  EXPECT_EQ(totals->liability, -(250 - 30));  // earned minus spent; expiry moves to breakage
  ExpectConsistent(brand);
  ExpectConsistent(other);
  EXPECT_EQ(RunPointsExpiry(db(), 1, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(LedgerTest, BadInputIsRefusedAndWritesNothing) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Earn(brand, 101, 10, "pay:t0"));
  const std::vector<int64_t> before = Counts();
  for (int64_t points : {int64_t{0}, int64_t{-5}}) {
    EXPECT_EQ(Earn(brand, 101, points, "pay:t1").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(Reverse(brand, 101, points, "refund:r1").status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(Spend(brand, 101, points, "redeem:s1").status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Earn(brand, 101, 5, "").status().reason(), "INVALID_IDEMPOTENCY_KEY");
  EXPECT_EQ(Spend(brand, 101, 5, "").status().reason(), "INVALID_IDEMPOTENCY_KEY");
  EXPECT_EQ(Reverse(brand, 101, 5, "").status().reason(), "INVALID_IDEMPOTENCY_KEY");
  EXPECT_EQ(Earn(brand, 101, 5, std::string(129, 'k')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Earn(brand, 0, 5, "pay:t2").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Earn(0, 101, 5, "pay:t3").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Earn(brand, 101, 5, "pay:t4", /*expires_at=*/-1).status().code(),
            StatusCode::kInvalidArgument);
  // A member's accounts belong to one brand.
  const int64_t other = NewBrand("other");
  EXPECT_EQ(Earn(other, 101, 5, "pay:t5").status().reason(), "MEMBER_BRAND_MISMATCH");
  EXPECT_EQ(Counts(), before);

  // Postings need the caller's transaction; nothing runs outside one.
  Result<db::PooledConnection> conn = db().Acquire();
  POINTS_ASSERT_OK(conn);
  Ledger ledger(**conn);
  EarnRequest request;
  request.brand_id = brand;
  request.member_id = 101;
  request.points = 5;
  request.idempotency_key = "pay:t6";
  request.reason = "payment";
  EXPECT_EQ(ledger.Earn(request).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger.ExpireDue(brand, 1, 10).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger.History(101, PageRequest{1, 0}).status().reason(), "INVALID_PAGE");
  EXPECT_EQ(ledger.History(101, PageRequest{0, 10}).status().reason(), "INVALID_PAGE");
  EXPECT_EQ(Counts(), before);
  ExpectConsistent(brand);
}

TEST_P(LedgerTest, HistoryPagesNewestFirst) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Earn(brand, 101, 1, "pay:t1"));
  POINTS_ASSERT_OK(Earn(brand, 101, 2, "pay:t2"));
  POINTS_ASSERT_OK(Spend(brand, 101, 3, "redeem:s1"));
  POINTS_ASSERT_OK(Earn(brand, 102, 9, "pay:t3"));
  Result<PageOf<JournalLine>> page = InTx([&](Ledger& l) {
    return l.History(101, PageRequest{1, 2});
  });
  POINTS_ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->items[0].points, -3);
  EXPECT_EQ(page->items[0].reason, "redeem");
  EXPECT_EQ(page->items[1].points, 2);
  page = InTx([&](Ledger& l) { return l.History(101, PageRequest{2, 2}); });
  POINTS_ASSERT_OK(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->items[0].points, 1);
  ExpectConsistent(brand);
}

// The owner card's summary: the balance, the lots expiring by the bound (included; never-expiring
// lots and spent or swept lots not), the earliest expiry, one member only.
TEST_P(LedgerTest, SummaryCountsTheLotsExpiringByTheBound) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Earn(brand, 101, 10, "a", /*expires_at=*/5000));
  POINTS_ASSERT_OK(Earn(brand, 101, 20, "b", 9000));
  POINTS_ASSERT_OK(Earn(brand, 101, 40, "c", 9001));
  POINTS_ASSERT_OK(Earn(brand, 101, 80, "d", 0));
  POINTS_ASSERT_OK(Earn(brand, 102, 160, "e", 4000));
  auto summary = [&](int64_t member, int64_t until) {
    return InTx([&](Ledger& l) { return l.Summary(member, until); });
  };
  Result<PointsSummary> s = summary(101, 9000);
  POINTS_ASSERT_OK(s);
  EXPECT_EQ(s->balance, 150);
  EXPECT_EQ(s->expiring, 30);
  EXPECT_EQ(s->next_expiry_at, 5000);

  POINTS_ASSERT_OK(Spend(brand, 101, 15, "spend"));  // all of a, 5 of b
  s = summary(101, 9000);
  POINTS_ASSERT_OK(s);
  EXPECT_EQ(s->balance, 135);
  EXPECT_EQ(s->expiring, 15);
  EXPECT_EQ(s->next_expiry_at, 9000);

  POINTS_ASSERT_OK(InTx([&](Ledger& l) { return l.ExpireDue(brand, 9000, 100); }));
  s = summary(101, 100000);
  POINTS_ASSERT_OK(s);
  EXPECT_EQ(s->balance, 120);
  EXPECT_EQ(s->expiring, 40);
  EXPECT_EQ(s->next_expiry_at, 9001);

  s = summary(103, 100000);  // no account, no lots
  POINTS_ASSERT_OK(s);
  EXPECT_EQ(s->balance, 0);
  EXPECT_EQ(s->expiring, 0);
  EXPECT_EQ(s->next_expiry_at, 0);
  ExpectConsistent(brand);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerTest, ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::points
