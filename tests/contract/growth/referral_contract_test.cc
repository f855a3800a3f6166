#include <gtest/gtest.h>

#include <string>

#include "coupons/coupon_store.h"
#include "tests/contract/growth/referral_fixture.h"
#include "tests/support/counting_connection.h"

namespace mileage::growth {
namespace {

class ReferralContractTest : public ReferralTest {};

TEST_P(ReferralContractTest, AMembersCodeIsStableAndFitsAScene) {
  const Owner a = NewOwner(tree_.store_a1);
  Result<ReferralCode> first = referrals().CodeOf(a.principal(), kNow);
  COUPONS_ASSERT_OK(first);
  Result<ReferralCode> again = referrals().CodeOf(a.principal(), kNow + kDay);
  COUPONS_ASSERT_OK(again);
  EXPECT_EQ(first->code, again->code);
  EXPECT_EQ(first->code.size(), 10u);
  EXPECT_EQ(first->scene, "r=" + first->code);
  EXPECT_LE(first->scene.size(), 32u);
  const Owner b = NewOwner(tree_.store_a1);
  EXPECT_NE(CodeOf(b), first->code);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM referral_codes"), 2);
}

TEST_P(ReferralContractTest, RewardsBothOnceWhateverIsRepeated) {
  const coupons::Stock stock = [&] {
    coupons::NewStock s = Cash(tree_.brand);
    s.channels = {coupons::Channel::kGrant};
    return CreateActive(s);
  }();
  PutRule(tree_.brand, 5, stock.id);
  const Owner a = NewOwner(tree_.store_a1);
  const Owner b = NewOwner(tree_.store_a1);
  Result<ReferralService::Attached> attached = Attach(b, a);
  COUPONS_ASSERT_OK(attached);
  EXPECT_TRUE(attached->created);
  EXPECT_EQ(attached->referral.state, ReferralState::kPending);
  EXPECT_EQ(attached->referral.expires_at, kNow + 30 * kDay);
  // Posting the same code again answers the same referral and writes nothing.
  const std::string before_repeat = ReferralWrites();
  Result<ReferralService::Attached> repeated = Attach(b, a);
  COUPONS_ASSERT_OK(repeated);
  EXPECT_FALSE(repeated->created);
  EXPECT_EQ(repeated->referral.id, attached->referral.id);
  EXPECT_EQ(ReferralWrites(), before_repeat);

  COUPONS_ASSERT_OK(Pay(b.openid, tree_.store_a1, 12000, kNow + 3 * kDay, "tx-b1"));
  std::optional<Referral> r = ReferralOf(b);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, ReferralState::kRewarded);
  EXPECT_EQ(r->referrer_points, 500);
  EXPECT_EQ(r->referee_points, 200);
  EXPECT_EQ(r->payment_fen, 12000);
  ASSERT_TRUE(r->referee_coupon_id.has_value());
  EXPECT_FALSE(r->referrer_coupon_id.has_value());
  EXPECT_EQ(BalanceOf(a.id).balance, 500);
  EXPECT_EQ(BalanceOf(b.id).balance, PaymentPoints("tx-b1") + 200);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE member_id = ? AND stock_id = ?",
                     {db::Value(b.id), db::Value(stock.id)}),
            1);

  // WeChat repeats the notification: the duplicate key stops it before anything moves.
  const std::string after_reward = ReferralWrites();
  EXPECT_EQ(StatusOf(Pay(b.openid, tree_.store_a1, 12000, kNow + 3 * kDay, "tx-b1")).reason(),
            payments::kDuplicateReason);
  EXPECT_EQ(ReferralWrites(), after_reward);
  // A second payment of the referee is not a first payment: the referral is left alone.
  COUPONS_ASSERT_OK(Pay(b.openid, tree_.store_a1, 50000, kNow + 4 * kDay, "tx-b2"));
  EXPECT_EQ(BalanceOf(a.id).balance, 500);
  EXPECT_EQ(States(), "rewarded:1,");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals WHERE reason = 'referral'"), 2);
  EXPECT_EQ(LedgerSum(tree_.brand.brand_id), 0);
}

