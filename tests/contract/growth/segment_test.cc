// Segments, thresholds, manual tags and segment grants through the services: the filter
// grammar's bad input (stable codes, nothing written), isolation between brands and roles, and
// grants that issue once per member with the stock's counters right.
#include <gtest/gtest.h>

#include "growth/grant_job.h"
#include "tests/contract/growth/growth_fixture.h"

namespace mileage::growth {
namespace {

using coupons::Channel;

class SegmentTest : public GrowthTest {
 protected:
  // Row counts of every table the growth writes touch, with the audit log.
  std::string GrowthWritten() {
    std::string out;
    for (const char* table :
         {"segments", "segment_sizes", "segment_grants", "segment_grant_members", "rfm_thresholds",
          "member_manual_tags", "audit_log", "coupons"}) {
      out += std::string(table) + "=" +
             std::to_string(QueryInt(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
    }
    return out;
  }
  Result<SegmentView> Create(const std::string& name, const FilterNode& filter,
                             const org::Actor* actor = nullptr) {
    return growth_->segments().Create(actor ? *actor : admin_, tree_.brand.brand_id,
                                      {name, Remember(filter)}, kNow);
  }
  coupons::Stock GrantStock(const org::NodePath& brand, int64_t total, int64_t limit) {
    coupons::NewStock s = Cash(brand);
    s.total_quantity = total;
    s.per_member_limit = limit;
    s.channels = {Channel::kGrant};
    return CreateActive(s);
  }
  // A brand-scope analyst (CouponsTest's analyst is scoped at dealer A, below the segments).
  org::Actor BrandAnalyst() { return Staff(org::Role::kAnalyst, tree_.brand); }
  Result<int64_t> RunGrants(int64_t batch = 7) {
    return RunSegmentGrants(db(), tiers_, random_, kNow, batch);
  }
};

FilterNode Deep(int depth) {
  FilterNode node = Tag("rfm_r", "gte", int64_t{4});
  for (int i = 0; i < depth; ++i) node = All({node});
  return node;
}

TEST_P(SegmentTest, BadFiltersAnswerStableCodesAndWriteNothing) {
  const std::string before = GrowthWritten();
  std::vector<FilterNode> many;
  for (int i = 0; i < kMaxFilterClauses + 1; ++i) many.push_back(Manual("t" + std::to_string(i)));
  std::vector<FilterValue> values(kMaxFilterValues + 1, FilterValue(std::string("gold")));
  const std::vector<std::pair<FilterNode, std::string>> cases = {
      {Tag("no_such_tag", "eq", int64_t{1}), "UNKNOWN_TAG"},
      {Tag("rfm_r", "like", int64_t{1}), "INVALID_OP"},
      {Tag("tier", "gte", std::string("gold")), "INVALID_OP"},
      {Tag("rfm_r", "eq", int64_t{6}), "INVALID_VALUE"},
      {Tag("rfm_r", "eq", std::string("5")), "INVALID_VALUE"},
      {Tag("visits_12m", "gte", int64_t{-1}), "INVALID_VALUE"},
      {Tag("tier", "eq", int64_t{1}), "INVALID_VALUE"},
      {Tag("tier", "eq", std::string(65, 'x')), "INVALID_VALUE"},
      {Deep(kMaxFilterDepth + 1), "FILTER_TOO_DEEP"},
      {All(many), "FILTER_TOO_LARGE"},
      {TagIn("tier", "in", values), "FILTER_TOO_LARGE"},
      {All({}), "INVALID_FILTER"},
      {TagIn("tier", "in", {}), "INVALID_FILTER"},
      {TagIn("rfm_r", "gte", {int64_t{1}, int64_t{2}}), "INVALID_FILTER"},
      {Manual(""), "INVALID_TAG_NAME"},
      {Manual(std::string(21, 'x')), "INVALID_TAG_NAME"},
      {Manual("a\nb"), "INVALID_TAG_NAME"},
  };
  for (const auto& [filter, code] : cases) {
    COUPONS_EXPECT_CODE(Create("bad", filter), code);
    COUPONS_EXPECT_CODE(growth_->segments().Preview(admin_, tree_.brand.brand_id, filter), code);
  }
  // At the bounds the grammar accepts.
  COUPONS_ASSERT_OK(ValidateFilter(Deep(kMaxFilterDepth)));
  many.pop_back();
  COUPONS_ASSERT_OK(ValidateFilter(All(many)));
  COUPONS_EXPECT_CODE(Create("", Tag("rfm_r", "eq", int64_t{1})), "INVALID_NAME");
  COUPONS_EXPECT_CODE(Create(std::string(65, 'n'), Tag("rfm_r", "eq", int64_t{1})), "INVALID_NAME");
  // Values never reach the SQL text.
  const FilterNode quote = Manual("x' OR '1'='1");
  std::vector<db::Value> params;
  const std::string sql = FilterSql(quote, 1, params);
  EXPECT_EQ(sql.find("OR '1'"), std::string::npos) << sql;
  EXPECT_EQ(GrowthWritten(), before);
  COUPONS_ASSERT_OK(growth_->segments().Preview(admin_, tree_.brand.brand_id, quote));
}

TEST_P(SegmentTest, ThresholdsAreValidatedAuditedAndScoreTheNextPass) {
  RfmThresholds t;
  t.recency_days = {10, 20, 30, 40};
  RfmThresholds bad = t;
  bad.visits = {3, 3, 4, 5};
  const std::string before = GrowthWritten();
  COUPONS_EXPECT_CODE(growth_->segments().SetThresholds(admin_, tree_.brand.brand_id, bad, kNow),
                      "INVALID_THRESHOLDS");
  bad = t;
  bad.spend_fen = {0, 1, 2, 3};
  COUPONS_EXPECT_CODE(growth_->segments().SetThresholds(admin_, tree_.brand.brand_id, bad, kNow),
                      "INVALID_THRESHOLDS");
  EXPECT_EQ(GrowthWritten(), before);
  EXPECT_EQ(growth_->segments()
                .SetThresholds(BrandAnalyst(), tree_.brand.brand_id, t, kNow)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  COUPONS_ASSERT_OK(growth_->segments().SetThresholds(admin_, tree_.brand.brand_id, t, kNow));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'rfm_thresholds.update' AND "
                     "outcome = 'ok'"),
            1);
  Result<RfmThresholds> read = growth_->segments().Thresholds(BrandAnalyst(), tree_.brand.brand_id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, t);
  // Brand Z still has the defaults.
  Result<RfmThresholds> z = growth_->segments().Thresholds(admin_z_, tree_.brand_z.brand_id);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(*z, RfmThresholds());
  // A member who visited 25 days ago scores 3 under the brand's bounds (5 by the defaults).
  const int64_t member = NewMember(tree_.store_a1);
  COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    return conn
        .Exec("UPDATE members SET last_visit_at = ? WHERE id = ?",
              {db::Value(kNow - 25 * 86400), db::Value(member)})
        .status();
  }));
  ASSERT_TRUE(RunTags().ok());
  EXPECT_EQ(QueryInt("SELECT r_score FROM member_rfm WHERE member_id = ?", {db::Value(member)}), 3);
}

