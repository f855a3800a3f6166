// The drifting list and the win-back settings on the real databases: the thresholds crossed
// by a fake clock (to the second, and the warranty's day), the scope of each role, keyset
// paging, and the settings' bad input (nothing written).
#include <algorithm>

#include "tests/contract/growth/winback_fixture.h"

namespace mileage::growth {
namespace {

using Ids = std::vector<int64_t>;

class WinbackServiceTest : public WinbackTest {};

TEST_P(WinbackServiceTest, OwnersDriftAtTheThresholdToTheSecond) {
  if (database_ == nullptr) return;
  const int64_t m = Visited(tree_.store_a1, kNow);
  const int64_t never = NewMember(tree_.store_a1);  // enrolled, never visited: not drifting
  const int64_t suspended = Visited(tree_.store_a1, kNow);
  COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    return members::MemberStore(conn, random_).SetStatus(suspended, "suspended", kNow).status();
  }));
  EXPECT_EQ(DriftingIds(admin_, kNow + 60 * kDay - 1), Ids{});
  EXPECT_EQ(DriftingIds(admin_, kNow + 60 * kDay), Ids{m});
  (void)never;

  Result<DriftingPage> page = service_->Drifting(admin_, {}, kNow + 61 * kDay + 5);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 1u);
  const DriftingOwner& o = page->items[0];
  EXPECT_EQ(o.member.last_visit_at, kNow);
  EXPECT_EQ(o.member.store_id, tree_.store_a1.store_id);
  EXPECT_EQ(o.dealer_id, tree_.dealer_a.dealer_id);
  EXPECT_EQ(o.member.spend_fen, 100);
  EXPECT_EQ(o.member.visits, 1);
  EXPECT_EQ(o.days_away, 61);
  EXPECT_EQ(o.threshold_days, 60);
  EXPECT_FALSE(o.out_of_warranty);
  EXPECT_EQ(o.member.tier, "silver");
  EXPECT_EQ(o.member.number, MemberNumber(m));

  // A brand's own threshold moves the edge.
  WinbackSettingsPatch patch;
  patch.drift_days = 30;
  COUPONS_ASSERT_OK(service_->UpdateSettings(admin_, patch, kNow));
  EXPECT_EQ(DriftingIds(admin_, kNow + 30 * kDay - 1), Ids{});
  EXPECT_EQ(DriftingIds(admin_, kNow + 30 * kDay), Ids{m});
  // A visit ends the drift.
  Visit(m, tree_.store_a2, kNow + 40 * kDay);
  EXPECT_EQ(DriftingIds(admin_, kNow + 41 * kDay), Ids{});
}

// kNow is 2026-11-17 (Beijing): a vehicle bought on 2023-11-17 or earlier is out of its three
// years of warranty; the newest vehicle decides and undated vehicles are ignored.
TEST_P(WinbackServiceTest, TheWarrantyRuleLengthensTheThreshold) {
  if (database_ == nullptr) return;
  const int64_t visit = kNow - 100 * kDay;
  const int64_t old_car = Visited(tree_.store_a1, visit);
  Vehicle(old_car, "2020-05-01");
  const int64_t new_car = Visited(tree_.store_a1, visit);
  Vehicle(new_car, "2025-03-01");
  const int64_t two_cars = Visited(tree_.store_a1, visit);
  Vehicle(two_cars, "2019-01-01");
  Vehicle(two_cars, "2024-06-01");
  const int64_t no_car = Visited(tree_.store_a1, visit);
  const int64_t undated = Visited(tree_.store_a1, visit);
  Vehicle(undated, std::nullopt);
  const int64_t edge_out = Visited(tree_.store_a1, visit);
  Vehicle(edge_out, "2023-11-17");
  Vehicle(edge_out, std::nullopt);
  const int64_t edge_in = Visited(tree_.store_a1, visit);
  Vehicle(edge_in, "2023-11-18");
  ASSERT_FALSE(HasFailure());

  // 100 days away: only those under warranty (or without a dated vehicle) drift.
  EXPECT_EQ(DriftingIds(admin_, kNow), (Ids{new_car, two_cars, no_car, undated, edge_in}));
  // One second before 120 days, on 2026-12-07: edge_in's car is out of warranty since today.
  EXPECT_EQ(DriftingIds(admin_, visit + 120 * kDay - 1), (Ids{new_car, two_cars, no_car, undated}));
  // At 120 days everybody drifts; the list says which threshold applied.
  Result<DriftingPage> page = service_->Drifting(admin_, {}, visit + 120 * kDay);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  std::vector<std::pair<int64_t, int64_t>> thresholds;
  for (const DriftingOwner& o : page->items) {
    thresholds.emplace_back(o.member.id, o.threshold_days);
    EXPECT_EQ(o.out_of_warranty, o.threshold_days == 120);
  }
  EXPECT_EQ(thresholds, (std::vector<std::pair<int64_t, int64_t>>{{old_car, 120},
                                                                  {new_car, 60},
                                                                  {two_cars, 60},
                                                                  {no_car, 60},
                                                                  {undated, 60},
                                                                  {edge_out, 120},
                                                                  {edge_in, 120}}));
  // The brand's own warranty: 8 years puts every car back under warranty.
  WinbackSettingsPatch patch;
  patch.warranty_years = 8;
  COUPONS_ASSERT_OK(service_->UpdateSettings(admin_, patch, kNow));
  EXPECT_EQ(DriftingIds(admin_, kNow).size(), 7u);
}