TEST_P(ReferralContractTest, RefusalsWriteNothing) {
  PutRule(tree_.brand);
  PutRule(tree_.brand_z);
  const Owner a = NewOwner(tree_.store_a1);
  const Owner b = NewOwner(tree_.store_a2);
  const Owner c = NewOwner(tree_.store_b1);
  const Owner paid = NewOwner(tree_.store_a1);
  const Owner z = NewOwner(tree_.store_z1);
  COUPONS_ASSERT_OK(Pay(paid.openid, tree_.store_a1, 100, kNow - kDay, "tx-paid"));
  COUPONS_ASSERT_OK(Attach(b, a));  // a refers b
  COUPONS_ASSERT_OK(Attach(c, b));  // b refers c
  const std::string before = ReferralWrites();

  COUPONS_EXPECT_CODE(Attach(a, a), "SELF_REFERRAL");
  COUPONS_EXPECT_CODE(Attach(a, b), "REFERRAL_LOOP");            // a <- b <- a
  COUPONS_EXPECT_CODE(Attach(a, c), "REFERRAL_LOOP");            // a <- c <- b <- a
  COUPONS_EXPECT_CODE(Attach(z, a), "REFERRAL_CODE_NOT_FOUND");  // another brand's code
  COUPONS_EXPECT_CODE(Attach(a, z), "REFERRAL_CODE_NOT_FOUND");
  COUPONS_EXPECT_CODE(Attach(paid, a), "NOT_NEW_OWNER");
  COUPONS_EXPECT_CODE(Attach(b, c), "ALREADY_REFERRED");  // first attach wins
  COUPONS_EXPECT_CODE(referrals().Attach(a.principal(), "nosuchcode", kNow),
                      "REFERRAL_CODE_NOT_FOUND");
  for (const char* bad : {"", "abc-def", "r=abcdef", "0123456789abcdefX", "中文"}) {
    COUPONS_EXPECT_CODE(referrals().Attach(a.principal(), bad, kNow), "INVALID_REFERRAL_CODE");
  }
  EXPECT_EQ(ReferralWrites(), before);

  // The programme switched off: nobody can attach.
  ReferralService::RuleInput off;
  off.enabled = false;
  off.window_days = 30;
  off.monthly_cap = 1;
  COUPONS_ASSERT_OK(referrals().PutRule(admin_, tree_.brand.brand_id, off, kNow));
  const Owner d = NewOwner(tree_.store_a1);
  const std::string before_off = ReferralWrites();
  COUPONS_EXPECT_CODE(Attach(d, a), "REFERRALS_OFF");
  EXPECT_EQ(ReferralWrites(), before_off);
}

TEST_P(ReferralContractTest, AFirstPaymentThatDoesNotQualifyExpiresTheReferral) {
  PutRule(tree_.brand);
  const Owner a = NewOwner(tree_.store_a1);
  const Owner small = NewOwner(tree_.store_a1);
  const Owner late = NewOwner(tree_.store_a1);
  const Owner idle = NewOwner(tree_.store_a1);
  COUPONS_ASSERT_OK(Attach(small, a));
  COUPONS_ASSERT_OK(Attach(late, a));
  COUPONS_ASSERT_OK(Attach(idle, a));
  COUPONS_ASSERT_OK(Pay(small.openid, tree_.store_a1, 9999, kNow + kDay, "tx-small"));
  COUPONS_ASSERT_OK(Pay(late.openid, tree_.store_a1, 50000, kNow + 30 * kDay, "tx-late"));
  EXPECT_EQ(ReferralOf(small)->state, ReferralState::kExpired);
  EXPECT_EQ(ReferralOf(small)->reason, "BELOW_MINIMUM");
  EXPECT_EQ(ReferralOf(late)->reason, "WINDOW_OVER");
  // A later, larger payment does not revive it: only the first payment decides.
  COUPONS_ASSERT_OK(Pay(small.openid, tree_.store_a1, 50000, kNow + 2 * kDay, "tx-small2"));
  EXPECT_EQ(ReferralOf(small)->state, ReferralState::kExpired);
  EXPECT_EQ(BalanceOf(a.id).balance, 0);
  // Never paid: pending until expires_at, expired after, in the console's list and totals.
  const ReferralFilter pending{ReferralState::kPending, std::nullopt, std::nullopt};
  const ReferralFilter expired{ReferralState::kExpired, std::nullopt, std::nullopt};
  Result<PageOf<Referral>> list =
      referrals().List(admin_, tree_.brand.brand_id, pending, PageRequest{}, kNow + 29 * kDay);
  COUPONS_ASSERT_OK(list);
  EXPECT_EQ(list->total, 1);
  list = referrals().List(admin_, tree_.brand.brand_id, expired, PageRequest{}, kNow + 30 * kDay);
  COUPONS_ASSERT_OK(list);
  EXPECT_EQ(list->total, 3);
  Result<MemberReferrals> mine =
      referrals().OfReferrer(a.principal(), PageRequest{}, kNow + 31 * kDay);
  COUPONS_ASSERT_OK(mine);
  EXPECT_EQ(mine->totals.by_state[ReferralState::kExpired], 3);
  EXPECT_EQ(mine->totals.points, 0);
}

