// Points at partners (points/partner_points.h) on SQLite and MariaDB: earn by the partner's
// rule with caps and promotions, burn, proportional reversal, idempotency, bad input, and the
// funder/consumer trail (point_lot_uses) settlement reads. Expected amounts are worked out by
// hand in each test.

#include "points/partner_points.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/contract/points/points_fixture.h"

namespace mileage::points {
namespace {

using testing::Backend;

// 2026-11-10 00:00:00 Beijing time, the next two days and 2026-12-01.
constexpr int64_t kNov10 = 1794240000;
constexpr int64_t kNov11 = 1794326400;
constexpr int64_t kDec1 = 1796054400;
constexpr int64_t kDay = 86400;

class PartnerPointsTest : public PointsDbTest {
 protected:
  void SetUp() override {
    PointsDbTest::SetUp();
    if (database_ == nullptr) return;
    brand_ = NewBrand("b");
    other_brand_ = NewBrand("other");
    fuel_ = NewPartner(brand_, "fuel");
    wash_ = NewPartner(brand_, "wash");
    service_.emplace(db(), ExpiryPolicy{24});
  }

  int64_t Insert(const std::string& sql, std::vector<db::Value> params) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    Result<int64_t> inserted = (*conn)->Insert(sql, params);
    EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();
    return inserted.ok() ? *inserted : 0;
  }
  void Exec(const std::string& sql, std::vector<db::Value> params) {
    Result<db::PooledConnection> conn = db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Result<db::ExecResult> done = (*conn)->Exec(sql, params);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
  }

  int64_t NewPartner(int64_t brand, const std::string& name, bool active = true) {
    return Insert(
        "INSERT INTO partners (brand_id, name, category, api_key_id, active, "
        "created_at, updated_at) VALUES (?, ?, 'fuel', ?, ?, 0, 0)",
        {db::Value(brand), db::Value(name), db::Value("key-" + name + std::to_string(brand)),
         db::Value(int64_t{active ? 1 : 0})});
  }

  int64_t NewMember(int64_t brand, const std::string& tier = "silver",
                    const std::string& status = "active") {
    ++members_made_;
    char number[16];
    std::snprintf(number, sizeof(number), "%012d", members_made_);
    return Insert(
        "INSERT INTO members (brand_id, number, tier, status, enrolled_via, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, 'partner', 0, 0)",
        {db::Value(brand), db::Value(std::string(number)), db::Value(tier), db::Value(status)});
  }

  PartnerEarningRule Rule(int64_t partner, int64_t points_per_yuan) {
    PartnerEarningRule rule;
    rule.brand_id = brand_;
    rule.partner_id = partner;
    rule.points_per_yuan = points_per_yuan;
    return rule;
  }
  void PutRule(const PartnerEarningRule& rule) { POINTS_ASSERT_OK(service_->PutRule(rule, 1000)); }

  PartnerEarning Earning(int64_t partner, int64_t member, const std::string& id, int64_t amount_fen,
                         int64_t now = kNov10 + 3600) {
    return {partner, brand_, member, id, amount_fen, now - 60, R"({"litres":"40.5"})", now};
  }
  PartnerBurn Burning(int64_t partner, int64_t member, const std::string& id, int64_t points) {
    return {partner, brand_, member, id, points, kNov10 + 7200};
  }
  PartnerReversal Reversal(int64_t partner, const std::string& earning, const std::string& id,
                           int64_t amount_fen) {
    return {partner, brand_, earning, id, amount_fen, kNov10 + 9000};
  }

