// The member side and the staff grants on SQLite and MariaDB: a claim issues one coupon with
// its code, expiry and event; every refusal has its code and writes nothing; daily quantities;
// what a member is offered; a member's coupons and QR tokens; grants and their isolation; the
// expiry job on a fake clock.
#include <set>

#include "coupons/expiry_job.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::coupons {
namespace {

class ClaimTest : public CouponsTest {
 protected:
  std::set<int64_t> Offered(int64_t member, int64_t now = kNow) {
    Result<std::vector<ClaimableStock>> offered =
        coupons().coupons().ClaimableStocks(Ref(member), now);
    EXPECT_TRUE(offered.ok()) << offered.status().ToString();
    std::set<int64_t> ids;
    if (offered.ok()) {
      for (const ClaimableStock& s : *offered) ids.insert(s.stock.id);
    }
    return ids;
  }
  Result<std::vector<GrantOutcome>> Grant(const org::Actor& actor, int64_t stock_id,
                                          const std::string& request_id,
                                          const std::vector<GrantTarget>& targets) {
    return coupons().grants().Grant(actor, stock_id, request_id, targets, kNow);
  }
  static GrantTarget ById(int64_t id) { return GrantTarget{id, ""}; }
  static GrantTarget ByNumber(const std::string& number) {
    return GrantTarget{std::nullopt, number};
  }
};

TEST_P(ClaimTest, AClaimIssuesOneCouponWithItsCodeExpiryAndEvent) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);
  Result<Coupon> coupon = Claim(member, stock.id);
  COUPONS_ASSERT_OK(coupon);
  EXPECT_EQ(coupon->code.size(), 17u);
  EXPECT_EQ(coupon->code.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
  EXPECT_EQ(coupon->stock_id, stock.id);
  EXPECT_EQ(coupon->member_id, member);
  EXPECT_EQ(coupon->brand_id, tree_.brand.brand_id);
  EXPECT_EQ(coupon->member_slot, 1);
  EXPECT_EQ(coupon->channel, Channel::kClaim);
  EXPECT_FALSE(coupon->source_ref.has_value());
  EXPECT_EQ(coupon->state, CouponState::kIssued);
  EXPECT_EQ(coupon->issued_at, kNow);
  EXPECT_EQ(coupon->valid_from, kNow);
  EXPECT_EQ(coupon->expires_at, 1'797'436'799);  // 30 days: 2026-12-16 23:59:59 Beijing
  // As stored, with one issue event and one unit of the stock taken.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE id = ? AND code = ? AND state = "
                     "'issued' AND source_ref IS NULL",
                     {db::Value(coupon->id), db::Value(coupon->code)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.issued' AND "
                     "aggregate_ref = ?",
                     {db::Value(std::to_string(coupon->id))}),
            1);
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(stock.id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_stock_days"), 0);
}

TEST_P(ClaimTest, EveryRefusalHasItsCodeAndWritesNothing) {
  const int64_t silver = NewMember(tree_.store_a1);
  const int64_t gold = NewMember(tree_.store_a1, "gold");
  const int64_t other_brand = NewMember(tree_.store_z1);
  const Stock open = CreateActive(Cash(tree_.brand));
  Result<Stock> draft = coupons().stocks().Create(system_, Cash(tree_.brand));
  COUPONS_ASSERT_OK(draft);
  const Stock paused = CreateActive(Cash(tree_.brand));
  COUPONS_ASSERT_OK(Activate(paused.id, StockState::kPaused));
  const Stock ended = CreateActive(Cash(tree_.brand));
  COUPONS_ASSERT_OK(Activate(ended.id, StockState::kEnded));
  NewStock window = Cash(tree_.brand);
  window.valid_days = 0;
  window.valid_from = kNow - kDay;
  window.valid_until = kNow + kDay;
  const Stock short_window = CreateActive(window);
  NewStock grants_only = Cash(tree_.brand);
  grants_only.channels = {Channel::kGrant};
  const Stock no_claims = CreateActive(grants_only);
  NewStock gold_only = Cash(tree_.brand);
  gold_only.min_tier = "gold";
  const Stock for_gold = CreateActive(gold_only);
  NewStock one = Cash(tree_.brand);
  one.total_quantity = 1;
  const Stock single = CreateActive(one);
  COUPONS_ASSERT_OK(Claim(gold, single.id));
  COUPONS_ASSERT_OK(Claim(gold, open.id));
  COUPONS_ASSERT_OK(Claim(gold, open.id));

  const std::string before = Written();
  struct Case {
    const char* what;
    int64_t member;
    int64_t stock;
    int64_t now;
    const char* code;
  };
  const Case cases[] = {
      {"unknown stock", silver, 987654, kNow, "STOCK_NOT_FOUND"},
      {"another brand's member", other_brand, open.id, kNow, "STOCK_NOT_FOUND"},
      {"draft", silver, draft->id, kNow, "NOT_ACTIVE"},
      {"paused", silver, paused.id, kNow, "NOT_ACTIVE"},
      {"ended", silver, ended.id, kNow, "NOT_ACTIVE"},
      {"window over", silver, short_window.id, kNow + kDay + 1, "NOT_ACTIVE"},
      {"takes no claims", silver, no_claims.id, kNow, "NOT_ELIGIBLE"},
      {"tier below", silver, for_gold.id, kNow, "NOT_ELIGIBLE"},
      {"at the limit", gold, open.id, kNow, "LIMIT_REACHED"},
      {"sold out", silver, single.id, kNow, "SOLD_OUT"},
      {"stock id 0", silver, 0, kNow, "INVALID_ID"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    COUPONS_EXPECT_CODE(Claim(c.member, c.stock, c.now), c.code);
  }
  EXPECT_EQ(Written(), before);
  COUPONS_ASSERT_OK(Claim(gold, for_gold.id));
  COUPONS_ASSERT_OK(Claim(silver, short_window.id, kNow + kDay));  // the last second counts
}

TEST_P(ClaimTest, ADailyQuantityStartsAgainEachBeijingDay) {
  NewStock s = Cash(tree_.brand);
  s.total_quantity = 10;
  s.daily_quantity = 3;
  s.per_member_limit = 1;
  const Stock stock = CreateActive(s);
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 7);
  int issued = 0;
  for (int i = 0; i < 5; ++i) {
    Result<Coupon> c = Claim(members[i], stock.id);
    if (c.ok())
      ++issued;
    else
      EXPECT_EQ(c.status().reason(), "SOLD_OUT");
  }
  EXPECT_EQ(issued, 3);
  // 23:59:59 is still the same Beijing day; 00:00:00 the next.
  COUPONS_EXPECT_CODE(Claim(members[3], stock.id, 1'794'931'199), "SOLD_OUT");
  const int64_t tomorrow = 1'794'931'200;
  for (int i = 3; i < 6; ++i) COUPONS_ASSERT_OK(Claim(members[i], stock.id, tomorrow));
  COUPONS_EXPECT_CODE(Claim(members[6], stock.id, tomorrow), "SOLD_OUT");
  EXPECT_EQ(QueryInt("SELECT issued FROM coupon_stock_days WHERE stock_id = ? AND day = 20261117",
                     {db::Value(stock.id)}),
            3);
  EXPECT_EQ(QueryInt("SELECT issued FROM coupon_stock_days WHERE stock_id = ? AND day = 20261118",
                     {db::Value(stock.id)}),
            3);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE stock_id = ?", {db::Value(stock.id)}), 6);
}

TEST_P(ClaimTest, AMemberIsOfferedWhatTheyMayClaimNow) {
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t gold = NewMember(tree_.store_a1, "gold");
  const int64_t someone = NewMember(tree_.store_a1);
  const Stock open = CreateActive(Cash(tree_.brand));
  NewStock grants_only = Cash(tree_.brand);
  grants_only.channels = {Channel::kGrant};
  const Stock no_claims = CreateActive(grants_only);
  NewStock gold_only = Cash(tree_.brand);
  gold_only.min_tier = "gold";
  const Stock for_gold = CreateActive(gold_only);
  NewStock one = Cash(tree_.brand);
  one.total_quantity = 1;
  const Stock sold_out = CreateActive(one);
  COUPONS_ASSERT_OK(Claim(someone, sold_out.id));
  NewStock limit_one = Cash(tree_.brand);
  limit_one.per_member_limit = 1;
  const Stock at_limit = CreateActive(limit_one);
  COUPONS_ASSERT_OK(Claim(member, at_limit.id));
  NewStock daily = Cash(tree_.brand);
  daily.daily_quantity = 1;
  const Stock today_gone = CreateActive(daily);
  COUPONS_ASSERT_OK(Claim(someone, today_gone.id));
  COUPONS_ASSERT_OK(coupons().stocks().Create(system_, Cash(tree_.brand)));  // a draft
  CreateActive(Cash(tree_.brand_z));

  EXPECT_EQ(Offered(member), (std::set<int64_t>{open.id}));
  EXPECT_EQ(Offered(gold), (std::set<int64_t>{open.id, for_gold.id, at_limit.id}));
  EXPECT_EQ(Offered(member, kNow + kDay), (std::set<int64_t>{open.id, today_gone.id}));
  (void)no_claims;
}

TEST_P(ClaimTest, AMembersCouponsAndQrTokens) {
  const Stock stock = CreateActive(Cash(tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t other = NewMember(tree_.store_a1);
  Result<Coupon> first = Claim(member, stock.id);
  Result<Coupon> second = Claim(member, stock.id);
  Result<Coupon> theirs = Claim(other, stock.id);
  COUPONS_ASSERT_OK(first);
  COUPONS_ASSERT_OK(second);
  COUPONS_ASSERT_OK(theirs);

  Result<PageOf<CouponDetail>> mine = coupons().coupons().MemberCoupons(Ref(member), {}, {}, kNow);
  COUPONS_ASSERT_OK(mine);
  ASSERT_EQ(mine->items.size(), 2u);
  EXPECT_EQ(mine->total, 2);
  EXPECT_EQ(mine->items[0].coupon.id, second->id);  // newest first
  EXPECT_EQ(mine->items[1].coupon.id, first->id);
  EXPECT_EQ(mine->items[0].stock.name, "100 off 500");
  COUPONS_EXPECT_CODE(coupons().coupons().MemberCoupon(Ref(member), theirs->id, kNow),
                      "COUPON_NOT_FOUND");
  COUPONS_EXPECT_CODE(coupons().coupons().MemberCoupon(Ref(member), 987654, kNow),
                      "COUPON_NOT_FOUND");
  COUPONS_EXPECT_CODE(coupons().coupons().MemberQrToken(Ref(member), theirs->id, kNow),
                      "COUPON_NOT_FOUND");

  Result<QrToken> token = coupons().coupons().MemberQrToken(Ref(member), first->id, kNow);
  COUPONS_ASSERT_OK(token);
  EXPECT_EQ(token->expires_at, kNow + 60);
  RedeemRequest r;
  r.qr_token = token->token;
  r.store_id = tree_.store_a1.store_id;
  r.order_amount_fen = 50000;
  r.request_id = "qr-1";
  Result<RedemptionResult> redeemed = coupons().redemptions().Redeem(clerk_a1_, r, kNow + 30);
  COUPONS_ASSERT_OK(redeemed);
  EXPECT_EQ(redeemed->coupon.id, first->id);
  // The token again, under another request id: the coupon decides.
  r.request_id = "qr-2";
  COUPONS_EXPECT_CODE(coupons().redemptions().Redeem(clerk_a1_, r, kNow + 40), "ALREADY_REDEEMED");
  COUPONS_EXPECT_CODE(coupons().coupons().MemberQrToken(Ref(member), first->id, kNow),
                      "ALREADY_REDEEMED");
  Result<PageOf<CouponDetail>> redeemed_only =
      coupons().coupons().MemberCoupons(Ref(member), CouponState::kRedeemed, {}, kNow);
  COUPONS_ASSERT_OK(redeemed_only);
  ASSERT_EQ(redeemed_only->items.size(), 1u);
  EXPECT_EQ(redeemed_only->items[0].coupon.id, first->id);
  COUPONS_EXPECT_CODE(coupons().coupons().MemberQrToken(Ref(member), second->id, kNow + 31 * kDay),
                      "COUPON_EXPIRED");
}

TEST_P(ClaimTest, ACouponPastItsExpiryReadsExpiredBeforeTheJobMovesIt) {
  const Stock stock = CreateActive(Cash(tree_.brand));  // valid 30 days from the claim
  const int64_t member = NewMember(tree_.store_a1);
  Result<Coupon> coupon = Claim(member, stock.id);
  COUPONS_ASSERT_OK(coupon);
  const int64_t later = coupon->expires_at + 1;
  auto ids = [&](std::optional<CouponState> state, int64_t now) {
    Result<PageOf<CouponDetail>> page =
        coupons().coupons().MemberCoupons(Ref(member), state, {}, now);
    EXPECT_TRUE(page.ok());
    std::vector<int64_t> out;
    if (page.ok()) {
      for (const CouponDetail& d : page->items) out.push_back(d.coupon.id);
      EXPECT_EQ(page->total, static_cast<int64_t>(out.size()));
    }
    return out;
  };
  // At its last second it is still issued; a second later it reads expired everywhere.
  EXPECT_EQ(ids(CouponState::kIssued, coupon->expires_at), std::vector<int64_t>{coupon->id});
  EXPECT_EQ(ids(CouponState::kIssued, later), std::vector<int64_t>{});
  EXPECT_EQ(ids(CouponState::kExpired, later), std::vector<int64_t>{coupon->id});
  Result<CouponDetail> one = coupons().coupons().MemberCoupon(Ref(member), coupon->id, later);
  COUPONS_ASSERT_OK(one);
  EXPECT_EQ(one->coupon.state, CouponState::kExpired);
  Result<PageOf<CouponDetail>> staff =
      coupons().views().MemberCoupons(admin_, member, {}, {}, later);
  COUPONS_ASSERT_OK(staff);
  ASSERT_EQ(staff->items.size(), 1u);
  EXPECT_EQ(staff->items[0].coupon.state, CouponState::kExpired);
  // Nothing was written: the row is still issued until the coupon_expiry job runs.
  EXPECT_EQ(database_->Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'issued' AND id = " +
                              std::to_string(coupon->id)),
            1);
}

TEST_P(ClaimTest, GrantsGiveEachListedMemberOneCouponPerRequest) {
  const Stock stock = CreateActive(Cash(tree_.dealer_a), dealer_a_manager_);
  const int64_t a1 = NewMember(tree_.store_a1);
  const int64_t a2 = NewMember(tree_.store_a2);
  const int64_t b1 = NewMember(tree_.store_b1);  // dealer A's staff do not see them
  const int64_t z1 = NewMember(tree_.store_z1);  // another brand
  const std::vector<GrantTarget> targets = {ById(a1),
                                            ByNumber(MemberNumber(a2)),
                                            ById(b1),
                                            ById(z1),
                                            ById(987654),
                                            ByNumber("123456789015"),
                                            ByNumber("123456789012"),
                                            ByNumber("12345")};
  const int64_t audits = QueryInt("SELECT COUNT(*) FROM audit_log");
  Result<std::vector<GrantOutcome>> first = Grant(dealer_a_manager_, stock.id, "req-1", targets);
  COUPONS_ASSERT_OK(first);
  ASSERT_EQ(first->size(), targets.size());
  const std::vector<std::string> expected = {
      "issued",           "issued",           "MEMBER_NOT_FOUND",   "MEMBER_NOT_FOUND",
      "MEMBER_NOT_FOUND", "MEMBER_NOT_FOUND", "INVALID_MEMBER_REF", "INVALID_MEMBER_REF"};
  for (size_t i = 0; i < targets.size(); ++i) EXPECT_EQ((*first)[i].outcome, expected[i]) << i;
  ASSERT_TRUE((*first)[0].coupon.has_value());
  EXPECT_EQ((*first)[0].coupon->member_id, a1);
  EXPECT_EQ((*first)[1].coupon->member_id, a2);
  EXPECT_EQ((*first)[0].coupon->channel, Channel::kGrant);
  EXPECT_EQ((*first)[0].coupon->source_ref, "grant:req-1");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.grant' AND outcome = "
                     "'ok' AND object_type = 'coupon'"),
            2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log"), audits + 2);

  // The same request again: the same coupons, nothing new.
  const std::string before = Written();
  Result<std::vector<GrantOutcome>> again = Grant(dealer_a_manager_, stock.id, "req-1", targets);
  COUPONS_ASSERT_OK(again);
  EXPECT_EQ((*again)[0].outcome, "already_granted");
  EXPECT_EQ((*again)[1].outcome, "already_granted");
  EXPECT_EQ((*again)[0].coupon->id, (*first)[0].coupon->id);
  EXPECT_EQ((*again)[1].coupon->id, (*first)[1].coupon->id);
  EXPECT_EQ(Written(), before);
  // Another request: a second coupon each (limit 2), then the limit.
  COUPONS_ASSERT_OK(Grant(dealer_a_manager_, stock.id, "req-2", {ById(a1)}));
  Result<std::vector<GrantOutcome>> third = Grant(dealer_a_manager_, stock.id, "req-3", {ById(a1)});
  COUPONS_ASSERT_OK(third);
  EXPECT_EQ((*third)[0].outcome, "LIMIT_REACHED");
  EXPECT_FALSE((*third)[0].coupon.has_value());
  // The brand admin sees every member of the brand.
  Result<std::vector<GrantOutcome>> by_admin = Grant(admin_, stock.id, "req-4", {ById(b1)});
  COUPONS_ASSERT_OK(by_admin);
  EXPECT_EQ((*by_admin)[0].outcome, "issued");
}

TEST_P(ClaimTest, GrantsOnlyOfOwnedStocksTakingGrants) {
  const Stock own = CreateActive(Cash(tree_.dealer_a), dealer_a_manager_);
  const Stock brand_wide = CreateActive(Cash(tree_.brand));
  NewStock claims_only = Cash(tree_.dealer_a);
  claims_only.channels = {Channel::kClaim};
  const Stock no_grants = CreateActive(claims_only);
  const Stock paused = CreateActive(Cash(tree_.dealer_a));
  COUPONS_ASSERT_OK(Activate(paused.id, StockState::kPaused));
  NewStock gold_only = Cash(tree_.dealer_a);
  gold_only.min_tier = "gold";
  const Stock for_gold = CreateActive(gold_only);
  const int64_t member = NewMember(tree_.store_a1);
  const std::vector<GrantTarget> targets = {ById(member)};

  const std::string before = Written(false);
  EXPECT_EQ(Grant(dealer_b_manager_, own.id, "r", targets).status().reason(), "STOCK_NOT_FOUND");
  EXPECT_EQ(Grant(admin_z_, own.id, "r", targets).status().reason(), "STOCK_NOT_FOUND");
  EXPECT_EQ(Grant(dealer_a_manager_, brand_wide.id, "r", targets).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Grant(clerk_a1_, own.id, "r", targets).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Grant(analyst_a_, own.id, "r", targets).status().code(), StatusCode::kPermissionDenied);
  COUPONS_EXPECT_CODE(Grant(dealer_a_manager_, no_grants.id, "r", targets), "NOT_ELIGIBLE");
  COUPONS_EXPECT_CODE(Grant(dealer_a_manager_, paused.id, "r", targets), "NOT_ACTIVE");
  COUPONS_EXPECT_CODE(Grant(dealer_a_manager_, own.id, "bad id!", targets), "INVALID_REQUEST_ID");
  COUPONS_EXPECT_CODE(Grant(dealer_a_manager_, own.id, "r", {}), "INVALID_GRANT");
  COUPONS_EXPECT_CODE(
      Grant(dealer_a_manager_, own.id, "r", std::vector<GrantTarget>(501, ById(member))),
      "INVALID_GRANT");
  Result<std::vector<GrantOutcome>> tier = Grant(dealer_a_manager_, for_gold.id, "r", targets);
  COUPONS_ASSERT_OK(tier);
  EXPECT_EQ((*tier)[0].outcome, "NOT_ELIGIBLE");
  EXPECT_EQ(Written(false), before);
}

TEST_P(ClaimTest, TheExpiryJobOnAFakeClock) {
  NewStock one_day = Cash(tree_.brand);
  one_day.valid_days = 1;
  one_day.per_member_limit = 3;
  const Stock day_stock = CreateActive(one_day);
  NewStock window = Cash(tree_.brand);
  window.valid_days = 0;
  window.valid_from = kNow;
  window.valid_until = kNow + 5 * kDay;
  const Stock window_stock = CreateActive(window);
  const int64_t member = NewMember(tree_.store_a1);
  Result<Coupon> a = Claim(member, day_stock.id);
  Result<Coupon> b = Claim(member, day_stock.id);
  Result<Coupon> c = Claim(member, window_stock.id);
  COUPONS_ASSERT_OK(a);
  COUPONS_ASSERT_OK(b);
  COUPONS_ASSERT_OK(c);
  RedeemRequest r;
  r.code = b->code;
  r.store_id = tree_.store_a1.store_id;
  r.order_amount_fen = 50000;
  r.request_id = "before-expiry";
  COUPONS_ASSERT_OK(coupons().redemptions().Redeem(admin_, r, kNow));

  // One-day coupons last until 23:59:59 Beijing time of the day of issue.
  Result<int64_t> none = RunCouponExpiry(db(), 1'794'931'199, 10);
  COUPONS_ASSERT_OK(none);
  EXPECT_EQ(*none, 0);
  Result<int64_t> one = RunCouponExpiry(db(), 1'794'931'200, 10);
  COUPONS_ASSERT_OK(one);
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE id = ? AND state = 'expired'",
                     {db::Value(a->id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE id = ? AND state = 'redeemed'",
                     {db::Value(b->id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.expired' AND "
                     "aggregate_ref = ?",
                     {db::Value(std::to_string(a->id))}),
            1);
  Result<int64_t> again = RunCouponExpiry(db(), 1'794'931'200, 10);
  EXPECT_EQ(again.value(), 0);
  Result<int64_t> window_end = RunCouponExpiry(db(), kNow + 5 * kDay + 1, 10);
  EXPECT_EQ(window_end.value(), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE state = 'expired'"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.expired'"), 2);
  EXPECT_EQ(RunCouponExpiry(db(), kNow, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(ClaimTest, TheExpiryJobWorksInBatches) {
  NewStock s = Cash(tree_.brand);
  s.valid_days = 1;
  s.per_member_limit = 1;
  const Stock stock = CreateActive(s);
  for (int64_t m : NewMembers(tree_.store_a1, 23)) COUPONS_ASSERT_OK(Claim(m, stock.id));
  Result<int64_t> expired = RunCouponExpiry(db(), kNow + 2 * kDay, 5);
  COUPONS_ASSERT_OK(expired);
  EXPECT_EQ(*expired, 23);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE state = 'expired'"), 23);
}

MILEAGE_COUPONS_TEST_SUITE(ClaimTest);

}  // namespace
}  // namespace mileage::coupons
