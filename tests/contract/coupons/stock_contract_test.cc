// Stocks through StockService on SQLite and MariaDB: creation with its counters and audit
// record, every refusal with its stable code and nothing written, who sees which stock, and
// changes (transitions, totals, windows, stores).
#include <algorithm>
#include <set>

#include "coupons/expiry_job.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::coupons {
namespace {

class StockTest : public CouponsTest {
 protected:
  std::set<int64_t> Listed(const org::Actor& actor, StockFilter filter = {}) {
    Result<PageOf<Stock>> page = coupons().stocks().List(actor, filter, PageRequest{1, 200});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::set<int64_t> ids;
    if (!page.ok()) return ids;
    for (const Stock& s : page->items) ids.insert(s.id);
    EXPECT_EQ(page->total, static_cast<int64_t>(ids.size()));
    return ids;
  }
  int64_t Audits(const std::string& outcome) {
    return QueryInt("SELECT COUNT(*) FROM audit_log WHERE outcome = ?", {db::Value(outcome)});
  }
};

TEST_P(StockTest, ADraftWithItsCounterShardsAndAnAuditRecord) {
  Result<Stock> created = coupons().stocks().Create(dealer_a_manager_, Cash(tree_.dealer_a));
  COUPONS_ASSERT_OK(created);
  EXPECT_EQ(created->state, StockState::kDraft);
  EXPECT_EQ(created->node, tree_.dealer_a);
  EXPECT_EQ(created->created_by, dealer_a_manager_.staff->staff_id);
  // 1,000 coupons over 16 shards (63 x 8, 62 x 8), none issued.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(created->id)}),
            16);
  EXPECT_EQ(QueryInt("SELECT SUM(cap) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(created->id)}),
            1000);
  EXPECT_EQ(QueryInt("SELECT MAX(cap) - MIN(cap) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(created->id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'stock.create' AND "
                     "outcome = 'ok' AND object_id = ? AND staff_id = ? AND brand_id = ?",
                     {db::Value(created->id), db::Value(dealer_a_manager_.staff->staff_id),
                      db::Value(tree_.brand.brand_id)}),
            1);
  Result<StockView> view = coupons().stocks().Get(dealer_a_manager_, created->id);
  COUPONS_ASSERT_OK(view);
  EXPECT_EQ(view->stock.name, "100 off 500");
  EXPECT_EQ(view->issued, 0);
  EXPECT_EQ(view->remaining, 1000);

  NewStock small = Cash(tree_.dealer_a);
  small.total_quantity = 999;  // below 1,000: one shard
  Result<Stock> one = coupons().stocks().Create(dealer_a_manager_, small);
  COUPONS_ASSERT_OK(one);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(one->id)}),
            1);
}

TEST_P(StockTest, ABudgetBoundsWhatIsIssued) {
  NewStock stock = Cash(tree_.brand);
  stock.total_quantity = 100;
  stock.per_member_limit = 1;
  stock.budget_fen = 200000;  // pays for 20 coupons of 10000 fen
  const Stock s = CreateActive(stock);
  EXPECT_EQ(
      QueryInt("SELECT SUM(cap) FROM coupon_stock_counters WHERE stock_id = ?", {db::Value(s.id)}),
      20);
  int issued = 0, sold_out = 0;
  for (int64_t member : NewMembers(tree_.store_a1, 21)) {
    Result<Coupon> c = Claim(member, s.id);
    if (c.ok()) ++issued;
    if (c.status().reason() == "SOLD_OUT") ++sold_out;
  }
  EXPECT_EQ(issued, 20);
  EXPECT_EQ(sold_out, 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE stock_id = ?", {db::Value(s.id)}) * 10000,
            200000);
}

TEST_P(StockTest, BadDefinitionsWriteNothing) {
  const std::string before = Written();
  auto refused = [&](NewStock s, const char* code) {
    SCOPED_TRACE(code);
    COUPONS_EXPECT_CODE(coupons().stocks().Create(dealer_a_manager_, s), code);
  };
  NewStock s = Cash(tree_.dealer_a);
  s.type = StockType::kDiscount;
  s.value_fen = 0;
  s.percent_off = 0;
  refused(s, "INVALID_STOCK");
  s.percent_off = 100;
  refused(s, "INVALID_STOCK");
  s = Cash(tree_.dealer_a);
  s.valid_days = 0;
  s.valid_from = kNow + 2 * kDay;
  s.valid_until = kNow + kDay;  // ends before it starts
  refused(s, "INVALID_STOCK");
  s = Cash(tree_.dealer_a);
  s.value_fen = 0;
  refused(s, "INVALID_STOCK");
  s = Cash(tree_.dealer_a);
  s.total_quantity = -5;
  refused(s, "INVALID_STOCK");
  s.total_quantity = 10'000'001;
  refused(s, "INVALID_STOCK");
  s = Cash(tree_.dealer_a);
  s.type = StockType::kExchange;
  s.value_fen = 0;
  s.threshold_fen = 0;
  s.item = "wash";
  s.budget_fen = 100000;  // a budget on a non-cash stock
  refused(s, "INVALID_STOCK");
  s = Cash(tree_.dealer_a);
  s.min_tier = "diamond";
  refused(s, "UNKNOWN_TIER");
  EXPECT_EQ(Written(), before) << "input errors write nothing, not even an audit record";
}