  // The sum of the lot uses funded by `funder` and consumed by `consumer` (settlement's sum).
  int64_t Used(int64_t funder, int64_t consumer) {
    return QueryInt(
        "SELECT COALESCE(SUM(points), 0) FROM point_lot_uses WHERE brand_id = ? AND "
        "funder_partner_id = ? AND consumer_partner_id = ?",
        {db::Value(brand_), db::Value(funder), db::Value(consumer)});
  }
  int64_t AccountSum(const std::string& kind, int64_t owner) {
    return QueryInt(
        "SELECT COALESCE(SUM(e.amount), 0) FROM point_entries e JOIN point_accounts a "
        "ON a.id = e.account_id WHERE a.kind = ? AND a.owner_id = ?",
        {db::Value(kind), db::Value(owner)});
  }
  std::vector<int64_t> RequestCounts() {
    std::vector<int64_t> out = Counts();
    out.push_back(QueryInt("SELECT COUNT(*) FROM partner_earnings"));
    out.push_back(QueryInt("SELECT COUNT(*) FROM partner_reversals"));
    out.push_back(QueryInt("SELECT COUNT(*) FROM partner_redemptions"));
    out.push_back(QueryInt("SELECT COALESCE(SUM(reversed_fen), 0) FROM partner_earnings"));
    out.push_back(QueryInt("SELECT COUNT(*) FROM partner_redemptions WHERE cancelled_at <> 0"));
    return out;
  }

