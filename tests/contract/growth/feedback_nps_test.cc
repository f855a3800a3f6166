// NPS by store and by dealer per Beijing week and month, against figures computed by hand here
// (NPS = % promoters 9-10 minus % detractors 0-6, rounded half away from zero), inside each
// caller's scope.
#include <optional>

#include "tests/contract/growth/feedback_fixture.h"

namespace mileage::growth {
namespace {

// Monday 2026-11-09 00:00 Beijing (2026-11-08T16:00:00Z): kNow (Tuesday 2026-11-17 10:00
// Beijing) less 8 days and 10 hours. Week 2 starts on Monday 2026-11-16.
constexpr int64_t kWeek1 = kNow - 8 * kDay - 10 * 3600;
constexpr int64_t kWeek2 = kWeek1 + 7 * kDay;
static_assert(kWeek1 == 1794153600, "2026-11-08T16:00:00Z");

struct Expected {
  int64_t promoters, passives, detractors;
  std::optional<int64_t> nps;
};

void ExpectCounts(const NpsCounts& got, const Expected& want, const std::string& what) {
  EXPECT_EQ(got.promoters, want.promoters) << what;
  EXPECT_EQ(got.passives, want.passives) << what;
  EXPECT_EQ(got.detractors, want.detractors) << what;
  EXPECT_EQ(NetPromoterScore(got), want.nps) << what;
}

TEST(NetPromoterScoreTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(NetPromoterScore({3, 1, 2}), 17);   // 100 * 1 / 6 = 16.67
  EXPECT_EQ(NetPromoterScore({3, 3, 2}), 13);   // 12.5
  EXPECT_EQ(NetPromoterScore({1, 5, 2}), -13);  // -12.5
  EXPECT_EQ(NetPromoterScore({1, 0, 2}), -33);  // -33.33
  EXPECT_EQ(NetPromoterScore({5, 0, 0}), 100);
  EXPECT_EQ(NetPromoterScore({0, 0, 4}), -100);
  EXPECT_EQ(NetPromoterScore({0, 2, 0}), 0);
  EXPECT_EQ(NetPromoterScore({0, 0, 0}), std::nullopt);
}

class FeedbackNpsTest : public FeedbackTest {
 protected:
  void SetUp() override {
    FeedbackTest::SetUp();
    if (feedback_ == nullptr) return;
    // A1, week 1: 10, 9, 9 (promoters), 8 (passive), 3, 0 (detractors), the 0 on Sunday 23:30.
    for (auto [score, at] : {std::pair<int64_t, int64_t>{10, kWeek1 + kDay + 10 * 3600},
                             {9, kWeek1 + 2 * kDay + 10 * 3600},
                             {9, kWeek1 + 3 * kDay},
                             {8, kWeek1 + 4 * kDay},
                             {3, kWeek1 + 5 * kDay},
                             {0, kWeek2 - 1800}}) {
      RatedVisit(tree_.store_a1, score, at);
    }
    // A1, week 2: 10 and 6.
    RatedVisit(tree_.store_a1, 10, kWeek2 + 10 * 3600);
    RatedVisit(tree_.store_a1, 6, kWeek2 + kDay);
    // A2: 7 and 8 in week 1; 9 in week 2 at Monday 00:10 Beijing (Sunday 16:10 UTC).
    RatedVisit(tree_.store_a2, 7, kWeek1 + 10 * 3600);
    RatedVisit(tree_.store_a2, 8, kWeek1 + 6 * kDay);
    RatedVisit(tree_.store_a2, 9, kWeek2 + 600);
    // B1, week 2: 5, 6, 9. C1 (region 2), week 2: 10.
    RatedVisit(tree_.store_b1, 5, kWeek2 + kDay + 3600);
    RatedVisit(tree_.store_b1, 6, kWeek2 + kDay + 7200);
    RatedVisit(tree_.store_b1, 9, kWeek2 + 2 * kDay);
    RatedVisit(tree_.store_c1, 10, kWeek2 + kDay);
    // Outside 2026-11-09..2026-11-22: Sunday 11-08 23:30 and Monday 11-23 00:01 Beijing.
    RatedVisit(tree_.store_a1, 0, kWeek1 - 1800);
    RatedVisit(tree_.store_a1, 0, kWeek2 + 7 * kDay + 60);
  }