TEST_P(ReferralContractTest, TheMonthlyCapStopsTheReferrerNotTheReferee) {
  PutRule(tree_.brand, /*cap=*/2);
  const Owner a = NewOwner(tree_.store_a1);
  std::vector<Owner> referees;
  for (int i = 0; i < 4; ++i) {
    referees.push_back(NewOwner(tree_.store_a1));
    COUPONS_ASSERT_OK(Attach(referees.back(), a));
  }
  // 2026-11-17 .. 2026-11-19 Beijing: one month; 2026-12-01 10:00 Beijing: the next.
  for (int i = 0; i < 3; ++i) {
    COUPONS_ASSERT_OK(Pay(referees[i].openid, tree_.store_a1, 10000, kNow + i * kDay,
                          "tx-cap" + std::to_string(i)));
  }
  const int64_t december = kNow + 14 * kDay;
  COUPONS_ASSERT_OK(Pay(referees[3].openid, tree_.store_a1, 10000, december, "tx-cap3"));
  EXPECT_EQ(States(), "rewarded:3,capped:1,");
  EXPECT_EQ(ReferralOf(referees[2])->state, ReferralState::kCapped);
  EXPECT_EQ(ReferralOf(referees[2])->referrer_points, 0);
  EXPECT_EQ(ReferralOf(referees[3])->reward_month, 202612);
  EXPECT_EQ(BalanceOf(a.id).balance, 3 * 500);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(BalanceOf(referees[i].id).balance, PaymentPoints("tx-cap" + std::to_string(i)) + 200);
  }
  Result<MemberReferrals> mine = referrals().OfReferrer(a.principal(), PageRequest{}, december);
  COUPONS_ASSERT_OK(mine);
  EXPECT_EQ(mine->totals.by_state[ReferralState::kRewarded], 3);
  EXPECT_EQ(mine->totals.by_state[ReferralState::kCapped], 1);
  EXPECT_EQ(mine->totals.points, 1500);
  ASSERT_EQ(mine->page.items.size(), 4u);
  EXPECT_EQ(mine->page.items.front().referral.referee_member_id, referees[3].id);  // newest first
}