  int64_t brand_ = 0;
  int64_t other_brand_ = 0;
  int64_t fuel_ = 0;
  int64_t wash_ = 0;
  int members_made_ = 0;
  std::optional<PartnerPoints> service_;
};

TEST_P(PartnerPointsTest, EarnAppliesTheRuleAndIsFundedByThePartner) {
  PartnerEarningRule rule = Rule(fuel_, 2);
  rule.tier_multiplier_percent = {{"gold", 150}};
  PutRule(rule);
  const int64_t member = NewMember(brand_, "gold");
  // 123.45 yuan at 2 points a yuan: floor(246.9) = 246; gold 150%: 369.
  Result<PartnerEarningResult> r = service_->Earn(Earning(fuel_, member, "e1", 12345));
  POINTS_ASSERT_OK(r);
  EXPECT_EQ(r->points, 369);
  EXPECT_EQ(r->balance_after, 369);
  EXPECT_EQ(r->rule_version, 1);
  EXPECT_EQ(r->debt_repaid, 0);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(BalanceOf(member).balance, 369);

  std::vector<db::Row> journal = Query(
      "SELECT kind, reason, partner_id, idempotency_key, rule_version, points FROM "
      "point_journals WHERE id = ?",
      {db::Value(r->journal_id)});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].Text(0), "earn");
  EXPECT_EQ(journal[0].Text(1), "partner_earn");
  EXPECT_EQ(journal[0].Int(2), fuel_);
  EXPECT_EQ(journal[0].Text(3), "partner:" + std::to_string(fuel_) + ":earn:e1");
  EXPECT_EQ(journal[0].Int(4), 1);
  EXPECT_EQ(AccountSum("partner_funding", fuel_), -369);
  EXPECT_EQ(
      QueryInt("SELECT funder_partner_id FROM point_lots WHERE member_id = ?", {db::Value(member)}),
      fuel_);
  // The lot expires at the end of the 24th month after the Beijing month of occurred_at:
  // 2028-11-30 23:59:59 +08:00.
  EXPECT_EQ(QueryInt("SELECT expires_at FROM point_lots WHERE member_id = ?", {db::Value(member)}),
            1859212799);
  Result<BrandTotals> totals = InTx([&](Ledger& l) { return l.TotalsOf(brand_); });
  POINTS_ASSERT_OK(totals);
  EXPECT_EQ(totals->liability, 0);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, APromotionMultipliesPurchasesInsideItsWindowOnly) {
  PartnerEarningRule rule = Rule(fuel_, 1);
  rule.promo_from = kNov10;
  rule.promo_to = kNov11;
  rule.promo_percent = 250;
  PutRule(rule);
  const int64_t member = NewMember(brand_);
  // 10.99 yuan: 10 points; inside the window 250%: 25.
  PartnerEarning inside = Earning(fuel_, member, "in", 1099, kNov10 + 100);
  inside.occurred_at = kNov10;
  PartnerEarning last = Earning(fuel_, member, "last", 1099, kNov11 + 100);
  last.occurred_at = kNov11 - 1;
  PartnerEarning after = Earning(fuel_, member, "after", 1099, kNov11 + 100);
  after.occurred_at = kNov11;
  PartnerEarning before = Earning(fuel_, member, "before", 1099, kNov11 + 100);
  before.occurred_at = kNov10 - 1;
  EXPECT_EQ(service_->Earn(inside)->points, 25);
  EXPECT_EQ(service_->Earn(last)->points, 25);
  EXPECT_EQ(service_->Earn(after)->points, 10);
  EXPECT_EQ(service_->Earn(before)->points, 10);
  EXPECT_EQ(BalanceOf(member).balance, 70);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, CapsPerBeijingDayAndMonth) {
  PartnerEarningRule rule = Rule(fuel_, 1);
  rule.cap_per_day = 100;
  rule.cap_per_month = 250;
  PutRule(rule);
  const int64_t member = NewMember(brand_);
  const int64_t other = NewMember(brand_);
  auto earn = [&](const std::string& id, int64_t now, int64_t m) {
    Result<PartnerEarningResult> r = service_->Earn(Earning(fuel_, m, id, 6000, now));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->points : -1;
  };
  // Nov 10: 60, then 40 up to the day cap, then nothing (no journal, the request recorded).
  EXPECT_EQ(earn("a1", kNov10, member), 60);
  EXPECT_EQ(earn("a2", kNov10 + kDay - 1, member), 40);
  Result<PartnerEarningResult> capped =
      service_->Earn(Earning(fuel_, member, "a3", 6000, kNov10 + kDay - 1));
  POINTS_ASSERT_OK(capped);
  EXPECT_EQ(capped->points, 0);
  EXPECT_EQ(capped->journal_id, 0);
  EXPECT_EQ(capped->balance_after, 100);
  // Another member of the same partner has caps of their own.
  EXPECT_EQ(earn("b1", kNov10 + 10, other), 60);
  // Nov 11 starts a new day: 60 + 40 again (month: 200).
  EXPECT_EQ(earn("a4", kNov11, member), 60);
  EXPECT_EQ(earn("a5", kNov11 + 1, member), 40);
  // Nov 12: the month cap leaves 50.
  EXPECT_EQ(earn("a6", kNov11 + kDay, member), 50);
  EXPECT_EQ(earn("a7", kNov11 + kDay + 5, member), 0);
  // December: a new month.
  EXPECT_EQ(earn("a8", kDec1, member), 60);
  EXPECT_EQ(BalanceOf(member).balance, 310);
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM partner_earnings WHERE member_id = ?", {db::Value(member)}),
      8);
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM point_journals WHERE member_id = ?", {db::Value(member)}), 6);
  // A repeat of the capped request answers what it answered, not what is left now.
  Result<PartnerEarningResult> again =
      service_->Earn(Earning(fuel_, member, "a3", 6000, kNov10 + kDay - 1));
  POINTS_ASSERT_OK(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->points, 0);
  EXPECT_EQ(again->balance_after, 100);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, BurnTakesOldestLotsFirstAndRecordsWhoFundedThem) {
  PutRule(Rule(fuel_, 1));
  Exec("UPDATE brands SET point_value_fen_per_100 = 150 WHERE id = ?", {db::Value(brand_)});
  const int64_t member = NewMember(brand_);
  // 300 points funded by the fuel partner (expire in 2028), 200 by the brand expiring sooner.
  POINTS_ASSERT_OK(service_->Earn(Earning(fuel_, member, "e1", 30000)));
  POINTS_ASSERT_OK(Earn(brand_, member, 200, "pay:t1", /*expires_at=*/kDec1));

  Result<PartnerBurnResult> burned = service_->Burn(Burning(wash_, member, "r1", 250));
  POINTS_ASSERT_OK(burned);
  EXPECT_EQ(burned->points, 250);
  EXPECT_EQ(burned->discount_fen, 375);  // 250 points at 1.5 fen
  EXPECT_EQ(burned->balance_after, 250);
  EXPECT_FALSE(burned->duplicate);
  EXPECT_EQ(BalanceOf(member).balance, 250);
  // The brand's lot (200) first, then 50 of the fuel partner's.
  EXPECT_EQ(Used(0, wash_), 200);
  EXPECT_EQ(Used(fuel_, wash_), 50);
  EXPECT_EQ(AccountSum("partner_redeemed", wash_), 250);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lot_uses WHERE journal_id = ?",
                     {db::Value(burned->journal_id)}),
            2);
  std::vector<db::Row> journal =
      Query("SELECT kind, reason, partner_id FROM point_journals WHERE id = ?",
            {db::Value(burned->journal_id)});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].Text(0), "spend");
  EXPECT_EQ(journal[0].Text(1), "partner_burn");
  EXPECT_EQ(journal[0].Int(2), wash_);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, BurningMoreThanTheBalanceWritesNothing) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  const int64_t empty = NewMember(brand_);
  POINTS_ASSERT_OK(service_->Earn(Earning(fuel_, member, "e1", 10000)));
  const std::vector<int64_t> before = RequestCounts();
  for (const PartnerBurn& burn :
       {Burning(wash_, member, "r1", 101), Burning(wash_, empty, "r2", 1)}) {
    Result<PartnerBurnResult> r = service_->Burn(burn);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().reason(), "INSUFFICIENT_POINTS");
  }
  EXPECT_EQ(RequestCounts(), before);
  EXPECT_EQ(BalanceOf(member).balance, 100);
  // All of it is fine.
  POINTS_ASSERT_OK(service_->Burn(Burning(wash_, member, "r1", 100)));
  EXPECT_EQ(BalanceOf(member).balance, 0);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, ACancelledBurnGoesBackToItsLotsAndNetsOutOfTheLotUses) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  // 300 points funded by the fuel partner, 200 by the brand expiring sooner.
  POINTS_ASSERT_OK(service_->Earn(Earning(fuel_, member, "e1", 30000)));
  POINTS_ASSERT_OK(Earn(brand_, member, 200, "pay:t1", /*expires_at=*/kDec1));
  Result<PartnerBurnResult> burned = service_->Burn(Burning(wash_, member, "r1", 250));
  POINTS_ASSERT_OK(burned);
  ASSERT_EQ(Used(0, wash_), 200);
  ASSERT_EQ(Used(fuel_, wash_), 50);

  // Another partner cannot cancel it; the burn's partner can, up to 30 minutes after it.
  const PartnerBurnCancel cancel{wash_, brand_, "r1", kNov10 + 7200 + 1800};
  std::vector<int64_t> before = RequestCounts();
  Result<PartnerBurnCancelResult> foreign =
      service_->CancelBurn({fuel_, brand_, "r1", kNov10 + 7200 + 60});
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(foreign.status().reason(), "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(RequestCounts(), before);

  Result<PartnerBurnCancelResult> cancelled = service_->CancelBurn(cancel);
  POINTS_ASSERT_OK(cancelled);
  EXPECT_EQ(cancelled->points, 250);
  EXPECT_EQ(cancelled->cancelled_at, kNov10 + 7200 + 1800);
  EXPECT_FALSE(cancelled->duplicate);
  EXPECT_EQ(BalanceOf(member).balance, 500);
  // Settlement's sums net the burn out, and the points are back in the lots they came from.
  EXPECT_EQ(Used(0, wash_), 0);
  EXPECT_EQ(Used(fuel_, wash_), 0);
  EXPECT_EQ(AccountSum("partner_redeemed", wash_), 0);
  EXPECT_EQ(
      QueryInt("SELECT remaining FROM point_lots WHERE funder_partner_id = ?", {db::Value(fuel_)}),
      300);
  EXPECT_EQ(QueryInt("SELECT remaining FROM point_lots WHERE funder_partner_id = 0 AND "
                     "member_id = ?",
                     {db::Value(member)}),
            200);
  std::vector<db::Row> journal =
      Query("SELECT kind, reason, partner_id, points FROM point_journals WHERE id = ?",
            {db::Value(cancelled->journal_id)});
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].Text(0), "unspend");
  EXPECT_EQ(journal[0].Text(1), "partner_burn_cancel");
  EXPECT_EQ(journal[0].Int(2), wash_);
  EXPECT_EQ(journal[0].Int(3), 250);

  // A repeat answers the first cancellation, also after the window, and writes nothing.
  before = RequestCounts();
  const int64_t journals = QueryInt("SELECT COUNT(*) FROM point_journals");
  Result<PartnerBurnCancelResult> again =
      service_->CancelBurn({wash_, brand_, "r1", kNov10 + 7200 + 4000});
  POINTS_ASSERT_OK(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->journal_id, cancelled->journal_id);
  EXPECT_EQ(again->cancelled_at, cancelled->cancelled_at);
  EXPECT_EQ(again->points, 250);
  EXPECT_EQ(RequestCounts(), before);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals"), journals);

  // One second past the window: refused, nothing written.
  POINTS_ASSERT_OK(service_->Burn(Burning(wash_, member, "r2", 100)));
  before = RequestCounts();
  Result<PartnerBurnCancelResult> late =
      service_->CancelBurn({wash_, brand_, "r2", kNov10 + 7200 + 1801});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().reason(), "CANCEL_WINDOW_PASSED");
  EXPECT_EQ(RequestCounts(), before);
  EXPECT_EQ(BalanceOf(member).balance, 400);
  Result<PartnerBurnCancelResult> unknown =
      service_->CancelBurn({wash_, brand_, "r9", kNov10 + 7200});
  EXPECT_EQ(unknown.status().reason(), "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(service_->CancelBurn({wash_, other_brand_, "r2", kNov10 + 7200}).status().reason(),
            "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(service_->CancelBurn({wash_, brand_, "bad id!", kNov10 + 7200}).status().reason(),
            "INVALID_REQUEST_ID");
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, ABurnWhosePointsExpiredSinceCannotBeCancelled) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  // 100 brand points expiring 10 minutes after the burn.
  POINTS_ASSERT_OK(Earn(brand_, member, 100, "pay:t1", /*expires_at=*/kNov10 + 7200 + 600));
  POINTS_ASSERT_OK(service_->Burn(Burning(wash_, member, "r1", 60)));
  Result<int64_t> expired =
      InTx([&](Ledger& l) { return l.ExpireDue(brand_, kNov10 + 7200 + 700, 10); });
  POINTS_ASSERT_OK(expired);
  ASSERT_EQ(*expired, 1);
  const std::vector<int64_t> before = RequestCounts();
  Result<PartnerBurnCancelResult> cancelled =
      service_->CancelBurn({wash_, brand_, "r1", kNov10 + 7200 + 800});
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(cancelled.status().reason(), "CANCEL_POINTS_EXPIRED");
  EXPECT_EQ(RequestCounts(), before);
  EXPECT_EQ(BalanceOf(member).balance, 0);
  EXPECT_EQ(Used(0, wash_), 60);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, RepeatsAnswerTheFirstResultAndOtherBodiesAreRefused) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  Result<PartnerEarningResult> first = service_->Earn(Earning(fuel_, member, "e1", 5000));
  POINTS_ASSERT_OK(first);
  Result<PartnerBurnResult> burn = service_->Burn(Burning(wash_, member, "r1", 20));
  POINTS_ASSERT_OK(burn);
  Result<PartnerReversalResult> reversal = service_->Reverse(Reversal(fuel_, "e1", "v1", 1000));
  POINTS_ASSERT_OK(reversal);
  const std::vector<int64_t> before = RequestCounts();

  Result<PartnerEarningResult> again = service_->Earn(Earning(fuel_, member, "e1", 5000));
  POINTS_ASSERT_OK(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->points, 50);
  EXPECT_EQ(again->journal_id, first->journal_id);
  EXPECT_EQ(again->balance_after, 50);
  Result<PartnerBurnResult> burn_again = service_->Burn(Burning(wash_, member, "r1", 20));
  POINTS_ASSERT_OK(burn_again);
  EXPECT_TRUE(burn_again->duplicate);
  EXPECT_EQ(burn_again->journal_id, burn->journal_id);
  EXPECT_EQ(burn_again->balance_after, 30);
  Result<PartnerReversalResult> reversal_again =
      service_->Reverse(Reversal(fuel_, "e1", "v1", 1000));
  POINTS_ASSERT_OK(reversal_again);
  EXPECT_TRUE(reversal_again->duplicate);
  EXPECT_EQ(reversal_again->points, 10);
  EXPECT_EQ(reversal_again->journal_id, reversal->journal_id);

  // The same ids with another body.
  PartnerEarning other_amount = Earning(fuel_, member, "e1", 5001);
  PartnerEarning other_detail = Earning(fuel_, member, "e1", 5000);
  other_detail.detail = R"({"litres":"41"})";
  for (const PartnerEarning& e : {other_amount, other_detail}) {
    Result<PartnerEarningResult> r = service_->Earn(e);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(r.status().reason(), "REQUEST_ID_REUSED");
  }
  Result<PartnerBurnResult> other_burn = service_->Burn(Burning(wash_, member, "r1", 21));
  EXPECT_EQ(other_burn.status().reason(), "REQUEST_ID_REUSED");
  Result<PartnerReversalResult> other_reversal =
      service_->Reverse(Reversal(fuel_, "e1", "v1", 999));
  EXPECT_EQ(other_reversal.status().reason(), "REQUEST_ID_REUSED");
  EXPECT_EQ(RequestCounts(), before);
  // Request ids are per partner: the wash partner may use "e1" for its own earning.
  PutRule(Rule(wash_, 1));
  Result<PartnerEarningResult> wash = service_->Earn(Earning(wash_, member, "e1", 5000));
  POINTS_ASSERT_OK(wash);
  EXPECT_FALSE(wash->duplicate);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, PartialReversalsAddUpToTheEarningAtAFullReversal) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  POINTS_ASSERT_OK(service_->Earn(Earning(fuel_, member, "e1", 1000)));  // 10 points
  // Cumulative floors: 10*1/1000 = 0, 10*334/1000 = 3, 10*667/1000 = 6, 10*1000/1000 = 10;
  // floors per reversal would give 0 + 3 + 3 + 3 = 9.
  const std::vector<std::pair<int64_t, int64_t>> steps = {{1, 0}, {333, 3}, {333, 3}, {333, 4}};
  int64_t reversed = 0;
  int n = 0;
  for (const auto& [fen, points] : steps) {
    reversed += fen;
    Result<PartnerReversalResult> r =
        service_->Reverse(Reversal(fuel_, "e1", "v" + std::to_string(++n), fen));
    POINTS_ASSERT_OK(r);
    EXPECT_EQ(r->points, points) << "reversal " << n;
    EXPECT_EQ(r->reversed_fen, reversed);
    EXPECT_EQ(r->debt_recorded, 0);
    EXPECT_EQ(r->journal_id == 0, points == 0);
  }
  EXPECT_EQ(BalanceOf(member).balance, 0);
  EXPECT_EQ(AccountSum("partner_funding", fuel_), 0);
  EXPECT_EQ(Used(fuel_, fuel_), 10);
  EXPECT_EQ(QueryInt("SELECT reversed_points FROM partner_earnings"), 10);
  // Nothing is left to reverse.
  const std::vector<int64_t> before = RequestCounts();
  Result<PartnerReversalResult> beyond = service_->Reverse(Reversal(fuel_, "e1", "v9", 1));
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().reason(), "REVERSAL_EXCEEDS_EARNING");
  EXPECT_EQ(RequestCounts(), before);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, AReversalTakesTheEarningsOwnLotFirstThenOthersThenDebt) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  // A brand lot that expires first, then the fuel earning's lot.
  POINTS_ASSERT_OK(Earn(brand_, member, 30, "pay:t1", /*expires_at=*/kDec1));
  POINTS_ASSERT_OK(service_->Earn(Earning(fuel_, member, "e1", 10000)));  // 100 points
  // Half reversed: 50 from the fuel lot, although the brand lot is older.
  Result<PartnerReversalResult> half = service_->Reverse(Reversal(fuel_, "e1", "v1", 5000));
  POINTS_ASSERT_OK(half);
  EXPECT_EQ(half->points, 50);
  EXPECT_EQ(Used(fuel_, fuel_), 50);
  EXPECT_EQ(Used(0, fuel_), 0);
  EXPECT_EQ(half->balance_after, 80);
  // Burn 70 at the wash partner: the brand's 30, then 40 of the fuel lot (10 left).
  POINTS_ASSERT_OK(service_->Burn(Burning(wash_, member, "r1", 70)));
  EXPECT_EQ(Used(0, wash_), 30);
  EXPECT_EQ(Used(fuel_, wash_), 40);
  // The rest reversed: 50 points, 10 from the lot, 40 become debt.
  Result<PartnerReversalResult> rest = service_->Reverse(Reversal(fuel_, "e1", "v2", 5000));
  POINTS_ASSERT_OK(rest);
  EXPECT_EQ(rest->points, 50);
  EXPECT_EQ(rest->debt_recorded, 40);
  EXPECT_EQ(rest->balance_after, 0);
  EXPECT_EQ(BalanceOf(member).debt, 40);
  EXPECT_EQ(Used(fuel_, fuel_), 60);
  EXPECT_EQ(AccountSum("partner_funding", fuel_), 0);
  // A later earning at the wash partner repays the debt first: the brand consumes 40 of it.
  PutRule(Rule(wash_, 1));
  Result<PartnerEarningResult> repay = service_->Earn(Earning(wash_, member, "w1", 6000));
  POINTS_ASSERT_OK(repay);
  EXPECT_EQ(repay->points, 60);
  EXPECT_EQ(repay->debt_repaid, 40);
  EXPECT_EQ(repay->balance_after, 20);
  EXPECT_EQ(BalanceOf(member).debt, 0);
  EXPECT_EQ(QueryInt("SELECT points FROM point_lot_uses WHERE journal_id = ? AND lot_id = 0 AND "
                     "funder_partner_id = ? AND consumer_partner_id = 0",
                     {db::Value(repay->journal_id), db::Value(wash_)}),
            40);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, BrandPostingsAndExpiryRecordTheirLotUses) {
  const int64_t member = NewMember(brand_);
  POINTS_ASSERT_OK(Earn(brand_, member, 100, "pay:t1", /*expires_at=*/5000));
  POINTS_ASSERT_OK(Earn(brand_, member, 50, "pay:t2", /*expires_at=*/9000));
  POINTS_ASSERT_OK(Spend(brand_, member, 30, "redeem:1"));
  POINTS_ASSERT_OK(Reverse(brand_, member, 20, "refund:1"));
  Result<int64_t> expired = InTx([&](Ledger& l) { return l.ExpireDue(brand_, 6000, 10); });
  POINTS_ASSERT_OK(expired);
  EXPECT_EQ(*expired, 1);
  // Spend 30 and reversal 20 from the first lot, its last 50 expired; all brand-consumed.
  EXPECT_EQ(Used(0, 0), 100);
  EXPECT_EQ(QueryInt("SELECT u.points FROM point_lot_uses u JOIN point_journals j ON "
                     "j.id = u.journal_id WHERE j.kind = 'expire'"),
            50);
  EXPECT_EQ(BalanceOf(member).balance, 50);
  ExpectConsistent(brand_);
}