TEST_P(SegmentTest, ManualTagsAreScopedAuditedAndBounded) {
  const int64_t in_a1 = NewMember(tree_.store_a1);
  const int64_t in_c1 = NewMember(tree_.store_c1);
  const int64_t in_z = NewMember(tree_.store_z1);
  TagService& tags = growth_->tags();
  Result<MemberTags> added = tags.Add(dealer_a_manager_, in_a1, "VIP", kNow);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_EQ(added->manual.size(), 1u);
  EXPECT_EQ(added->manual[0].name, "VIP");
  // Adding it again changes nothing.
  ASSERT_TRUE(tags.Add(admin_, in_a1, "VIP", kNow).ok());
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM member_manual_tags WHERE member_id = ?", {db::Value(in_a1)}),
      1);
  const std::string before = GrowthWritten();
  // Outside the dealer's scope, another brand, a clerk, bad names.
  COUPONS_EXPECT_CODE(tags.Add(dealer_a_manager_, in_c1, "VIP", kNow), "MEMBER_NOT_FOUND");
  COUPONS_EXPECT_CODE(tags.Add(admin_z_, in_a1, "VIP", kNow), "MEMBER_NOT_FOUND");
  COUPONS_EXPECT_CODE(tags.Of(admin_, in_z), "MEMBER_NOT_FOUND");
  EXPECT_EQ(tags.Add(clerk_a1_, in_a1, "X", kNow).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(tags.Add(analyst_a_, in_a1, "X", kNow).status().code(), StatusCode::kPermissionDenied);
  COUPONS_EXPECT_CODE(tags.Add(admin_, in_a1, "", kNow), "INVALID_TAG_NAME");
  COUPONS_EXPECT_CODE(tags.Add(admin_, in_a1, " lead", kNow), "INVALID_TAG_NAME");
  COUPONS_EXPECT_CODE(tags.Add(admin_, in_a1, std::string(21, 'x'), kNow), "INVALID_TAG_NAME");
  COUPONS_EXPECT_CODE(tags.Remove(admin_, in_a1, "nope"), "TAG_NOT_FOUND");
  // Refusals by the authorizer are audited as denied; nothing else is written.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM member_manual_tags"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM segments"), 0);
  (void)before;
  // Twenty tags at most; Chinese names count characters.
  for (int i = 1; i < static_cast<int>(TagService::kMaxManualTags); ++i) {
    ASSERT_TRUE(tags.Add(admin_, in_a1, "重要客户" + std::to_string(i), kNow).ok());
  }
  COUPONS_EXPECT_CODE(tags.Add(admin_, in_a1, "one more", kNow), "TOO_MANY_TAGS");
  Result<MemberTags> removed = tags.Remove(admin_, in_a1, "VIP");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->manual.size(), TagService::kMaxManualTags - 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'member_tag.add' AND "
                     "outcome = 'ok'"),
            static_cast<int64_t>(TagService::kMaxManualTags) + 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'member_tag.remove' AND "
                     "outcome = 'ok'"),
            1);
}

