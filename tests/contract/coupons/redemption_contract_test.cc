// Redemption at the counter and its reversal on SQLite and MariaDB: discounts written out from
// the rule, every refusal with its code and nothing written, isolation between dealers, stores
// and brands, reversal, and the same request id answering the same redemption.
#include <set>

#include "coupons/codes.h"
#include "coupons/coupon_store.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::coupons {
namespace {

class RedemptionTest : public CouponsTest {
 protected:
  RedeemRequest At(const org::NodePath& store, const Coupon& coupon, int64_t amount,
                   const std::string& request_id) {
    RedeemRequest r;
    r.code = FormatCouponCode(coupon.code);  // as printed: dashes
    r.store_id = store.store_id;
    r.order_amount_fen = amount;
    r.request_id = request_id;
    return r;
  }
  Result<RedemptionResult> Redeem(const org::Actor& actor, const RedeemRequest& r,
                                  int64_t now = kNow) {
    return coupons().redemptions().Redeem(actor, r, now);
  }
  // Cash's stock as an exchange for a tyre check.
  static NewStock Exchange(const org::NodePath& node) {
    NewStock e = Cash(node);
    e.type = StockType::kExchange;
    e.value_fen = 0;
    e.threshold_fen = 0;
    e.item = "tyre check";
    return e;
  }
  Coupon ClaimOne(const Stock& stock, int64_t member = 0) {
    if (member == 0) member = NewMember(tree_.store_a1);
    Result<Coupon> c = Claim(member, stock.id);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Coupon();
  }
};

TEST_P(RedemptionTest, DiscountsWrittenOutFromTheRule) {
  const Stock cash = CreateActive(Cash(tree_.brand));  // 100 yuan off from 500
  NewStock d = Cash(tree_.brand);
  d.type = StockType::kDiscount;
  d.value_fen = 0;
  d.threshold_fen = 0;
  d.percent_off = 10;  // 9折
  d.max_discount_fen = 1000;
  const Stock discount = CreateActive(d);
  const Stock exchange = CreateActive(Exchange(tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);

  struct Case {
    const Stock* stock;
    int64_t order;
    int64_t discount;
  };
  // 9折 of 88.88 yuan: floor(8888 x 10 / 100) = 888; of 123.45 yuan: 1234, capped at 1000.
  const Case cases[] = {{&cash, 88800, 10000},
                        {&cash, 50000, 10000},
                        {&discount, 8888, 888},
                        {&discount, 12345, 1000},
                        {&exchange, 0, 0}};
  int n = 0;
  for (const Case& c : cases) {
    const Coupon coupon = ClaimOne(*c.stock, member);
    const std::string request = "counter-" + std::to_string(++n);
    Result<RedemptionResult> r = Redeem(clerk_a1_, At(tree_.store_a1, coupon, c.order, request));
    COUPONS_ASSERT_OK(r);
    EXPECT_EQ(r->redemption.discount_fen, c.discount) << request;
    EXPECT_EQ(r->redemption.order_amount_fen, c.order);
    EXPECT_EQ(r->redemption.store, tree_.store_a1);
    EXPECT_EQ(r->redemption.staff_id, clerk_a1_.staff->staff_id);
    EXPECT_EQ(r->redemption.request_id, request);
    EXPECT_EQ(r->coupon.state, CouponState::kRedeemed);
    EXPECT_EQ(r->coupon.redemption_id, r->redemption.id);
    EXPECT_EQ(QueryInt("SELECT discount_fen FROM coupon_redemptions WHERE id = ?",
                       {db::Value(r->redemption.id)}),
              c.discount);
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE id = ? AND state = 'redeemed' AND "
                       "redemption_id = ? AND redeemed_at = ?",
                       {db::Value(coupon.id), db::Value(r->redemption.id), db::Value(kNow)}),
              1);
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.redeemed' AND "
                       "aggregate_ref = ?",
                       {db::Value(std::to_string(coupon.id))}),
              1);
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.redeem' AND "
                       "outcome = 'ok' AND object_id = ? AND staff_id = ?",
                       {db::Value(coupon.id), db::Value(clerk_a1_.staff->staff_id)}),
              1);
    // The redemption is the member's last visit, at the counter's store.
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM members WHERE id = ? AND last_visit_at = ? AND "
                       "last_visit_store_id = ?",
                       {db::Value(member), db::Value(kNow), db::Value(tree_.store_a1.store_id)}),
              1);
  }
}