TEST_P(PartnerPointsTest, BadInputIsRefusedAndWritesNothing) {
  PutRule(Rule(fuel_, 1));
  const int64_t member = NewMember(brand_);
  const int64_t stranger = NewMember(other_brand_);
  const int64_t suspended = NewMember(brand_, "silver", "suspended");
  const int64_t inactive = NewPartner(brand_, "closed", /*active=*/false);
  const int64_t foreign = NewPartner(other_brand_, "foreign");
  POINTS_ASSERT_OK(service_->Earn(Earning(fuel_, member, "e0", 1000)));
  const std::vector<int64_t> before = RequestCounts();

  auto expect_earn = [&](PartnerEarning e, const char* reason) {
    Result<PartnerEarningResult> r = service_->Earn(e);
    ASSERT_FALSE(r.ok()) << reason;
    EXPECT_EQ(r.status().reason(), reason);
  };
  const int64_t now = kNov10 + 3600;
  PartnerEarning e = Earning(fuel_, member, "e1", 0);
  expect_earn(e, "INVALID_AMOUNT");
  e.amount_fen = -5;
  expect_earn(e, "INVALID_AMOUNT");
  e.amount_fen = 1000000000001;
  expect_earn(e, "INVALID_AMOUNT");
  e = Earning(fuel_, member, "e1", 1000);
  e.occurred_at = now + 301;
  expect_earn(e, "INVALID_OCCURRED_AT");
  e.occurred_at = 0;
  expect_earn(e, "INVALID_OCCURRED_AT");
  e = Earning(fuel_, member, "", 1000);
  expect_earn(e, "INVALID_REQUEST_ID");
  e = Earning(fuel_, member, "has space", 1000);
  expect_earn(e, "INVALID_REQUEST_ID");
  e = Earning(fuel_, member, std::string(65, 'a'), 1000);
  expect_earn(e, "INVALID_REQUEST_ID");
  e = Earning(fuel_, member, "e1", 1000);
  e.detail = std::string(4097, 'x');
  expect_earn(e, "INVALID_DETAIL");
  expect_earn(Earning(fuel_, 0, "e1", 1000), "INVALID_ID");
  expect_earn(Earning(fuel_, stranger, "e1", 1000), "MEMBER_NOT_FOUND");
  expect_earn(Earning(fuel_, 999999, "e1", 1000), "MEMBER_NOT_FOUND");
  expect_earn(Earning(fuel_, suspended, "e1", 1000), "MEMBER_SUSPENDED");
  expect_earn(Earning(foreign, member, "e1", 1000), "PARTNER_NOT_FOUND");
  expect_earn(Earning(inactive, member, "e1", 1000), "PARTNER_INACTIVE");
  expect_earn(Earning(wash_, member, "e1", 1000), "PARTNER_RULE_MISSING");

  auto expect_burn = [&](PartnerBurn b, const char* reason) {
    Result<PartnerBurnResult> r = service_->Burn(b);
    ASSERT_FALSE(r.ok()) << reason;
    EXPECT_EQ(r.status().reason(), reason);
  };
  expect_burn(Burning(wash_, member, "r1", 0), "INVALID_POINTS");
  expect_burn(Burning(wash_, member, "r1", -3), "INVALID_POINTS");
  expect_burn(Burning(wash_, member, "r/1", 3), "INVALID_REQUEST_ID");
  expect_burn(Burning(foreign, member, "r1", 3), "PARTNER_NOT_FOUND");
  expect_burn(Burning(wash_, stranger, "r1", 3), "MEMBER_NOT_FOUND");

  auto expect_reversal = [&](PartnerReversal v, const char* reason) {
    Result<PartnerReversalResult> r = service_->Reverse(v);
    ASSERT_FALSE(r.ok()) << reason;
    EXPECT_EQ(r.status().reason(), reason);
  };
  expect_reversal(Reversal(fuel_, "e0", "v1", 0), "INVALID_AMOUNT");
  expect_reversal(Reversal(fuel_, "e0", "v1", 1001), "REVERSAL_EXCEEDS_EARNING");
  expect_reversal(Reversal(fuel_, "nope", "v1", 10), "EARNING_NOT_FOUND");
  expect_reversal(Reversal(wash_, "e0", "v1", 10), "EARNING_NOT_FOUND");  // not its earning
  PartnerReversal other_brand = Reversal(fuel_, "e0", "v1", 10);
  other_brand.brand_id = other_brand_;
  expect_reversal(other_brand, "EARNING_NOT_FOUND");
  EXPECT_EQ(RequestCounts(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartnerPointsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::points