TEST_P(ReferralContractTest, ARefundBelowTheMinimumClawsBothBackOnceWithDebt) {
  const coupons::Stock stock = [&] {
    coupons::NewStock s = Cash(tree_.brand);
    s.channels = {coupons::Channel::kGrant};
    return CreateActive(s);
  }();
  PutRule(tree_.brand, 5, stock.id, stock.id);
  const Owner a = NewOwner(tree_.store_a1);
  const Owner b = NewOwner(tree_.store_a1);
  COUPONS_ASSERT_OK(Attach(b, a));
  COUPONS_ASSERT_OK(Pay(b.openid, tree_.store_a1, 12000, kNow + kDay, "tx-claw"));
  const Referral rewarded = *ReferralOf(b);
  ASSERT_EQ(rewarded.state, ReferralState::kRewarded);
  // The referrer spends 300 of their 500 referral points before the refund.
  COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    return points::Ledger(conn)
        .Spend({tree_.brand.brand_id, a.id, 300, "spend-a", "redeem", "test", kNow + kDay})
        .status();
  }));
  // The referrer's coupon was used at the counter.
  COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    return conn
        .Exec("UPDATE coupons SET state = 'redeemed' WHERE id = ?",
              {db::Value(*rewarded.referrer_coupon_id)})
        .status();
  }));

  // A partial refund that leaves 11000 >= 10000: the payment still qualifies.
  COUPONS_ASSERT_OK(Refund(tree_.store_a1, "tx-claw", "rf-1", 1000, kNow + 2 * kDay));
  EXPECT_EQ(ReferralOf(b)->state, ReferralState::kRewarded);
  EXPECT_EQ(BalanceOf(a.id).balance, 200);

  // 9000 left: below the minimum. Both sides are taken back.
  COUPONS_ASSERT_OK(Refund(tree_.store_a1, "tx-claw", "rf-2", 2000, kNow + 3 * kDay));
  std::optional<Referral> clawed = ReferralOf(b);
  EXPECT_EQ(clawed->state, ReferralState::kClawedBack);
  EXPECT_EQ(clawed->clawed_back_at, kNow + 3 * kDay);
  // The referrer had 200 left of 500: 300 becomes debt, per the ledger's refund policy.
  EXPECT_EQ(BalanceOf(a.id).balance, 0);
  EXPECT_EQ(BalanceOf(a.id).debt, 300);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals WHERE reason = 'referral_clawback'"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE id = ? AND state = 'voided'",
                     {db::Value(*rewarded.referee_coupon_id)}),
            1);
  // The used coupon is kept (the service was delivered) and flagged for the brand to settle.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE id = ? AND state = 'redeemed' AND "
                     "reward_refunded_after_redemption = 1",
                     {db::Value(*rewarded.referrer_coupon_id)}),
            1);
  EXPECT_EQ(LedgerSum(tree_.brand.brand_id), 0);

  // WeChat repeats the refund, and the rest is refunded: nothing more is taken.
  const std::string after = ReferralWrites();
  EXPECT_EQ(StatusOf(Refund(tree_.store_a1, "tx-claw", "rf-2", 2000, kNow + 4 * kDay)).reason(),
            payments::kDuplicateReason);
  EXPECT_EQ(ReferralWrites(), after);
  COUPONS_ASSERT_OK(Refund(tree_.store_a1, "tx-claw", "rf-3", 9000, kNow + 4 * kDay));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals WHERE reason = 'referral_clawback'"), 2);
  EXPECT_EQ(BalanceOf(a.id).debt, 300);
  EXPECT_EQ(LedgerSum(tree_.brand.brand_id), 0);
}