TEST_P(StockTest, ListedStoresMustBeActiveStoresInsideTheNode) {
  const std::string before = Written(/*with_audit=*/false);
  NewStock s = Cash(tree_.dealer_a);
  s.store_ids = {tree_.store_a1.store_id, tree_.store_b1.store_id};
  // The region manager sees B1, but it is not below dealer A.
  COUPONS_EXPECT_CODE(coupons().stocks().Create(region1_manager_, s), "STORE_NOT_IN_STOCK_NODE");
  // Dealer A's manager does not see B1 at all: like a store that does not exist.
  Result<Stock> outside = coupons().stocks().Create(dealer_a_manager_, s);
  EXPECT_EQ(outside.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(outside.status().message(),
            "store " + std::to_string(tree_.store_b1.store_id) + " not found");
  s.store_ids = {999999};
  Result<Stock> unknown = coupons().stocks().Create(dealer_a_manager_, s);
  EXPECT_EQ(unknown.status().message(), "store 999999 not found");
  s = Cash(tree_.brand);
  s.store_ids = {tree_.store_z1.store_id};  // another brand's
  EXPECT_EQ(coupons().stocks().Create(admin_, s).status().code(), StatusCode::kNotFound);
  Deactivate(tree_.store_a2);
  s.store_ids = {tree_.store_a2.store_id};
  COUPONS_EXPECT_CODE(coupons().stocks().Create(admin_, s), "STORE_INACTIVE");
  EXPECT_EQ(Written(false), before);

  s.store_ids = {tree_.store_a1.store_id, tree_.store_b1.store_id};
  Result<Stock> listed = coupons().stocks().Create(admin_, s);
  COUPONS_ASSERT_OK(listed);
  ASSERT_EQ(listed->stores.size(), 2u);
  EXPECT_EQ(listed->stores[0], tree_.store_a1);
  EXPECT_EQ(listed->stores[1], tree_.store_b1);
}

TEST_P(StockTest, StocksAreCreatedOnlyInsideTheCallersScope) {
  const std::string before = Written(false);
  const int64_t denied_before = Audits("denied");
  auto code_of = [&](const org::Actor& actor, const org::NodePath& node) {
    return coupons().stocks().Create(actor, Cash(node)).status();
  };
  EXPECT_EQ(code_of(dealer_a_manager_, tree_.dealer_b).message(),
            "dealer " + std::to_string(tree_.dealer_b.dealer_id) + " not found");
  EXPECT_EQ(code_of(dealer_a_manager_, tree_.region1).code(), StatusCode::kNotFound);  // ancestor
  EXPECT_EQ(code_of(dealer_a_manager_, tree_.brand).code(), StatusCode::kNotFound);
  EXPECT_EQ(code_of(admin_z_, tree_.brand).code(), StatusCode::kNotFound);
  EXPECT_EQ(code_of(clerk_a1_, tree_.store_a1).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(code_of(analyst_a_, tree_.dealer_a).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Written(false), before);
  EXPECT_EQ(Audits("denied"), denied_before + 6) << "each refusal by scope or role is on record";
  Deactivate(tree_.store_a2);
  COUPONS_EXPECT_CODE(coupons().stocks().Create(dealer_a_manager_, Cash(tree_.store_a2)),
                      "PARENT_INACTIVE");
  EXPECT_EQ(Written(false), before);
}

TEST_P(StockTest, WhoSeesWhichStock) {
  const Stock x = CreateActive(Cash(tree_.dealer_a));
  NewStock for_b = Cash(tree_.brand);
  for_b.store_ids = {tree_.store_b1.store_id};
  const Stock y = CreateActive(for_b);
  const Stock w = CreateActive(Cash(tree_.brand));
  const Stock v = CreateActive(Cash(tree_.region2));
  NewStock other_brand = Cash(tree_.brand_z);
  const Stock z = CreateActive(other_brand);

  EXPECT_EQ(Listed(admin_), (std::set<int64_t>{x.id, y.id, w.id, v.id}));
  EXPECT_EQ(Listed(region1_manager_), (std::set<int64_t>{x.id, y.id, w.id}));
  EXPECT_EQ(Listed(dealer_a_manager_), (std::set<int64_t>{x.id, w.id}));
  EXPECT_EQ(Listed(dealer_b_manager_), (std::set<int64_t>{y.id, w.id}));
  EXPECT_EQ(Listed(clerk_a1_), (std::set<int64_t>{x.id, w.id}));
  EXPECT_EQ(Listed(clerk_b1_), (std::set<int64_t>{y.id, w.id}));
  EXPECT_EQ(Listed(analyst_a_), (std::set<int64_t>{x.id, w.id}));
  EXPECT_EQ(Listed(admin_z_), (std::set<int64_t>{z.id}));

  auto get = [&](const org::Actor& actor, const Stock& s) {
    return coupons().stocks().Get(actor, s.id).status();
  };
  EXPECT_TRUE(get(dealer_a_manager_, x).ok());
  EXPECT_TRUE(get(dealer_a_manager_, w).ok());
  for (const Stock* hidden : {&y, &v, &z}) {
    const Status s = get(dealer_a_manager_, *hidden);
    EXPECT_EQ(s.reason(), "STOCK_NOT_FOUND");
    EXPECT_EQ(s.message(), "stock " + std::to_string(hidden->id) + " not found");
  }
  Stock unknown;
  unknown.id = 987654;
  EXPECT_EQ(get(dealer_a_manager_, unknown).message(), "stock 987654 not found");
  EXPECT_EQ(get(dealer_b_manager_, x).reason(), "STOCK_NOT_FOUND");
  EXPECT_EQ(get(admin_z_, x).reason(), "STOCK_NOT_FOUND");

  // Filters: a node of the caller's subtree or an ancestor; another dealer's is unknown.
  StockFilter at_a;
  at_a.node = NodeRef{org::NodeType::kDealer, tree_.dealer_a.dealer_id};
  EXPECT_EQ(Listed(admin_, at_a), (std::set<int64_t>{x.id}));
  StockFilter at_b;
  at_b.node = NodeRef{org::NodeType::kDealer, tree_.dealer_b.dealer_id};
  EXPECT_EQ(coupons().stocks().List(dealer_a_manager_, at_b, {}).status().code(),
            StatusCode::kNotFound);
  StockFilter at_brand;
  at_brand.node = NodeRef{org::NodeType::kBrand, tree_.brand.brand_id};
  EXPECT_EQ(Listed(dealer_a_manager_, at_brand), (std::set<int64_t>{x.id, w.id}));
  StockFilter drafts;
  drafts.state = StockState::kDraft;
  EXPECT_TRUE(Listed(admin_, drafts).empty());
  StockFilter discounts;
  discounts.type = StockType::kDiscount;
  EXPECT_TRUE(Listed(admin_, discounts).empty());
}

TEST_P(StockTest, ChangesFollowTheRules) {
  Result<Stock> created = coupons().stocks().Create(dealer_a_manager_, Cash(tree_.dealer_a));
  COUPONS_ASSERT_OK(created);
  const int64_t id = created->id;
  auto update = [&](const StockPatch& p, const org::Actor* actor = nullptr) {
    return coupons().stocks().Update(actor ? *actor : dealer_a_manager_, id, p);
  };
  StockPatch p;
  p.state = StockState::kPaused;  // draft -> paused
  COUPONS_EXPECT_CODE(update(p), "INVALID_STATE_TRANSITION");
  p.state = StockState::kEnded;
  COUPONS_EXPECT_CODE(update(p), "INVALID_STATE_TRANSITION");
  // Stores while a draft.
  StockPatch stores;
  stores.store_ids = std::vector<int64_t>{tree_.store_a2.store_id};
  COUPONS_ASSERT_OK(update(stores));
  p.state = StockState::kActive;
  COUPONS_ASSERT_OK(update(p));
  COUPONS_EXPECT_CODE(update(stores), "STOCK_NOT_EDITABLE");
  p.state = StockState::kDraft;
  COUPONS_EXPECT_CODE(update(p), "INVALID_STATE_TRANSITION");

  const std::string before = Written(false);
  StockPatch lower;
  lower.total_quantity = 999;
  COUPONS_EXPECT_CODE(update(lower), "INVALID_STOCK");
  StockPatch daily;
  daily.daily_quantity = 1001;
  COUPONS_EXPECT_CODE(update(daily), "INVALID_STOCK");
  StockPatch until;
  until.valid_until = kNow + 40 * kDay;  // a valid_days stock has no window
  COUPONS_EXPECT_CODE(update(until), "INVALID_STOCK");
  StockPatch blank;
  blank.name = " ";
  COUPONS_EXPECT_CODE(update(blank), "INVALID_STOCK");
  COUPONS_EXPECT_CODE(update(StockPatch{}), "INVALID_STOCK");
  // Dealer B does not see it; the brand admin may change it.
  EXPECT_EQ(update(lower, &dealer_b_manager_).status().reason(), "STOCK_NOT_FOUND");
  // Clerk A2 sees it (redeemable at A2) but may not change it; clerk A1 does not see it.
  EXPECT_EQ(update(p, &clerk_a2_).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(update(p, &clerk_a1_).status().reason(), "STOCK_NOT_FOUND");
  EXPECT_EQ(Written(false), before);

  // Raising the total adds the difference to the shards.
  StockPatch raise;
  raise.total_quantity = 1600;
  raise.name = "100 off 500, more";
  Result<StockView> raised = update(raise, &admin_);
  COUPONS_ASSERT_OK(raised);
  EXPECT_EQ(raised->stock.total_quantity, 1600);
  EXPECT_EQ(raised->remaining, 1600);
  EXPECT_EQ(
      QueryInt("SELECT SUM(cap) FROM coupon_stock_counters WHERE stock_id = ?", {db::Value(id)}),
      1600);
  EXPECT_EQ(QueryInt("SELECT MAX(cap) - MIN(cap) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(id)}),
            0);  // 1,600 = 16 x 100
  p.state = StockState::kPaused;
  COUPONS_ASSERT_OK(update(p));
  p.state = StockState::kActive;
  COUPONS_ASSERT_OK(update(p));
  p.state = StockState::kEnded;
  COUPONS_ASSERT_OK(update(p));
  StockPatch rename;
  rename.name = "again";
  COUPONS_EXPECT_CODE(update(rename), "STOCK_NOT_EDITABLE");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'stock.update' AND "
                     "outcome = 'ok' AND object_id = ?",
                     {db::Value(id)}),
            6);
}

TEST_P(StockTest, AVisibleStockOfAnAncestorIsNotTheCallersToChange) {
  const Stock w = CreateActive(Cash(tree_.brand));
  StockPatch p;
  p.name = "mine now";
  const std::string before = Written(false);
  EXPECT_EQ(coupons().stocks().Update(dealer_a_manager_, w.id, p).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Written(false), before);
}

TEST_P(StockTest, ALaterWindowEndMovesTheIssuedCoupons) {
  NewStock s = Cash(tree_.brand);
  s.valid_days = 0;
  s.valid_from = kNow;
  s.valid_until = kNow + 10 * kDay;
  const Stock stock = CreateActive(s);
  const int64_t member = NewMember(tree_.store_a1);
  Result<Coupon> coupon = Claim(member, stock.id);
  COUPONS_ASSERT_OK(coupon);
  EXPECT_EQ(coupon->expires_at, kNow + 10 * kDay);
  StockPatch earlier;
  earlier.valid_until = kNow + 9 * kDay;
  COUPONS_EXPECT_CODE(coupons().stocks().Update(admin_, stock.id, earlier), "INVALID_STOCK");
  StockPatch later;
  later.valid_until = kNow + 20 * kDay;
  COUPONS_ASSERT_OK(coupons().stocks().Update(admin_, stock.id, later));
  EXPECT_EQ(QueryInt("SELECT expires_at FROM coupons WHERE id = ?", {db::Value(coupon->id)}),
            kNow + 20 * kDay);
}

TEST_P(StockTest, TheViewCountsCouponsByState) {
  NewStock s = Cash(tree_.brand);
  s.per_member_limit = 3;
  s.valid_days = 1;
  const Stock stock = CreateActive(s);
  const int64_t m = NewMember(tree_.store_a1);
  std::vector<Coupon> got;
  for (int i = 0; i < 3; ++i) {
    Result<Coupon> c = Claim(m, stock.id);
    COUPONS_ASSERT_OK(c);
    got.push_back(*c);
  }
  RedeemRequest r;
  r.code = got[0].code;
  r.store_id = tree_.store_a1.store_id;
  r.order_amount_fen = 60000;
  r.request_id = "view-1";
  COUPONS_ASSERT_OK(coupons().redemptions().Redeem(admin_, r, kNow));
  Result<int64_t> expired = RunCouponExpiry(db(), kNow + 2 * kDay, 100);
  COUPONS_ASSERT_OK(expired);
  EXPECT_EQ(*expired, 2);
  Result<StockView> view = coupons().stocks().Get(admin_, stock.id);
  COUPONS_ASSERT_OK(view);
  EXPECT_EQ(view->issued, 3);
  EXPECT_EQ(view->redeemed, 1);
  EXPECT_EQ(view->expired, 2);
  EXPECT_EQ(view->voided, 0);
  EXPECT_EQ(view->remaining, 997);
}

MILEAGE_COUPONS_TEST_SUITE(StockTest);

}  // namespace
}  // namespace mileage::coupons