TEST_P(RedemptionTest, EveryRefusalHasItsCodeAndWritesNothing) {
  NewStock at_a1 = Cash(tree_.brand);
  at_a1.store_ids = {tree_.store_a1.store_id, tree_.store_a2.store_id};
  at_a1.per_member_limit = 10;
  const Stock stock = CreateActive(at_a1);
  NewStock later = Cash(tree_.brand);
  later.valid_days = 0;
  later.valid_from = kNow + kDay;
  later.valid_until = kNow + 2 * kDay;
  const Stock not_yet = CreateActive(later);
  const int64_t member = NewMember(tree_.store_a1);
  const Coupon fresh = ClaimOne(stock, member);
  const Coupon redeemed = ClaimOne(stock, member);
  const Coupon voided = ClaimOne(stock, member);
  const Coupon future = ClaimOne(not_yet, member);
  COUPONS_ASSERT_OK(Redeem(admin_, At(tree_.store_a1, redeemed, 60000, "used")));
  {
    Result<db::PooledConnection> conn = db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        (*conn)
            ->Exec("UPDATE coupons SET state = 'voided' WHERE id = ?", {db::Value(voided.id)})
            .ok());
  }
  Deactivate(tree_.store_a2);
  std::string typo = fresh.code;
  typo[3] = typo[3] == 'A' ? 'B' : 'A';
  std::string unknown = NewCouponCode(random_);
  Result<QrToken> token = coupons().qr_tokens().Mint(fresh.id, kNow);
  COUPONS_ASSERT_OK(token);
  std::string tampered = token->token;
  tampered[tampered.size() - 1] = tampered.back() == '0' ? '1' : '0';

  const std::string before = Written(false);
  const RedeemRequest good = At(tree_.store_a1, fresh, 60000, "req-x");
  struct Case {
    const char* what;
    RedeemRequest request;
    int64_t now;
    const char* code;
  };
  std::vector<Case> cases;
  auto add = [&](const char* what, auto change, const char* code, int64_t now = kNow) {
    RedeemRequest r = good;
    change(r);
    cases.push_back({what, r, now, code});
  };
  add(
      "neither code nor token", [](RedeemRequest& r) { r.code.clear(); }, "INVALID_REDEMPTION");
  add(
      "both", [&](RedeemRequest& r) { r.qr_token = token->token; }, "INVALID_REDEMPTION");
  add(
      "a typo", [&](RedeemRequest& r) { r.code = typo; }, "INVALID_COUPON_CODE");
  add(
      "tampered token",
      [&](RedeemRequest& r) {
        r.code.clear();
        r.qr_token = tampered;
      },
      "INVALID_QR_TOKEN");
  add(
      "expired token",
      [&](RedeemRequest& r) {
        r.code.clear();
        r.qr_token = token->token;
      },
      "QR_TOKEN_EXPIRED", kNow + 60);
  add(
      "store 0", [](RedeemRequest& r) { r.store_id = 0; }, "INVALID_ID");
  add(
      "bad request id", [](RedeemRequest& r) { r.request_id = "a b"; }, "INVALID_REQUEST_ID");
  add(
      "negative amount", [](RedeemRequest& r) { r.order_amount_fen = -1; }, "INVALID_ORDER_AMOUNT");
  add(
      "unknown code", [&](RedeemRequest& r) { r.code = unknown; }, "COUPON_NOT_FOUND");
  add(
      "unknown store", [](RedeemRequest& r) { r.store_id = 987654; }, "NOT_FOUND");
  add(
      "another brand's store", [&](RedeemRequest& r) { r.store_id = tree_.store_z1.store_id; },
      "NOT_FOUND");
  add(
      "inactive store", [&](RedeemRequest& r) { r.store_id = tree_.store_a2.store_id; },
      "STORE_INACTIVE");
  add(
      "wrong store", [&](RedeemRequest& r) { r.store_id = tree_.store_b1.store_id; },
      "WRONG_STORE");
  add(
      "redeemed", [&](RedeemRequest& r) { r.code = redeemed.code; }, "ALREADY_REDEEMED");
  add(
      "voided", [&](RedeemRequest& r) { r.code = voided.code; }, "COUPON_VOIDED");
  add(
      "expired", [](RedeemRequest&) {}, "COUPON_EXPIRED", fresh.expires_at + 1);
  add(
      "not yet valid", [&](RedeemRequest& r) { r.code = future.code; }, "COUPON_NOT_YET_VALID");
  add(
      "below threshold", [](RedeemRequest& r) { r.order_amount_fen = 49999; }, "BELOW_THRESHOLD");
  add(
      "no amount", [](RedeemRequest& r) { r.order_amount_fen = 0; }, "INVALID_ORDER_AMOUNT");
  add(
      "request id reused", [](RedeemRequest& r) { r.request_id = "used"; }, "REQUEST_ID_REUSED");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    COUPONS_EXPECT_CODE(Redeem(admin_, c.request, c.now), c.code);
  }
  EXPECT_EQ(Written(false), before);
  COUPONS_ASSERT_OK(Redeem(admin_, good));
}