TEST_P(WinbackServiceTest, EachRoleSeesTheOwnersItsStoresLastServed) {
  if (database_ == nullptr) return;
  const int64_t visit = kNow - 70 * kDay;
  const int64_t a1 = Visited(tree_.store_a1, visit);
  const int64_t a2 = Visited(tree_.store_a2, visit + 1);
  const int64_t b1 = Visited(tree_.store_b1, visit + 2);
  const int64_t c1 = Visited(tree_.store_c1, visit + 3);
  const int64_t z1 = Visited(tree_.store_z1, visit);
  // Enrolled at A1 but last served at B1: dealer B's owner.
  const int64_t moved = Visited(tree_.store_a1, visit - kDay);
  Visit(moved, tree_.store_b1, visit + 4);
  ASSERT_FALSE(HasFailure());

  EXPECT_EQ(DriftingIds(admin_, kNow), (Ids{a1, a2, b1, c1, moved}));
  EXPECT_EQ(DriftingIds(region1_manager_, kNow), (Ids{a1, a2, b1, moved}));
  EXPECT_EQ(DriftingIds(dealer_a_manager_, kNow), (Ids{a1, a2}));
  EXPECT_EQ(DriftingIds(dealer_b_manager_, kNow), (Ids{b1, moved}));
  EXPECT_EQ(DriftingIds(analyst_a_, kNow), (Ids{a1, a2}));
  EXPECT_EQ(DriftingIds(admin_z_, kNow), (Ids{z1}));

  DriftFilter by_dealer;
  by_dealer.dealer_id = tree_.dealer_b.dealer_id;
  EXPECT_EQ(DriftingIds(admin_, kNow, by_dealer), (Ids{b1, moved}));
  EXPECT_EQ(DriftingIds(region1_manager_, kNow, by_dealer), (Ids{b1, moved}));
  DriftFilter by_store;
  by_store.store_id = tree_.store_a2.store_id;
  EXPECT_EQ(DriftingIds(dealer_a_manager_, kNow, by_store), (Ids{a2}));

  // Outside the scope, another brand's and unknown ids answer as not found.
  COUPONS_EXPECT_CODE(service_->Drifting(dealer_a_manager_, by_dealer, kNow), "DEALER_NOT_FOUND");
  COUPONS_EXPECT_CODE(service_->Drifting(admin_z_, by_dealer, kNow), "DEALER_NOT_FOUND");
  DriftFilter other_store;
  other_store.store_id = tree_.store_b1.store_id;
  COUPONS_EXPECT_CODE(service_->Drifting(dealer_a_manager_, other_store, kNow), "STORE_NOT_FOUND");
  other_store.store_id = tree_.store_z1.store_id;
  COUPONS_EXPECT_CODE(service_->Drifting(admin_, other_store, kNow), "STORE_NOT_FOUND");
  DriftFilter mismatched;
  mismatched.dealer_id = tree_.dealer_a.dealer_id;
  mismatched.store_id = tree_.store_b1.store_id;
  COUPONS_EXPECT_CODE(service_->Drifting(admin_, mismatched, kNow), "STORE_NOT_FOUND");
  DriftFilter unknown;
  unknown.dealer_id = 987654;
  COUPONS_EXPECT_CODE(service_->Drifting(admin_, unknown, kNow), "DEALER_NOT_FOUND");
  unknown.dealer_id = -3;
  COUPONS_EXPECT_CODE(service_->Drifting(admin_, unknown, kNow), "INVALID_ID");
  // A clerk's role never reads the list; the system actor has no brand.
  EXPECT_EQ(service_->Drifting(clerk_a1_, {}, kNow).status().code(), StatusCode::kPermissionDenied);
  COUPONS_EXPECT_CODE(service_->Drifting(system_, {}, kNow), "STAFF_ONLY");

  // The count per dealer in each scope.
  auto counts = [&](const org::Actor& actor) {
    std::vector<std::pair<int64_t, int64_t>> out;
    Result<std::vector<DealerDrift>> dealers = service_->Dealers(actor, kNow);
    EXPECT_TRUE(dealers.ok()) << dealers.status().ToString();
    if (dealers.ok()) {
      for (const DealerDrift& d : *dealers) out.emplace_back(d.dealer_id, d.drifting);
    }
    return out;
  };
  using Counts = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(counts(admin_), (Counts{{tree_.dealer_a.dealer_id, 2},
                                    {tree_.dealer_b.dealer_id, 2},
                                    {tree_.dealer_c.dealer_id, 1}}));
  EXPECT_EQ(counts(dealer_b_manager_), (Counts{{tree_.dealer_b.dealer_id, 2}}));
  EXPECT_EQ(counts(admin_z_), (Counts{{tree_.store_z1.dealer_id, 1}}));
  EXPECT_EQ(service_->Dealers(clerk_b1_, kNow).status().code(), StatusCode::kPermissionDenied);
}

