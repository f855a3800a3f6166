// The tags job and segment counts on a generated base of 100,000 members (issue 16): every
// member's RFM scores and system tags, and the counts of segments over them, against values
// the test computes from the generator's own choices.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "growth/segment_store.h"
#include "growth/tag_store.h"
#include "tests/contract/growth/growth_fixture.h"

namespace mileage::growth {
namespace {

constexpr int64_t kMembers = 100'000;

class TagsScaleTest : public GrowthTest {
 protected:
  int64_t Count(const FilterNode& filter) {
    Result<int64_t> n = growth_->segments().Preview(admin_, tree_.brand.brand_id, filter);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  static int64_t Expect(const std::vector<Expected>& all,
                        const std::function<bool(const Expected&)>& pred) {
    int64_t n = 0;
    for (const Expected& e : all) n += e.active && pred(e) ? 1 : 0;
    return n;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
};

TEST_P(TagsScaleTest, ScoresTagsAndCountsMatchAnIndependentComputation) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<Expected> all = Generate(kMembers);
  const auto generated = std::chrono::steady_clock::now();
  ASSERT_EQ(QueryInt("SELECT COUNT(*) FROM members WHERE brand_id = ?",
                     {db::Value(tree_.brand.brand_id)}),
            kMembers);
  Result<int64_t> tagged = RunTags(kNow, 1000);
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  const auto ran = std::chrono::steady_clock::now();
  EXPECT_EQ(*tagged, Expect(all, [](const Expected&) { return true; }));
  std::cout << "[ generated " << kMembers << " members in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(generated - started).count()
            << " ms; tags job "
            << std::chrono::duration_cast<std::chrono::milliseconds>(ran - generated).count()
            << " ms ]\n";

  // Every member's row, compared one by one in one read.
  std::map<int64_t, const Expected*> by_id;
  for (const Expected& e : all) by_id[e.id] = &e;
  {
    Result<db::PooledConnection> conn = db().Acquire();
    ASSERT_TRUE(conn.ok());
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT member_id, recency_days, visits_12m, spend_12m_fen, r_score, f_score, m_score "
        "FROM member_rfm WHERE brand_id = ? ORDER BY member_id",
        {db::Value(tree_.brand.brand_id)});
    ASSERT_TRUE(rows.ok());
    int64_t mismatches = 0;
    for (const db::Row& row : *rows) {
      const Expected& e = *by_id.at(row.Int(0));
      const bool same = e.active && row.OptionalInt(1) == e.recency_days &&
                        row.Int(2) == e.visits && row.Int(3) == e.spend && row.Int(4) == e.r &&
                        row.Int(5) == e.f && row.Int(6) == e.m;
      if (!same && ++mismatches <= 5) ADD_FAILURE() << "member " << e.id << " differs";
    }
    EXPECT_EQ(mismatches, 0);
    EXPECT_EQ(static_cast<int64_t>(rows->size()), *tagged);
  }
  // Score histograms through the filter path.
  for (int score = 1; score <= 5; ++score) {
    EXPECT_EQ(Count(Tag("rfm_r", "eq", int64_t{score})),
              Expect(all, [&](const Expected& e) { return e.r == score; }))
        << "r " << score;
    EXPECT_EQ(Count(Tag("rfm_f", "eq", int64_t{score})),
              Expect(all, [&](const Expected& e) { return e.f == score; }))
        << "f " << score;
    EXPECT_EQ(Count(Tag("rfm_m", "eq", int64_t{score})),
              Expect(all, [&](const Expected& e) { return e.m == score; }))
        << "m " << score;
  }
  // The brief's example and a few others over every kind of clause.
  EXPECT_EQ(Count(All({Tag("rfm_r", "gte", int64_t{4}), TagIn("tier", "in", {std::string("gold")}),
                       Manual("VIP")})),
            Expect(all, [](const Expected& e) { return e.r >= 4 && e.tier == "gold" && e.vip; }));
  EXPECT_EQ(
      Count(Any({Tag("vehicle_age", "eq", std::string("8_plus")),
                 Tag("coupon_redeemer", "eq", std::string("yes"))})),
      Expect(all, [](const Expected& e) { return Has(e.vehicle_ages, "8_plus") || e.redeemer; }));
  EXPECT_EQ(
      Count(Not(TagIn("partner_category", "in", {std::string("fuel"), std::string("carwash")}))),
      Expect(all, [](const Expected& e) { return e.partner_categories.empty(); }));
  EXPECT_EQ(Count(All({TagIn("rfm_m", "in", {int64_t{1}, int64_t{5}}),
                       Tag("visits_12m", "lt", int64_t{3}),
                       Tag("vehicle_age", "ne", std::string("unknown"))})),
            Expect(all, [](const Expected& e) {
              return (e.m == 1 || e.m == 5) && e.visits < 3 && !Has(e.vehicle_ages, "unknown");
            }));
  EXPECT_EQ(Count(All({Tag("recency_days", "lte", int64_t{45}),
                       TagIn("tier", "not_in", {std::string("silver")}),
                       Tag("partner_category", "eq", std::string("carwash"))})),
            Expect(all, [](const Expected& e) {
              return e.recency_days && *e.recency_days <= 45 && e.tier != "silver" &&
                     Has(e.partner_categories, "carwash");
            }));
  EXPECT_EQ(Count(Tag("coupon_redeemer", "eq", std::string("no"))),
            Expect(all, [](const Expected& e) { return !e.redeemer; }));

  // A saved segment records its size for the day at the next pass; a second pass changes
  // nothing in the counts.
  const FilterNode vip_gold =
      Remember(All({Manual("VIP"), TagIn("tier", "in", {std::string("gold")})}));
  Result<SegmentView> made =
      growth_->segments().Create(admin_, tree_.brand.brand_id, {"VIP gold", vip_gold}, kNow);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const int64_t expected = Expect(all, [](const Expected& e) { return e.vip && e.tier == "gold"; });
  EXPECT_EQ(made->count, expected);
  ASSERT_TRUE(RunTags(kNow + 3600).ok());
  Result<std::vector<SegmentSize>> sizes =
      growth_->segments().Sizes(admin_, made->segment.id, 7, kNow + 3600);
  ASSERT_TRUE(sizes.ok()) << sizes.status().ToString();
  ASSERT_EQ(sizes->size(), 1u);
  EXPECT_EQ((*sizes)[0].day, 20261117);
  EXPECT_EQ((*sizes)[0].size, expected);
}

MILEAGE_GROWTH_TEST_SUITE(TagsScaleTest);

}  // namespace
}  // namespace mileage::growth