TEST_P(RedemptionTest, DealersStoresAndBrandsStayApart) {
  const Stock dealer_a_stock = CreateActive(Cash(tree_.dealer_a), dealer_a_manager_);
  const Stock brand_stock = CreateActive(Cash(tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);
  const Coupon coupon = ClaimOne(dealer_a_stock, member);

  const std::string before = Written(false);
  const int64_t denied = QueryInt("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'");
  const std::string label = "coupon " + FormatCouponCode(coupon.code) + " not found";
  for (const org::Actor* other : {&clerk_b1_, &dealer_b_manager_, &admin_z_}) {
    Result<RedemptionResult> r = Redeem(*other, At(tree_.store_b1, coupon, 60000, "x"));
    EXPECT_EQ(r.status().reason(), "COUPON_NOT_FOUND");
    EXPECT_EQ(r.status().message(), label) << "the same answer as a code nobody has";
  }
  // A clerk redeems at their own store only.
  Result<RedemptionResult> elsewhere = Redeem(clerk_a1_, At(tree_.store_a2, coupon, 60000, "x"));
  EXPECT_EQ(elsewhere.status().message(),
            "store " + std::to_string(tree_.store_a2.store_id) + " not found");
  EXPECT_EQ(Redeem(analyst_a_, At(tree_.store_a1, coupon, 60000, "x")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Written(false), before);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'"), denied + 4)
      << "refusals by scope are on record (the analyst's role is refused before any lookup)";

  // A brand campaign is redeemed at dealer B's store by its clerk; dealer A's manager neither
  // sees nor reverses that redemption, the brand admin does.
  const Coupon brand_coupon = ClaimOne(brand_stock, member);
  Result<RedemptionResult> at_b = Redeem(clerk_b1_, At(tree_.store_b1, brand_coupon, 60000, "b"));
  COUPONS_ASSERT_OK(at_b);
  const int64_t id = at_b->redemption.id;
  auto reverse = [&](const org::Actor& actor) {
    return coupons().redemptions().Reverse(actor, id, "wrong car", kNow).status();
  };
  EXPECT_EQ(reverse(dealer_a_manager_).reason(), "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(reverse(admin_z_).reason(), "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(reverse(clerk_b1_).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_redemptions WHERE reversed_at IS NOT NULL"), 0);
  EXPECT_TRUE(reverse(dealer_b_manager_).ok());

  // A store's list: the caller's stores only.
  EXPECT_EQ(coupons()
                .redemptions()
                .StoreRedemptions(dealer_a_manager_, tree_.store_b1.store_id, std::nullopt, {})
                .status()
                .code(),
            StatusCode::kNotFound);
  Result<PageOf<Redemption>> b_list = coupons().redemptions().StoreRedemptions(
      clerk_b1_, tree_.store_b1.store_id, std::nullopt, {});
  COUPONS_ASSERT_OK(b_list);
  ASSERT_EQ(b_list->items.size(), 1u);
  EXPECT_EQ(b_list->items[0].id, id);
}

TEST_P(RedemptionTest, AReversalPutsTheCouponBackAndKeepsWhoAndWhy) {
  const Stock stock = CreateActive(Cash(tree_.dealer_a), dealer_a_manager_);
  const Coupon coupon = ClaimOne(stock);
  Result<RedemptionResult> first = Redeem(clerk_a1_, At(tree_.store_a1, coupon, 60000, "first"));
  COUPONS_ASSERT_OK(first);
  const int64_t id = first->redemption.id;
  const std::string before = Written(false);
  COUPONS_EXPECT_CODE(coupons().redemptions().Reverse(dealer_a_manager_, id, "", kNow),
                      "INVALID_REASON");
  COUPONS_EXPECT_CODE(
      coupons().redemptions().Reverse(dealer_a_manager_, id, std::string(256, 'r'), kNow),
      "INVALID_REASON");
  COUPONS_EXPECT_CODE(coupons().redemptions().Reverse(dealer_a_manager_, 987654, "x", kNow),
                      "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(Written(false), before);

  Result<RedemptionResult> reversed = coupons().redemptions().Reverse(
      dealer_a_manager_, id, "customer changed their mind", kNow + 60);
  COUPONS_ASSERT_OK(reversed);
  EXPECT_EQ(reversed->coupon.state, CouponState::kIssued);
  EXPECT_FALSE(reversed->coupon.redemption_id.has_value());
  EXPECT_EQ(reversed->redemption.reversed_at, kNow + 60);
  EXPECT_EQ(reversed->redemption.reversed_by, dealer_a_manager_.staff->staff_id);
  EXPECT_EQ(reversed->redemption.reverse_reason, "customer changed their mind");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.reversed'"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'redemption.reverse' AND "
                     "outcome = 'ok' AND object_id = ?",
                     {db::Value(id)}),
            1);
  const std::string after = Written();
  COUPONS_EXPECT_CODE(coupons().redemptions().Reverse(dealer_a_manager_, id, "again", kNow),
                      "ALREADY_REVERSED");
  EXPECT_EQ(Written(), after);

  // The first request id still answers its (reversed) redemption; a new one redeems again.
  Result<RedemptionResult> replay = Redeem(clerk_a1_, At(tree_.store_a1, coupon, 60000, "first"));
  COUPONS_ASSERT_OK(replay);
  EXPECT_EQ(replay->redemption.id, id);
  EXPECT_EQ(Written(), after);
  Result<RedemptionResult> second = Redeem(clerk_a1_, At(tree_.store_a1, coupon, 60000, "second"));
  COUPONS_ASSERT_OK(second);
  EXPECT_NE(second->redemption.id, id);
  EXPECT_EQ(QueryInt("SELECT redemption_id FROM coupons WHERE id = ?", {db::Value(coupon.id)}),
            second->redemption.id);
}

TEST_P(RedemptionTest, TheSameRequestIdAnswersTheSameRedemption) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  const Coupon coupon = ClaimOne(stock);
  const RedeemRequest r = At(tree_.store_a1, coupon, 60000, "once");
  Result<RedemptionResult> first = Redeem(clerk_a1_, r);
  COUPONS_ASSERT_OK(first);
  const std::string after = Written();
  Result<RedemptionResult> again = Redeem(clerk_a1_, r, kNow + 5);
  COUPONS_ASSERT_OK(again);
  EXPECT_EQ(again->redemption.id, first->redemption.id);
  EXPECT_EQ(again->redemption.discount_fen, 10000);
  EXPECT_EQ(again->coupon.state, CouponState::kRedeemed);
  EXPECT_EQ(Written(), after);
  RedeemRequest other_amount = r;
  other_amount.order_amount_fen = 70000;
  COUPONS_EXPECT_CODE(Redeem(clerk_a1_, other_amount), "REQUEST_ID_REUSED");
}

// What deletion voids: the member's coupons in the issued state, of every stock, and nothing
// redeemed, voided or another member's.
TEST_P(RedemptionTest, IssuedOfMemberListsTheMembersIssuedCouponsOnly) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  const Stock exchange = CreateActive(Exchange(tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);
  const Coupon redeemed = ClaimOne(stock, member);
  const Coupon kept = ClaimOne(stock, member);
  const Coupon voided = ClaimOne(exchange, member);
  ClaimOne(stock);  // another member's
  COUPONS_ASSERT_OK(Redeem(clerk_a1_, At(tree_.store_a1, redeemed, 60000, "r1")));
  {
    Result<db::PooledConnection> conn = db().Acquire();
    COUPONS_ASSERT_OK(conn);
    Result<bool> done = CouponStore(**conn).Void(voided.id, "test", kNow);
    COUPONS_ASSERT_OK(done);
    ASSERT_TRUE(*done);
  }
  const Coupon later = ClaimOne(exchange, member);
  Result<db::PooledConnection> conn = db().Acquire();
  COUPONS_ASSERT_OK(conn);
  Result<std::vector<Coupon>> issued = CouponStore(**conn).IssuedOfMember(member);
  COUPONS_ASSERT_OK(issued);
  std::vector<int64_t> ids;
  for (const Coupon& c : *issued) {
    ids.push_back(c.id);
    EXPECT_EQ(c.member_id, member);
    EXPECT_EQ(c.brand_id, tree_.brand.brand_id);
  }
  EXPECT_EQ(ids, (std::vector<int64_t>{kept.id, later.id}));
  EXPECT_EQ((*issued)[1].stock_id, exchange.id);
  Result<std::vector<Coupon>> none = CouponStore(**conn).IssuedOfMember(member + 1000);
  COUPONS_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(RedemptionTest, AStoresRedemptionsByBeijingDay) {
  NewStock s = Cash(tree_.brand);
  s.per_member_limit = 5;
  const Stock stock = CreateActive(s);
  const int64_t member = NewMember(tree_.store_a1);
  // 2026-11-17 10:00 and 23:59:59, then 2026-11-18 00:00 Beijing time.
  const int64_t times[] = {kNow, 1'794'931'199, 1'794'931'200};
  for (int i = 0; i < 3; ++i) {
    const Coupon c = ClaimOne(stock, member);
    COUPONS_ASSERT_OK(
        Redeem(clerk_a1_, At(tree_.store_a1, c, 60000, "d" + std::to_string(i)), times[i]));
  }
  auto on = [&](int64_t y, int64_t m, int64_t d) {
    Result<PageOf<Redemption>> page = coupons().redemptions().StoreRedemptions(
        clerk_a1_, tree_.store_a1.store_id, civil::Date{y, m, d}, {});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->total : -1;
  };
  EXPECT_EQ(on(2026, 11, 17), 2);
  EXPECT_EQ(on(2026, 11, 18), 1);
  EXPECT_EQ(on(2026, 11, 16), 0);
  Result<PageOf<Redemption>> all = coupons().redemptions().StoreRedemptions(
      clerk_a1_, tree_.store_a1.store_id, std::nullopt, {});
  COUPONS_ASSERT_OK(all);
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0].created_at, times[2]);  // newest first
}

TEST_P(RedemptionTest, TheConsoleLooksUpCouponsItsStaffSee) {
  const Stock dealer_a_stock = CreateActive(Cash(tree_.dealer_a));
  const Stock brand_stock = CreateActive(Cash(tree_.brand));
  const Stock region2_stock = CreateActive(Cash(tree_.region2));
  const int64_t member = NewMember(tree_.store_a1);
  const Coupon a = ClaimOne(dealer_a_stock, member);
  const Coupon b = ClaimOne(brand_stock, member);
  const Coupon c = ClaimOne(region2_stock, member);
  CouponViews& views = coupons().views();

  Result<CouponDetail> found = views.FindByCode(clerk_a1_, FormatCouponCode(a.code), kNow);
  COUPONS_ASSERT_OK(found);
  EXPECT_EQ(found->coupon.id, a.id);
  EXPECT_EQ(found->stock.id, dealer_a_stock.id);
  COUPONS_EXPECT_CODE(views.FindByCode(clerk_b1_, a.code, kNow), "COUPON_NOT_FOUND");
  COUPONS_EXPECT_CODE(views.FindByCode(admin_z_, a.code, kNow), "COUPON_NOT_FOUND");
  COUPONS_ASSERT_OK(views.FindByCode(clerk_b1_, b.code, kNow));  // the brand's campaign
  std::string typo = a.code;
  typo[0] = typo[0] == '1' ? '2' : '1';
  COUPONS_EXPECT_CODE(views.FindByCode(admin_, typo, kNow), "INVALID_COUPON_CODE");

  auto ids = [&](const org::Actor& actor) {
    Result<PageOf<CouponDetail>> page = views.MemberCoupons(actor, member, std::nullopt, {}, kNow);
    std::set<int64_t> out;
    if (!page.ok()) {
      ADD_FAILURE() << page.status().ToString();
      return out;
    }
    for (const CouponDetail& d : page->items) out.insert(d.coupon.id);
    EXPECT_EQ(page->total, static_cast<int64_t>(out.size()));
    return out;
  };
  EXPECT_EQ(ids(admin_), (std::set<int64_t>{a.id, b.id, c.id}));
  EXPECT_EQ(ids(dealer_a_manager_), (std::set<int64_t>{a.id, b.id}));
  EXPECT_EQ(ids(clerk_a1_), (std::set<int64_t>{a.id, b.id}));
  // Dealer B does not see the member (enrolled at A1, no payment at B): like an unknown one.
  COUPONS_EXPECT_CODE(views.MemberCoupons(dealer_b_manager_, member, std::nullopt, {}, kNow),
                      "MEMBER_NOT_FOUND");
  COUPONS_EXPECT_CODE(views.MemberCoupons(admin_z_, member, std::nullopt, {}, kNow),
                      "MEMBER_NOT_FOUND");
  COUPONS_EXPECT_CODE(views.MemberCoupons(admin_, 987654, std::nullopt, {}, kNow),
                      "MEMBER_NOT_FOUND");
  Result<PageOf<CouponDetail>> issued =
      views.MemberCoupons(admin_, member, CouponState::kRedeemed, {}, kNow);
  COUPONS_ASSERT_OK(issued);
  EXPECT_TRUE(issued->items.empty());
}

MILEAGE_COUPONS_TEST_SUITE(RedemptionTest);

}  // namespace
}  // namespace mileage::coupons