TEST_P(ReferralContractTest, TheRuleIsForBrandAdminsAndAudited) {
  ReferralService::RuleInput in;
  in.window_days = 14;
  in.min_amount_fen = 5000;
  in.referee_points = 100;
  in.monthly_cap = 3;
  const int64_t audits =
      QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'referral_rule.put'");
  for (const org::Actor* actor : {&region1_manager_, &dealer_a_manager_, &clerk_a1_, &analyst_a_}) {
    EXPECT_EQ(StatusOf(referrals().PutRule(*actor, tree_.brand.brand_id, in, kNow)).code(),
              StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(StatusOf(referrals().PutRule(admin_z_, tree_.brand.brand_id, in, kNow)).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM referral_rules"), 0);
  COUPONS_ASSERT_OK(referrals().PutRule(admin_, tree_.brand.brand_id, in, kNow));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'referral_rule.put' AND "
                     "outcome = 'ok'"),
            1);
  EXPECT_GT(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'referral_rule.put'"), audits);
  const org::Actor brand_analyst = Staff(org::Role::kAnalyst, tree_.brand);
  COUPONS_ASSERT_OK(referrals().Rule(brand_analyst, tree_.brand.brand_id));
  // Staff scoped below the brand do not reach the brand's rule.
  EXPECT_EQ(StatusOf(referrals().Rule(analyst_a_, tree_.brand.brand_id)).code(),
            StatusCode::kNotFound);
  COUPONS_EXPECT_CODE(referrals().Rule(admin_z_, tree_.brand_z.brand_id),
                      "REFERRAL_RULE_NOT_FOUND");
  EXPECT_EQ(StatusOf(referrals().Rule(admin_z_, tree_.brand.brand_id)).code(),
            StatusCode::kNotFound);
  // Another brand's stock, and bad numbers.
  const coupons::Stock z_stock = [&] {
    coupons::NewStock s = Cash(tree_.brand_z);
    s.channels = {coupons::Channel::kGrant};
    return CreateActive(s);
  }();
  ReferralService::RuleInput bad = in;
  bad.referee_stock_id = z_stock.id;
  COUPONS_EXPECT_CODE(referrals().PutRule(admin_, tree_.brand.brand_id, bad, kNow),
                      "STOCK_NOT_FOUND");
  bad = in;
  bad.window_days = 0;
  COUPONS_EXPECT_CODE(referrals().PutRule(admin_, tree_.brand.brand_id, bad, kNow),
                      "INVALID_WINDOW_DAYS");
  bad = in;
  bad.monthly_cap = 0;
  COUPONS_EXPECT_CODE(referrals().PutRule(admin_, tree_.brand.brand_id, bad, kNow), "INVALID_CAP");
  bad = in;
  bad.referee_points = 0;
  COUPONS_EXPECT_CODE(referrals().PutRule(admin_, tree_.brand.brand_id, bad, kNow), "NO_REWARD");
  bad = in;
  bad.referrer_points = -1;
  COUPONS_EXPECT_CODE(referrals().PutRule(admin_, tree_.brand.brand_id, bad, kNow),
                      "INVALID_POINTS");
  Result<ReferralRule> rule = referrals().Rule(admin_, tree_.brand.brand_id);
  COUPONS_ASSERT_OK(rule);
  EXPECT_EQ(rule->window_days, 14);
  EXPECT_EQ(rule->min_amount_fen, 5000);
}

// The statements one payment costs, with the referral observer and without it.
class HotPathTest : public ReferralTest {
 protected:
  int Statements(payments::PaymentRecorder& recorder, const payments::TransactionRecord& p) {
    int statements = 0;
    EXPECT_TRUE(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
                  testing::CountingConnection counting(conn);
                  MILEAGE_RETURN_IF_ERROR(recorder.RecordPayment(counting, p, kNow).status());
                  statements = counting.statements();
                  return Status::Ok();
                }).ok());
    return statements;
  }
};

TEST_P(HotPathTest, APayerWithoutAReferralCostsAtMostOneQueryMore) {
  PutRule(tree_.brand);
  payments::PaymentRecorder bare(random_, payments::PaymentPolicy{tiers_, expiry_},
                                 coupons().payment_rewards(), coupons().package_fulfilment());
  // One payment first, so that neither measured one pays for what the brand's first does.
  COUPONS_ASSERT_OK(Pay("warm-up", tree_.store_a1, 5000, kNow, "h0"));
  // Enrolled by the payment: nothing to look up.
  const int enrolled_bare = Statements(bare, Payment("new-1", tree_.store_a1, 5000, kNow, "h1"));
  const int enrolled = Statements(*recorder_, Payment("new-2", tree_.store_a1, 5000, kNow, "h2"));
  EXPECT_EQ(enrolled, enrolled_bare);
  // A repeat payer: nothing to look up.
  const int repeat_bare = Statements(bare, Payment("new-1", tree_.store_a1, 5000, kNow, "h3"));
  const int repeat = Statements(*recorder_, Payment("new-2", tree_.store_a1, 5000, kNow, "h4"));
  EXPECT_EQ(repeat, repeat_bare);
  // The first payment of a member who logged in first: one indexed read.
  const Owner x = NewOwner(tree_.store_a1);
  const Owner y = NewOwner(tree_.store_a1);
  const int first_bare = Statements(bare, Payment(x.openid, tree_.store_a1, 5000, kNow, "h5"));
  const int first = Statements(*recorder_, Payment(y.openid, tree_.store_a1, 5000, kNow, "h6"));
  EXPECT_EQ(first, first_bare + 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM referrals"), 0);
}

MILEAGE_COUPONS_TEST_SUITE(ReferralContractTest);
MILEAGE_COUPONS_TEST_SUITE(HotPathTest);

}  // namespace
}  // namespace mileage::growth