TEST_P(WinbackServiceTest, KeysetPagesWalkTheListOnceInOrder) {
  if (database_ == nullptr) return;
  const int64_t visit = kNow - 90 * kDay;
  // Three share one visit time: the member id breaks the tie.
  const std::vector<int64_t> offsets = {5, 0, 0, 3, 0, 9, 1};
  std::vector<std::pair<int64_t, int64_t>> expected;
  for (int64_t offset : offsets) {
    const int64_t m = Visited(tree_.store_a1, visit + offset);
    expected.emplace_back(visit + offset, m);
  }
  std::sort(expected.begin(), expected.end());
  Ids want;
  for (const auto& e : expected) want.push_back(e.second);

  DriftFilter filter;
  filter.limit = 3;
  std::vector<size_t> sizes;
  Ids got;
  for (int pages = 0; pages < 10; ++pages) {
    Result<DriftingPage> page = service_->Drifting(admin_, filter, kNow);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    sizes.push_back(page->items.size());
    for (const DriftingOwner& o : page->items) got.push_back(o.member.id);
    if (!page->next.has_value()) break;
    EXPECT_EQ(page->next->second, page->items.back().member.id);
    filter.after = page->next;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(got, want);
  // Exactly a page's worth: no empty page after it.
  filter = DriftFilter{};
  filter.limit = 7;
  Result<DriftingPage> all = service_->Drifting(admin_, filter, kNow);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 7u);
  EXPECT_FALSE(all->next.has_value());
  filter.limit = 0;
  COUPONS_EXPECT_CODE(service_->Drifting(admin_, filter, kNow), "INVALID_LIMIT");
  filter.limit = 201;
  COUPONS_EXPECT_CODE(service_->Drifting(admin_, filter, kNow), "INVALID_LIMIT");
}

