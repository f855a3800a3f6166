// Payment-reward coupons through POST /wechatpay/v3/notify/{mchid} against a real in-process
// server, on SQLite and MariaDB: granted inside the notification's transaction exactly once per
// qualifying payment (also when WeChat delivers it several times at once), by the rule's
// minimum, first-payment and stores; skipped (never failing the payment) when sold out or at
// the limit; voided by a refund that takes the payment below the minimum, or kept and marked
// when the coupon was redeemed already (docs/API.md, "Payment rewards and refunds").
#include <thread>
#include <vector>

#include "coupons/types.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/integration/payments/payments_fixture.h"

namespace mileage::testing {
namespace {

constexpr int64_t kMinimum = 10000;  // the reward rule's minimum: 100 yuan

class PaymentRewardsTest : public PaymentsTest {
 protected:
  // An active payment-channel stock of the brand: 20 yuan off, any payment of at least
  // kMinimum, 30 days.
  coupons::NewStock Reward() {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand_;
    s.name = "Thanks for your visit";
    s.type = coupons::StockType::kCash;
    s.value_fen = 2000;
    s.valid_days = 30;
    s.total_quantity = 100;
    s.per_member_limit = 10;
    s.channels = {coupons::Channel::kPayment};
    s.reward_min_amount_fen = kMinimum;
    return s;
  }
  int64_t Create(const coupons::NewStock& stock) {
    coupons::CouponsModule& module = server_->app().coupons();
    Result<coupons::Stock> created = module.stocks().Create(org::Actor::System("test"), stock);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    coupons::StockPatch active;
    active.state = coupons::StockState::kActive;
    EXPECT_TRUE(module.stocks().Update(org::Actor::System("test"), created->id, active).ok());
    return created->id;
  }
  // The coupons a payment (by merchant and transaction id) earned: "state" per coupon.
  std::vector<std::string> RewardsOf(const std::string& transaction_id,
                                     const std::string& mchid = kMchid) {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT state FROM coupons WHERE source_ref = ? AND channel = 'payment' ORDER BY id",
        {db::Value("pay:" + mchid + ":" + transaction_id)});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (rows.ok()) {
      for (const db::Row& row : *rows) out.push_back(row.Text(0));
    }
    return out;
  }
  int64_t Events(const std::string& topic) {
    return Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = '" + topic + "'");
  }
  using States = std::vector<std::string>;
};

TEST_P(PaymentRewardsTest, AQualifyingPaymentEarnsItsCouponInTheSameTransaction) {
  const int64_t stock = Create(Reward());
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", kMinimum - 1}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", kMinimum}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000003", "openid-a", 88800}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), States{});
  EXPECT_EQ(RewardsOf("4200000002"), States{"issued"});
  EXPECT_EQ(RewardsOf("4200000003"), States{"issued"});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons"), 2);
  // The payer's coupons: the payment's member, the stock, the payment channel.
  const int64_t member = Scalar("SELECT DISTINCT member_id FROM payment_transactions");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE member_id = " + std::to_string(member) +
                   " AND stock_id = " + std::to_string(stock)),
            2);
  EXPECT_EQ(Events("coupon.issued"), 2);
  EXPECT_EQ(Scalar("SELECT SUM(issued) FROM coupon_stock_counters"), 2);
}

TEST_P(PaymentRewardsTest, APaymentDeliveredThreeTimesAtOnceEarnsOneCoupon) {
  Create(Reward());
  for (int round = 0; round < 3; ++round) {
    const std::string txid = "420000001" + std::to_string(round);
    // The same notification three times at once, then a new notification of the transaction.
    wechat::pay::SignedNotification n = Payment({txid, "openid-" + std::to_string(round), 50000});
    std::vector<std::thread> copies;
    std::atomic<int> accepted{0};
    for (int i = 0; i < 3; ++i) {
      copies.emplace_back([&] {
        httplib::Result r = Post(n);
        if (r && r->status == 204) ++accepted;
      });
    }
    for (std::thread& t : copies) t.join();
    EXPECT_EQ(accepted.load(), 3);
    ASSERT_EQ(Post(Payment({txid, "openid-" + std::to_string(round), 50000}))->status, 204);
    EXPECT_EQ(RewardsOf(txid), States{"issued"}) << txid;
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons"), 3);
  EXPECT_EQ(Events("coupon.issued"), 3);
}

TEST_P(PaymentRewardsTest, FirstPaymentOnlyAndTheStoresOfTheRule) {
  coupons::NewStock welcome = Reward();
  welcome.reward_min_amount_fen = 0;  // any payment (of at least 1 fen)
  welcome.reward_first_payment_only = true;
  Create(welcome);
  coupons::NewStock at_store2 = Reward();
  at_store2.store_ids = {store2_};
  Create(at_store2);
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 100}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 50000}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000003", "openid-b", 50000, kOtherMchid}), kOtherMchid)->status,
            204);
  EXPECT_EQ(RewardsOf("4200000001"), States{"issued"});  // welcome (first payment)
  EXPECT_EQ(RewardsOf("4200000002"), States{});          // not first, not at store 2
  // openid-b's first payment, at store 2: both stocks.
  EXPECT_EQ(RewardsOf("4200000003", kOtherMchid), (States{"issued", "issued"}));
}