  NpsQuery Query(NpsGroup group, NpsBucket bucket, const std::string& from = "2026-11-09",
                 const std::string& to = "2026-11-22") {
    NpsQuery q;
    q.group = group;
    q.bucket = bucket;
    q.range.from = from;
    q.range.to = to;
    return q;
  }
  Result<NpsReport> Nps(const org::Actor& who, const NpsQuery& q) {
    return feedback_->Nps(who, q, kNow + 10 * kDay);
  }
};

TEST_P(FeedbackNpsTest, ByStorePerWeek) {
  Result<NpsReport> report = Nps(admin_, Query(NpsGroup::kStore, NpsBucket::kWeek));
  COUPONS_ASSERT_OK(report);
  ASSERT_EQ(report->periods.size(), 2u);
  EXPECT_EQ(civil::FormatDate(report->periods[0]), "2026-11-09");
  EXPECT_EQ(civil::FormatDate(report->periods[1]), "2026-11-16");
  ASSERT_EQ(report->rows.size(), 4u);
  const NpsSeries& a1 = report->rows[0];
  EXPECT_EQ(a1.node_id, tree_.store_a1.store_id);
  EXPECT_EQ(a1.name, "A1");
  ExpectCounts(a1.periods[0], {3, 1, 2, 17}, "A1 week 1: (3 - 2) / 6");
  ExpectCounts(a1.periods[1], {1, 0, 1, 0}, "A1 week 2");
  ExpectCounts(a1.total, {4, 1, 3, 13}, "A1: (4 - 3) / 8 = 12.5");
  const NpsSeries& a2 = report->rows[1];
  EXPECT_EQ(a2.name, "A2");
  ExpectCounts(a2.periods[0], {0, 2, 0, 0}, "A2 week 1");
  ExpectCounts(a2.periods[1], {1, 0, 0, 100}, "A2 week 2 (Monday 00:10 Beijing)");
  ExpectCounts(a2.total, {1, 2, 0, 33}, "A2");
  const NpsSeries& b1 = report->rows[2];
  EXPECT_EQ(b1.name, "B1");
  ExpectCounts(b1.periods[0], {0, 0, 0, std::nullopt}, "B1 week 1: no responses");
  ExpectCounts(b1.periods[1], {1, 0, 2, -33}, "B1 week 2");
  const NpsSeries& c1 = report->rows[3];
  EXPECT_EQ(c1.name, "C1");
  ExpectCounts(c1.total, {1, 0, 0, 100}, "C1");
  ExpectCounts(report->overall, {7, 3, 5, 13}, "brand: (7 - 5) / 15");
}

TEST_P(FeedbackNpsTest, ByDealerPerWeek) {
  Result<NpsReport> report = Nps(admin_, Query(NpsGroup::kDealer, NpsBucket::kWeek));
  COUPONS_ASSERT_OK(report);
  ASSERT_EQ(report->rows.size(), 3u);
  const NpsSeries& a = report->rows[0];
  EXPECT_EQ(a.node_id, tree_.dealer_a.dealer_id);
  EXPECT_EQ(a.name, "Dealer A");
  ExpectCounts(a.periods[0], {3, 3, 2, 13}, "dealer A week 1: (3 - 2) / 8 = 12.5");
  ExpectCounts(a.periods[1], {2, 0, 1, 33}, "dealer A week 2");
  ExpectCounts(a.total, {5, 3, 3, 18}, "dealer A: 2 / 11");
  EXPECT_EQ(report->rows[1].name, "Dealer B");
  ExpectCounts(report->rows[1].total, {1, 0, 2, -33}, "dealer B");
  EXPECT_EQ(report->rows[2].name, "Dealer C");
  ExpectCounts(report->rows[2].total, {1, 0, 0, 100}, "dealer C");
}

TEST_P(FeedbackNpsTest, PerMonth) {
  Result<NpsReport> report =
      Nps(admin_, Query(NpsGroup::kDealer, NpsBucket::kMonth, "2026-10-20", "2026-11-30"));
  COUPONS_ASSERT_OK(report);
  ASSERT_EQ(report->periods.size(), 2u);
  EXPECT_EQ(civil::FormatDate(report->periods[0]), "2026-10-01");
  EXPECT_EQ(civil::FormatDate(report->periods[1]), "2026-11-01");
  ASSERT_EQ(report->rows.size(), 3u);
  // November holds the two out-of-range zeros of A1 too: dealer A is 5, 3, 5 -> 0.
  ExpectCounts(report->rows[0].periods[0], {0, 0, 0, std::nullopt}, "dealer A October");
  ExpectCounts(report->rows[0].periods[1], {5, 3, 5, 0}, "dealer A November");
  ExpectCounts(report->overall, {7, 3, 7, 0}, "brand November");
}

TEST_P(FeedbackNpsTest, EachCallerSeesItsScope) {
  Result<NpsReport> region = Nps(region1_manager_, Query(NpsGroup::kDealer, NpsBucket::kWeek));
  COUPONS_ASSERT_OK(region);
  ASSERT_EQ(region->rows.size(), 2u) << "dealers A and B; C is region 2's";
  ExpectCounts(region->overall, {6, 3, 5, 7}, "region 1: 1 / 14");

  Result<NpsReport> dealer = Nps(dealer_a_manager_, Query(NpsGroup::kStore, NpsBucket::kWeek));
  COUPONS_ASSERT_OK(dealer);
  ASSERT_EQ(dealer->rows.size(), 2u);
  ExpectCounts(dealer->overall, {5, 3, 3, 18}, "dealer A");

  Result<NpsReport> clerk = Nps(clerk_a1_, Query(NpsGroup::kStore, NpsBucket::kWeek));
  COUPONS_ASSERT_OK(clerk);
  ASSERT_EQ(clerk->rows.size(), 1u);
  ExpectCounts(clerk->overall, {4, 1, 3, 13}, "store A1");
  COUPONS_EXPECT_CODE(Nps(clerk_a1_, Query(NpsGroup::kDealer, NpsBucket::kWeek)), "INVALID_GROUP");

  Result<NpsReport> other_brand = Nps(admin_z_, Query(NpsGroup::kStore, NpsBucket::kWeek));
  COUPONS_ASSERT_OK(other_brand);
  EXPECT_TRUE(other_brand->rows.empty());
  EXPECT_EQ(other_brand->overall.responses(), 0);

  NpsQuery b1 = Query(NpsGroup::kStore, NpsBucket::kWeek);
  b1.node = payments::ReportNode{org::NodeType::kStore, tree_.store_b1.store_id};
  EXPECT_EQ(Nps(dealer_a_manager_, b1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Nps(admin_z_, b1).status().code(), StatusCode::kNotFound);
  Result<NpsReport> narrowed = Nps(admin_, b1);
  COUPONS_ASSERT_OK(narrowed);
  ASSERT_EQ(narrowed->rows.size(), 1u);
  ExpectCounts(narrowed->overall, {1, 0, 2, -33}, "B1 alone");
  NpsQuery ancestor = Query(NpsGroup::kStore, NpsBucket::kWeek);
  ancestor.node = payments::ReportNode{org::NodeType::kRegion, tree_.region1.region_id};
  EXPECT_EQ(Nps(dealer_a_manager_, ancestor).status().code(), StatusCode::kNotFound)
      << "an ancestor's numbers would show other dealers";
}

TEST_P(FeedbackNpsTest, BadRangesAreRefused) {
  COUPONS_EXPECT_CODE(
      Nps(admin_, Query(NpsGroup::kStore, NpsBucket::kWeek, "2026-11-30", "2026-11-01")),
      "INVALID_FIELD");
  COUPONS_EXPECT_CODE(
      Nps(admin_, Query(NpsGroup::kStore, NpsBucket::kWeek, "2025-01-01", "2026-11-01")),
      "INVALID_FIELD");
  COUPONS_EXPECT_CODE(Nps(admin_, Query(NpsGroup::kStore, NpsBucket::kWeek, "2026-13-01")),
                      "INVALID_FIELD");
  NpsQuery defaulted;
  Result<NpsReport> report = Nps(admin_, defaulted);
  COUPONS_ASSERT_OK(report);
  EXPECT_EQ(civil::FormatDate(report->to), "2026-11-27") << "today in Beijing";
  EXPECT_EQ(report->periods.size(), 13u) << "84 days from a Saturday touch 13 ISO weeks";
}

MILEAGE_FEEDBACK_TEST_SUITE(FeedbackNpsTest);

}  // namespace
}  // namespace mileage::growth