TEST_P(SegmentTest, BrandsAndRolesAreIsolated) {
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 3);
  ASSERT_TRUE(RunTags().ok());
  Result<SegmentView> a = Create("all", Tag("rfm_r", "gte", int64_t{1}));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->count, 3);
  const coupons::Stock stock_a = GrantStock(tree_.brand, 100, 1);
  const coupons::Stock stock_z = GrantStock(tree_.brand_z, 100, 1);
  const std::string before = GrowthWritten();
  SegmentService& s = growth_->segments();
  // Another brand's admin: the segment does not exist for them, nor the brand's grants.
  COUPONS_EXPECT_CODE(s.Get(admin_z_, a->segment.id), "SEGMENT_NOT_FOUND");
  COUPONS_EXPECT_CODE(s.Update(admin_z_, a->segment.id, {std::string("x"), std::nullopt}, kNow),
                      "SEGMENT_NOT_FOUND");
  COUPONS_EXPECT_CODE(s.Delete(admin_z_, a->segment.id), "SEGMENT_NOT_FOUND");
  COUPONS_EXPECT_CODE(s.StartGrant(admin_z_, a->segment.id, stock_z.id, "r1", kNow),
                      "SEGMENT_NOT_FOUND");
  EXPECT_EQ(s.List(admin_z_, tree_.brand.brand_id, {}).status().code(), StatusCode::kNotFound);
  // Brand Z's view of its own brand holds none of A's segments.
  Result<PageOf<SegmentView>> z_list = s.List(admin_z_, tree_.brand_z.brand_id, {});
  ASSERT_TRUE(z_list.ok());
  EXPECT_TRUE(z_list->items.empty());
  // A's admin cannot grant brand Z's stock.
  COUPONS_EXPECT_CODE(s.StartGrant(admin_, a->segment.id, stock_z.id, "r2", kNow),
                      "STOCK_NOT_FOUND");
  // Roles: only brand admins write and grant; analysts read; managers and clerks read nothing.
  for (const org::Actor* actor : {&region1_manager_, &dealer_a_manager_, &clerk_a1_}) {
    EXPECT_EQ(s.Get(*actor, a->segment.id).status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(s.StartGrant(*actor, a->segment.id, stock_a.id, "r3", kNow).status().code(),
              StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(s.StartGrant(BrandAnalyst(), a->segment.id, stock_a.id, "r4", kNow).status().code(),
            StatusCode::kPermissionDenied);
  const org::Actor analyst = BrandAnalyst();
  EXPECT_EQ(Create("analyst", Tag("rfm_r", "eq", int64_t{1}), &analyst).status().code(),
            StatusCode::kPermissionDenied);
  // The dealer-scoped analyst does not reach the brand's segments.
  COUPONS_EXPECT_CODE(s.Get(analyst_a_, a->segment.id), "SEGMENT_NOT_FOUND");
  Result<SegmentView> read = s.Get(BrandAnalyst(), a->segment.id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->count, 3);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM segments"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM segment_grants"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 0);
  (void)before;
  (void)members;
}

TEST_P(SegmentTest, AGrantIssuesOncePerMemberAndKeepsTheStockRight) {
  const std::vector<int64_t> members = NewMembers(tree_.store_a1, 30);
  // One member already holds the stock's only coupon per member.
  const coupons::Stock stock = GrantStock(tree_.brand, 25, 1);
  coupons::NewStock claimable = Cash(tree_.brand);
  ASSERT_TRUE(RunTags().ok());
  Result<SegmentView> seg = Create("everyone", Tag("rfm_r", "gte", int64_t{1}));
  ASSERT_TRUE(seg.ok());
  ASSERT_EQ(seg->count, 30);
  // A suspended member is skipped.
  COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
    return conn
        .Exec("UPDATE members SET status = 'suspended' WHERE id = ?", {db::Value(members[3])})
        .status();
  }));
  auto started = growth_->segments().StartGrant(admin_, seg->segment.id, stock.id, "g1", kNow);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_TRUE(started->second);
  EXPECT_EQ(started->first.total, 30);
  EXPECT_EQ(started->first.state, "running");
  // The same request id answers the same grant; with another stock it is refused.
  auto again = growth_->segments().StartGrant(admin_, seg->segment.id, stock.id, "g1", kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->second);
  EXPECT_EQ(again->first.id, started->first.id);
  const coupons::Stock other = GrantStock(tree_.brand, 5, 1);
  COUPONS_EXPECT_CODE(growth_->segments().StartGrant(admin_, seg->segment.id, other.id, "g1", kNow),
                      "REQUEST_ID_REUSED");
  Result<int64_t> granted = RunGrants(7);
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  EXPECT_EQ(*granted, 25);
  Result<SegmentGrant> g = growth_->segments().GetGrant(BrandAnalyst(), started->first.id);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->state, "done");
  EXPECT_EQ(g->granted, 25);
  EXPECT_EQ(g->skipped, 5);  // the suspended member and four sold out
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE stock_id = ?", {db::Value(stock.id)}), 25);
  EXPECT_EQ(QueryInt("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM coupons WHERE stock_id = ? "
                     "GROUP BY member_id) c",
                     {db::Value(stock.id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = ?",
                     {db::Value(stock.id)}),
            25);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons WHERE member_id = ?", {db::Value(members[3])}),
            0);
  // Running again issues nothing more.
  Result<int64_t> rerun = RunGrants(7);
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(*rerun, 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons"), 25);
  (void)claimable;
}

MILEAGE_GROWTH_TEST_SUITE(SegmentTest);

}  // namespace
}  // namespace mileage::growth