TEST_P(PaymentRewardsTest, ASoldOutOrFullRewardIsSkippedAndThePaymentStillCounts) {
  coupons::NewStock one = Reward();
  one.total_quantity = 1;
  Create(one);
  coupons::NewStock once_each = Reward();
  once_each.per_member_limit = 1;
  Create(once_each);
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 50000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), (States{"issued", "issued"}));
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 50000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000002"), States{});  // sold out, and at the limit
  EXPECT_EQ(Count("payment_transactions"), 2);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 1000);
  EXPECT_EQ(Events("coupon.reward_skipped"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.reward_skipped' AND "
                   "payload LIKE '%SOLD_OUT%'"),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.reward_skipped' AND "
                   "payload LIKE '%LIMIT_REACHED%'"),
            1);
}

TEST_P(PaymentRewardsTest, ARefundBelowTheMinimumVoidsTheUnredeemedReward) {
  Create(Reward());
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 12000}))->status, 204);
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 2000, 12000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), States{"issued"});  // 10000 left: still the minimum
  EXPECT_EQ(Events("coupon.voided"), 0);
  ASSERT_EQ(Post(Refund({"5000000002", "4200000001", 1, 12000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), States{"voided"});
  EXPECT_EQ(Events("coupon.voided"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE void_reason = 'payment refunded'"), 1);
  // Refunding the rest changes nothing more.
  const std::string before = WrittenState();
  ASSERT_EQ(Post(Refund({"5000000002", "4200000001", 1, 12000}))->status, 204);  // a repeat
  EXPECT_EQ(WrittenState(), before);
  ASSERT_EQ(Post(Refund({"5000000003", "4200000001", 9999, 12000}))->status, 204);
  EXPECT_EQ(Events("coupon.voided"), 1);
}

TEST_P(PaymentRewardsTest, ARefundBeforeItsPaymentVoidsTheRewardAsItIsGranted) {
  Create(Reward());
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 6000, 12000}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 12000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), States{"voided"});
  EXPECT_EQ(Events("coupon.issued"), 1);
  EXPECT_EQ(Events("coupon.voided"), 1);
}

TEST_P(PaymentRewardsTest, ARedeemedRewardIsKeptAndMarkedWhenItsPaymentIsRefunded) {
  Create(Reward());
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 12000}))->status, 204);
  const std::string code = [&] {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    return (*conn)->Query("SELECT code FROM coupons").value().front().Text(0);
  }();
  coupons::RedeemRequest r;
  r.code = code;
  r.store_id = store1_;
  r.order_amount_fen = 30000;
  r.request_id = "counter-1";
  coupons::CouponsModule& module = server_->app().coupons();
  const org::Actor op = org::Actor::System("test");
  Result<coupons::RedemptionResult> redeemed =
      module.redemptions().Redeem(op, r, UnixSeconds(clock_.Now()));
  ASSERT_TRUE(redeemed.ok()) << redeemed.status().ToString();

  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 12000, 12000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), States{"redeemed"});
  EXPECT_EQ(Scalar("SELECT reward_refunded_after_redemption FROM coupons"), 1);
  EXPECT_EQ(Events("coupon.reward_refunded_after_redemption"), 1);
  EXPECT_EQ(Events("coupon.voided"), 0);
  // Taking the redemption back cannot revive a reward whose payment was refunded.
  Result<coupons::RedemptionResult> reversed = module.redemptions().Reverse(
      op, redeemed->redemption.id, "wrong car", UnixSeconds(clock_.Now()));
  ASSERT_TRUE(reversed.ok()) << reversed.status().ToString();
  EXPECT_EQ(reversed->coupon.state, coupons::CouponState::kVoided);
  EXPECT_EQ(RewardsOf("4200000001"), States{"voided"});
}

TEST_P(PaymentRewardsTest, ATierRestrictedRewardOnlyForTheTier) {
  coupons::NewStock gold = Reward();
  gold.min_tier = "gold";
  Create(gold);
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 50000}))->status, 204);
  EXPECT_EQ(RewardsOf("4200000001"), States{});  // a new member is silver
  EXPECT_EQ(Count("coupons"), 0);
}

MILEAGE_PAYMENTS_TEST_SUITE(PaymentRewardsTest);

}  // namespace
}  // namespace mileage::testing
