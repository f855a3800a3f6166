// The pure rules of stocks and coupons: every bad definition with its stable code, quantities,
// validity dates written out by hand, discounts written out from docs/API.md's rule, state
// transitions and usability.
#include "coupons/rules.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace mileage::coupons {
namespace {

// 2026-11-17 10:00:00 Beijing time.
constexpr int64_t kNow = 1'794'880'800;
constexpr int64_t kDay = 86400;

NewStock ValidCash() {
  NewStock s;
  s.node_type = org::NodeType::kDealer;
  s.node_id = 3;
  s.name = "100 off 500";
  s.type = StockType::kCash;
  s.value_fen = 10000;
  s.threshold_fen = 50000;
  s.valid_days = 30;
  s.total_quantity = 1000;
  s.per_member_limit = 2;
  s.channels = {Channel::kClaim};
  return s;
}

NewStock ValidDiscount() {
  NewStock s = ValidCash();
  s.type = StockType::kDiscount;
  s.value_fen = 0;
  s.percent_off = 10;
  s.max_discount_fen = 5000;
  return s;
}

NewStock ValidExchange() {
  NewStock s = ValidCash();
  s.type = StockType::kExchange;
  s.value_fen = 0;
  s.threshold_fen = 0;
  s.item = "tyre check";
  return s;
}

members::TierPolicy Tiers() { return members::TierPolicy{}; }  // silver, gold, platinum

struct BadCase {
  std::string what;
  std::function<NewStock()> make;
  std::string reason;
};

TEST(StockRules, ValidStocksPass) {
  for (const NewStock& s : {ValidCash(), ValidDiscount(), ValidExchange()}) {
    EXPECT_TRUE(ValidateNewStock(s, Tiers(), kNow).ok())
        << ValidateNewStock(s, Tiers(), kNow).ToString();
  }
  NewStock low_threshold = ValidCash();
  low_threshold.threshold_fen = 100;  // below the value: allowed (discount capped at the order)
  EXPECT_TRUE(ValidateNewStock(low_threshold, Tiers(), kNow).ok());
  NewStock window = ValidCash();
  window.valid_days = 0;
  window.valid_from = kNow - kDay;
  window.valid_until = kNow + kDay;
  EXPECT_TRUE(ValidateNewStock(window, Tiers(), kNow).ok());
  NewStock reward = ValidCash();
  reward.channels = {Channel::kPayment, Channel::kGrant};
  reward.reward_min_amount_fen = 20000;
  reward.reward_first_payment_only = true;
  reward.min_tier = "gold";
  reward.budget_fen = 10000 * 10;
  reward.store_ids = {5, 7};
  EXPECT_TRUE(ValidateNewStock(reward, Tiers(), kNow).ok())
      << ValidateNewStock(reward, Tiers(), kNow).ToString();
}

TEST(StockRules, EveryBadDefinitionHasItsCode) {
  auto with = [](std::function<void(NewStock&)> change,
                 std::function<NewStock()> base = ValidCash) {
    return [change, base] {
      NewStock s = base();
      change(s);
      return s;
    };
  };
  const std::vector<BadCase> cases = {
      {"percent_off 0", with([](NewStock& s) { s.percent_off = 0; }, ValidDiscount),
       "INVALID_STOCK"},
      {"percent_off 100", with([](NewStock& s) { s.percent_off = 100; }, ValidDiscount),
       "INVALID_STOCK"},
      {"negative max discount", with([](NewStock& s) { s.max_discount_fen = -1; }, ValidDiscount),
       "INVALID_STOCK"},
      {"value on a discount", with([](NewStock& s) { s.value_fen = 100; }, ValidDiscount),
       "INVALID_STOCK"},
      {"cash value 0", with([](NewStock& s) { s.value_fen = 0; }), "INVALID_STOCK"},
      {"negative value", with([](NewStock& s) { s.value_fen = -100; }), "INVALID_STOCK"},
      {"huge value", with([](NewStock& s) { s.value_fen = NewStock::kMaxMoneyFen + 1; }),
       "INVALID_STOCK"},
      {"negative threshold", with([](NewStock& s) { s.threshold_fen = -1; }), "INVALID_STOCK"},
      {"percent on cash", with([](NewStock& s) { s.percent_off = 10; }), "INVALID_STOCK"},
      {"item on cash", with([](NewStock& s) { s.item = "x"; }), "INVALID_STOCK"},
      {"exchange without item", with([](NewStock& s) { s.item = ""; }, ValidExchange),
       "INVALID_STOCK"},
      {"item of 65 characters",
       with([](NewStock& s) { s.item = std::string(65, 'x'); }, ValidExchange), "INVALID_STOCK"},
      {"threshold on exchange", with([](NewStock& s) { s.threshold_fen = 1; }, ValidExchange),
       "INVALID_STOCK"},
      {"budget on a discount", with([](NewStock& s) { s.budget_fen = 100000; }, ValidDiscount),
       "INVALID_STOCK"},
      {"budget on exchange", with([](NewStock& s) { s.budget_fen = 100000; }, ValidExchange),
       "INVALID_STOCK"},
      {"budget below one coupon", with([](NewStock& s) { s.budget_fen = 9999; }), "INVALID_STOCK"},
      {"negative budget", with([](NewStock& s) { s.budget_fen = -1; }), "INVALID_STOCK"},
      {"window ends before it starts", with([](NewStock& s) {
         s.valid_days = 0;
         s.valid_from = kNow + 2 * kDay;
         s.valid_until = kNow + kDay;
       }),
       "INVALID_STOCK"},
      {"window of zero length", with([](NewStock& s) {
         s.valid_days = 0;
         s.valid_from = kNow + kDay;
         s.valid_until = kNow + kDay;
       }),
       "INVALID_STOCK"},
      {"window over already", with([](NewStock& s) {
         s.valid_days = 0;
         s.valid_from = kNow - 2 * kDay;
         s.valid_until = kNow - kDay;
       }),
       "INVALID_STOCK"},
      {"window and days", with([](NewStock& s) {
         s.valid_from = kNow;
         s.valid_until = kNow + kDay;
       }),
       "INVALID_STOCK"},
      {"no validity", with([](NewStock& s) { s.valid_days = 0; }), "INVALID_STOCK"},
      {"3651 days", with([](NewStock& s) { s.valid_days = 3651; }), "INVALID_STOCK"},
      {"negative days", with([](NewStock& s) { s.valid_days = -1; }), "INVALID_STOCK"},
      {"total 0", with([](NewStock& s) { s.total_quantity = 0; }), "INVALID_STOCK"},
      {"huge total", with([](NewStock& s) { s.total_quantity = NewStock::kMaxTotalQuantity + 1; }),
       "INVALID_STOCK"},
      {"limit 0", with([](NewStock& s) { s.per_member_limit = 0; }), "INVALID_STOCK"},
      {"limit 101", with([](NewStock& s) { s.per_member_limit = 101; }), "INVALID_STOCK"},
      {"daily above total", with([](NewStock& s) { s.daily_quantity = 1001; }), "INVALID_STOCK"},
      {"negative daily", with([](NewStock& s) { s.daily_quantity = -1; }), "INVALID_STOCK"},
      {"no channel", with([](NewStock& s) { s.channels.clear(); }), "INVALID_STOCK"},
      {"reward without payment channel", with([](NewStock& s) { s.reward_min_amount_fen = 100; }),
       "INVALID_STOCK"},
      {"first-payment without payment channel",
       with([](NewStock& s) { s.reward_first_payment_only = true; }), "INVALID_STOCK"},
      {"negative reward minimum", with([](NewStock& s) {
         s.channels = {Channel::kPayment};
         s.reward_min_amount_fen = -1;
       }),
       "INVALID_STOCK"},
      {"empty name", with([](NewStock& s) { s.name = ""; }), "INVALID_STOCK"},
      {"blank name", with([](NewStock& s) { s.name = "   "; }), "INVALID_STOCK"},
      {"name of 65 characters", with([](NewStock& s) { s.name = std::string(65, 'n'); }),
       "INVALID_STOCK"},
      {"name with a control character", with([](NewStock& s) { s.name = "a\nb"; }),
       "INVALID_STOCK"},
      {"name not UTF-8", with([](NewStock& s) { s.name = "\xff"; }), "INVALID_STOCK"},
      {"description of 256 characters",
       with([](NewStock& s) { s.description = std::string(256, 'd'); }), "INVALID_STOCK"},
      {"a store twice", with([](NewStock& s) {
         s.store_ids = {5, 5};
       }),
       "INVALID_STOCK"},
      {"a store id 0", with([](NewStock& s) { s.store_ids = {0}; }), "INVALID_STOCK"},
      {"501 stores", with([](NewStock& s) {
         for (int64_t i = 1; i <= 501; ++i) s.store_ids.push_back(i);
       }),
       "INVALID_STOCK"},
      {"unknown tier", with([](NewStock& s) { s.min_tier = "diamond"; }), "UNKNOWN_TIER"},
      {"node 0", with([](NewStock& s) { s.node_id = 0; }), "INVALID_ID"},
  };
  for (const BadCase& c : cases) {
    const Status status = ValidateNewStock(c.make(), Tiers(), kNow);
    EXPECT_FALSE(status.ok()) << c.what;
    EXPECT_EQ(status.reason(), c.reason) << c.what << ": " << status.ToString();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.what;
  }
  // 2-byte characters count as one: 64 of them are a valid name.
  NewStock chinese = ValidCash();
  chinese.name.clear();
  for (int i = 0; i < 64; ++i) chinese.name += "\xe5\x88\xb8";  // 券
  EXPECT_TRUE(ValidateNewStock(chinese, Tiers(), kNow).ok());
}

TEST(StockRules, TheEffectiveTotalAndItsShards) {
  EXPECT_EQ(EffectiveTotal(1000, 0, 10000), 1000);
  EXPECT_EQ(EffectiveTotal(1000, 200000, 10000), 20);    // the budget pays for 20
  EXPECT_EQ(EffectiveTotal(1000, 199999, 10000), 19);    // rounding down
  EXPECT_EQ(EffectiveTotal(10, 200000, 10000), 10);      // the total is lower
  EXPECT_EQ(ShardCaps(999), std::vector<int64_t>{999});  // below 1,000: one shard
  const std::vector<int64_t> caps = ShardCaps(1000);     // 16 shards: 62 x 8 and 63 x 8
  ASSERT_EQ(caps.size(), 16u);
  int64_t sum = 0;
  for (size_t i = 0; i < caps.size(); ++i) {
    EXPECT_EQ(caps[i], i < 8 ? 63 : 62) << i;
    sum += caps[i];
  }
  EXPECT_EQ(sum, 1000);
  EXPECT_EQ(SplitIncrease(5, 16),
            (std::vector<int64_t>{1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(CouponRules, ValidityWrittenOutInBeijingTime) {
  Stock days;
  days.valid_days = 1;
  // Issued 2026-11-17 10:00 Beijing: usable until 23:59:59 that day.
  EXPECT_EQ(CouponValidFrom(days, kNow), kNow);
  EXPECT_EQ(CouponExpiresAt(days, kNow), 1'794'931'199);
  days.valid_days = 30;  // until 2026-12-16 23:59:59 Beijing
  EXPECT_EQ(CouponExpiresAt(days, kNow), 1'797'436'799);
  // 2026-11-17 23:30 UTC is already 2026-11-18 07:30 in Beijing.
  days.valid_days = 1;
  EXPECT_EQ(CouponExpiresAt(days, 1'794'958'200), 1'795'017'599);
  // Across the year: issued 2026-12-31 23:30 Beijing.
  EXPECT_EQ(CouponExpiresAt(days, 1'798'731'000), 1'798'732'799);
  days.valid_days = 2;
  EXPECT_EQ(CouponExpiresAt(days, 1'798'731'000), 1'798'819'199);
  Stock window;
  window.valid_from = kNow + kDay;
  window.valid_until = kNow + 10 * kDay;
  EXPECT_EQ(CouponValidFrom(window, kNow), kNow + kDay);
  EXPECT_EQ(CouponExpiresAt(window, kNow), kNow + 10 * kDay);
  EXPECT_EQ(BeijingDay(kNow), 20261117);
  EXPECT_EQ(BeijingDay(1'794'931'199), 20261117);
  EXPECT_EQ(BeijingDay(1'794'931'200), 20261118);
}

Stock Cash(int64_t value, int64_t threshold) {
  Stock s;
  s.type = StockType::kCash;
  s.value_fen = value;
  s.threshold_fen = threshold;
  return s;
}

TEST(CouponRules, DiscountsWrittenOutFromTheRule) {
  // Cash 100 yuan off from 500: exactly at the threshold and above.
  EXPECT_EQ(DiscountFor(Cash(10000, 50000), 50000).value(), 10000);
  EXPECT_EQ(DiscountFor(Cash(10000, 50000), 88800).value(), 10000);
  Result<int64_t> below = DiscountFor(Cash(10000, 50000), 49999);
  EXPECT_EQ(below.status().reason(), "BELOW_THRESHOLD");
  // No threshold, an order below the value: never more than the order.
  EXPECT_EQ(DiscountFor(Cash(10000, 0), 6000).value(), 6000);
  // 9折 (10 off) on 123.45 yuan: floor(12345 x 10 / 100) = 1234; capped at 10 yuan: 1000.
  Stock discount;
  discount.type = StockType::kDiscount;
  discount.percent_off = 10;
  EXPECT_EQ(DiscountFor(discount, 12345).value(), 1234);
  discount.max_discount_fen = 1000;
  EXPECT_EQ(DiscountFor(discount, 12345).value(), 1000);
  discount.threshold_fen = 20000;
  EXPECT_EQ(DiscountFor(discount, 19999).status().reason(), "BELOW_THRESHOLD");
  // 99 off of the largest order: 99,000,000,000 fen, no overflow.
  discount = Stock();
  discount.type = StockType::kDiscount;
  discount.percent_off = 99;
  EXPECT_EQ(DiscountFor(discount, kMaxOrderFen).value(), 99'000'000'000);
  Stock exchange;
  exchange.type = StockType::kExchange;
  EXPECT_EQ(DiscountFor(exchange, 0).value(), 0);
  EXPECT_EQ(DiscountFor(exchange, 5000).value(), 0);
  for (int64_t bad : {int64_t{-1}, kMaxOrderFen + 1}) {
    EXPECT_EQ(DiscountFor(Cash(100, 0), bad).status().reason(), "INVALID_ORDER_AMOUNT") << bad;
  }
  EXPECT_EQ(DiscountFor(Cash(100, 0), 0).status().reason(), "INVALID_ORDER_AMOUNT");
}

TEST(StockRules, OnlyTheDocumentedTransitions) {
  const StockState all[] = {StockState::kDraft, StockState::kActive, StockState::kPaused,
                            StockState::kEnded};
  int allowed = 0;
  for (StockState from : all) {
    for (StockState to : all) {
      const Status s = CheckTransition(from, to);
      const bool expected =
          (from == StockState::kDraft && to == StockState::kActive) ||
          (from == StockState::kActive &&
           (to == StockState::kPaused || to == StockState::kEnded)) ||
          (from == StockState::kPaused && (to == StockState::kActive || to == StockState::kEnded));
      EXPECT_EQ(s.ok(), expected) << StockStateName(from) << " -> " << StockStateName(to);
      if (!s.ok()) {
        EXPECT_EQ(s.reason(), "INVALID_STATE_TRANSITION");
      }
      allowed += s.ok() ? 1 : 0;
    }
  }
  EXPECT_EQ(allowed, 5);
}

TEST(CouponRules, IssuingChecksStateWindowAndChannel) {
  Stock s;
  s.id = 1;
  s.state = StockState::kActive;
  s.valid_days = 0;
  s.valid_until = kNow;
  s.channels = {Channel::kClaim};
  EXPECT_TRUE(CheckIssuing(s, Channel::kClaim, kNow).ok());  // the last second counts
  EXPECT_EQ(CheckIssuing(s, Channel::kClaim, kNow + 1).reason(), "NOT_ACTIVE");
  EXPECT_EQ(CheckIssuing(s, Channel::kGrant, kNow).reason(), "NOT_ELIGIBLE");
  for (StockState state : {StockState::kDraft, StockState::kPaused, StockState::kEnded}) {
    s.state = state;
    EXPECT_EQ(CheckIssuing(s, Channel::kClaim, kNow).reason(), "NOT_ACTIVE");
  }
}

TEST(CouponRules, TiersAndUsability) {
  const members::TierPolicy tiers;
  EXPECT_TRUE(MeetsTier(tiers, "", "silver"));
  EXPECT_TRUE(MeetsTier(tiers, "gold", "gold"));
  EXPECT_TRUE(MeetsTier(tiers, "gold", "platinum"));
  EXPECT_FALSE(MeetsTier(tiers, "gold", "silver"));
  EXPECT_FALSE(MeetsTier(tiers, "gold", "retired-tier"));

  Coupon c;
  c.id = 9;
  c.valid_from = kNow;
  c.expires_at = kNow + kDay;
  EXPECT_TRUE(CheckUsable(c, kNow).ok());
  EXPECT_TRUE(CheckUsable(c, kNow + kDay).ok());
  EXPECT_EQ(CheckUsable(c, kNow + kDay + 1).reason(), "COUPON_EXPIRED");
  EXPECT_EQ(CheckUsable(c, kNow - 1).reason(), "COUPON_NOT_YET_VALID");
  c.state = CouponState::kRedeemed;
  EXPECT_EQ(CheckUsable(c, kNow).reason(), "ALREADY_REDEEMED");
  c.state = CouponState::kExpired;
  EXPECT_EQ(CheckUsable(c, kNow).reason(), "COUPON_EXPIRED");
  c.state = CouponState::kVoided;
  EXPECT_EQ(CheckUsable(c, kNow).reason(), "COUPON_VOIDED");
  EXPECT_EQ(ValidateRequestId("").reason(), "INVALID_REQUEST_ID");
  EXPECT_EQ(ValidateRequestId(std::string(65, 'a')).reason(), "INVALID_REQUEST_ID");
  EXPECT_EQ(ValidateRequestId("a b").reason(), "INVALID_REQUEST_ID");
  EXPECT_TRUE(ValidateRequestId(std::string(64, 'a')).ok());
  EXPECT_TRUE(ValidateRequestId("Req_1-x").ok());
}

TEST(CouponRulesTest, AHeldCouponIsItsHoldersOnly) {
  Coupon c;
  c.id = 9;
  EXPECT_TRUE(CheckHolder(c, "").ok());
  EXPECT_EQ(CheckHolder(c, "appointment:4").reason(), "COUPON_NOT_HELD");
  c.reserved_for = "appointment:4";
  EXPECT_EQ(CheckHolder(c, "").reason(), "COUPON_RESERVED");
  EXPECT_EQ(CheckHolder(c, "appointment:5").reason(), "COUPON_NOT_HELD");
  EXPECT_TRUE(CheckHolder(c, "appointment:4").ok());
}

}  // namespace
}  // namespace mileage::coupons