TEST_P(WinbackServiceTest, SettingsStartAtTheDefaultsAndRefuseBadValues) {
  if (database_ == nullptr) return;
  Result<WinbackSettings> defaults = service_->Settings(dealer_a_manager_);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->brand_id, tree_.brand.brand_id);
  EXPECT_EQ(defaults->drift_days, 60);
  EXPECT_EQ(defaults->warranty_years, 3);
  EXPECT_EQ(defaults->post_warranty_days, 120);
  EXPECT_EQ(defaults->cooldown_days, 90);
  EXPECT_FALSE(defaults->stock_id.has_value());
  EXPECT_FALSE(defaults->enabled);
  EXPECT_EQ(defaults->updated_at, 0);

  const coupons::Stock stock = CreateActive(Cash(tree_.brand));
  const coupons::Stock other_brand = CreateActive(Cash(tree_.brand_z));
  coupons::NewStock claim_only = Cash(tree_.brand);
  claim_only.channels = {coupons::Channel::kClaim};
  const coupons::Stock no_grants = CreateActive(claim_only);
  const std::string before = Written(false);
  struct Bad {
    WinbackSettingsPatch patch;
    std::string code;
  };
  std::vector<Bad> bad;
  bad.push_back({{}, "MISSING_FIELD"});
  auto with = [](auto set) {
    WinbackSettingsPatch p;
    set(p);
    return p;
  };
  bad.push_back({with([](auto& p) { p.drift_days = 0; }), "INVALID_DAYS"});
  bad.push_back({with([](auto& p) { p.drift_days = 3651; }), "INVALID_DAYS"});
  bad.push_back({with([](auto& p) { p.post_warranty_days = 3651; }), "INVALID_DAYS"});
  bad.push_back({with([](auto& p) { p.cooldown_days = -1; }), "INVALID_DAYS"});
  bad.push_back({with([](auto& p) { p.warranty_years = 31; }), "INVALID_WARRANTY"});
  bad.push_back({with([](auto& p) { p.warranty_years = -1; }), "INVALID_WARRANTY"});
  bad.push_back({with([](auto& p) { p.drift_days = 121; }), "INVALID_THRESHOLD"});
  bad.push_back({with([](auto& p) { p.post_warranty_days = 59; }), "INVALID_THRESHOLD"});
  bad.push_back({with([&](auto& p) { p.stock_id = other_brand.id; }), "STOCK_NOT_FOUND"});
  bad.push_back({with([](auto& p) { p.stock_id = 999999; }), "STOCK_NOT_FOUND"});
  bad.push_back({with([](auto& p) { p.stock_id = 0; }), "INVALID_ID"});
  bad.push_back({with([&](auto& p) { p.stock_id = no_grants.id; }), "NOT_ELIGIBLE"});
  for (const Bad& b : bad) {
    COUPONS_EXPECT_CODE(service_->UpdateSettings(admin_, b.patch, kNow), b.code);
  }
  // Roles that must not write: refused (and the refusal audited as denied).
  const WinbackSettingsPatch enable = with([](auto& p) { p.enabled = true; });
  for (const org::Actor* actor : {&dealer_a_manager_, &region1_manager_, &analyst_a_, &clerk_a1_}) {
    EXPECT_EQ(service_->UpdateSettings(*actor, enable, kNow).status().code(),
              StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM winback_settings"), 0);
  EXPECT_EQ(Written(false), before);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'winback.update' AND "
                     "outcome = 'ok'"),
            0);

  // A good change is stored, audited, and seen by the brand's readers but not by brand Z.
  WinbackSettingsPatch good;
  good.drift_days = 45;
  good.post_warranty_days = 90;
  good.stock_id = stock.id;
  good.enabled = true;
  Result<WinbackSettings> saved = service_->UpdateSettings(admin_, good, kNow + 5);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->drift_days, 45);
  EXPECT_EQ(saved->post_warranty_days, 90);
  EXPECT_EQ(saved->warranty_years, 3);
  EXPECT_EQ(saved->stock_id, std::optional<int64_t>(stock.id));
  EXPECT_EQ(saved->updated_at, kNow + 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'winback.update' AND "
                     "outcome = 'ok' AND object_id = ?",
                     {db::Value(tree_.brand.brand_id)}),
            1);
  Result<WinbackSettings> read = service_->Settings(analyst_a_);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->drift_days, 45);
  EXPECT_TRUE(read->enabled);
  Result<WinbackSettings> z = service_->Settings(admin_z_);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->drift_days, 60);
  EXPECT_FALSE(z->enabled);
  // stock_id null removes the stock; the thresholds stay.
  WinbackSettingsPatch remove;
  remove.stock_id = std::optional<int64_t>();
  saved = service_->UpdateSettings(admin_, remove, kNow + 6);
  ASSERT_TRUE(saved.ok());
  EXPECT_FALSE(saved->stock_id.has_value());
  EXPECT_EQ(saved->drift_days, 45);
}

MILEAGE_COUPONS_TEST_SUITE(WinbackServiceTest);

}  // namespace
}  // namespace mileage::growth
