// EarningRuleStore (points/earning_rules.h) on SQLite and MariaDB: versions, the store
// override, the built-in default and bad input.

#include <gtest/gtest.h>

#include "points/earning_rules.h"
#include "tests/contract/points/points_fixture.h"

namespace mileage::points {
namespace {

using testing::Backend;

class EarningRuleStoreTest : public PointsDbTest {
 protected:
  Result<EarningRule> Put(const EarningRule& rule, int64_t now = 100) {
    std::optional<Result<EarningRule>> out;
    Status status = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      EarningRuleStore store(conn);
      out.emplace(store.Put(rule, now));
      return out->ok() ? Status::Ok() : out->status();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }
  Result<EarningRule> Current(int64_t brand, int64_t store_id) {
    Result<db::PooledConnection> conn = db().Acquire();
    if (!conn.ok()) return conn.status();
    return EarningRuleStore(**conn).Current(brand, store_id);
  }
  Result<EarnQuote> Quote(int64_t brand, int64_t store_id, std::string_view tier,
                          int64_t amount_fen) {
    Result<db::PooledConnection> conn = db().Acquire();
    if (!conn.ok()) return conn.status();
    return EarningRuleStore(**conn).Quote(brand, store_id, tier, amount_fen);
  }
  static EarningRule Rule(int64_t brand, int64_t store_id, int64_t rate) {
    EarningRule rule;
    rule.brand_id = brand;
    rule.store_id = store_id;
    rule.points_per_yuan = rate;
    return rule;
  }
};

TEST_P(EarningRuleStoreTest, EachPutIsANewVersion) {
  const int64_t brand = NewBrand("b");
  EarningRule rule = Rule(brand, 0, 2);
  rule.tier_multiplier_percent = {{"gold", 150}, {"platinum", 200}};
  rule.cap_per_payment = 5000;
  Result<EarningRule> first = Put(rule, 100);
  POINTS_ASSERT_OK(first);
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->created_at, 100);

  rule.points_per_yuan = 3;
  Result<EarningRule> second = Put(rule, 200);
  POINTS_ASSERT_OK(second);
  EXPECT_EQ(second->version, 2);
  EXPECT_NE(second->id, first->id);

  Result<EarningRule> current = Current(brand, 0);
  POINTS_ASSERT_OK(current);
  EXPECT_EQ(current->id, second->id);
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->points_per_yuan, 3);
  EXPECT_EQ(current->cap_per_payment, 5000);
  EXPECT_EQ(current->created_at, 200);
  EXPECT_EQ(current->tier_multiplier_percent,
            (std::map<std::string, int64_t>{{"gold", 150}, {"platinum", 200}}));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM earning_rules"), 2);

  Result<EarnQuote> quote = Quote(brand, 0, "gold", 10050);  // 100.5 yuan * 3 = 301 * 1.5
  POINTS_ASSERT_OK(quote);
  EXPECT_EQ(quote->points, 451);
  EXPECT_EQ(quote->rule_id, second->id);
  EXPECT_EQ(quote->rule_version, 2);
}

TEST_P(EarningRuleStoreTest, AStoreRuleOverridesTheBrandRule) {
  const int64_t brand = NewBrand("b");
  POINTS_ASSERT_OK(Put(Rule(brand, 0, 2)));
  Result<EarningRule> store_rule = Put(Rule(brand, 7, 5));
  POINTS_ASSERT_OK(store_rule);
  EXPECT_EQ(store_rule->version, 1);         // versions count per (brand, store)
  POINTS_ASSERT_OK(Put(Rule(brand, 0, 4)));  // a newer brand rule does not beat the store's

  Result<EarningRule> at_store = Current(brand, 7);
  POINTS_ASSERT_OK(at_store);
  EXPECT_EQ(at_store->store_id, 7);
  EXPECT_EQ(at_store->points_per_yuan, 5);
  Result<EarningRule> elsewhere = Current(brand, 8);
  POINTS_ASSERT_OK(elsewhere);
  EXPECT_EQ(elsewhere->store_id, 0);
  EXPECT_EQ(elsewhere->version, 2);
  EXPECT_EQ(elsewhere->points_per_yuan, 4);

  // Another brand's rules never apply.
  const int64_t other = NewBrand("other");
  Result<EarningRule> other_rule = Current(other, 7);
  POINTS_ASSERT_OK(other_rule);
  EXPECT_EQ(other_rule->id, 0);
}

TEST_P(EarningRuleStoreTest, CurrentFallsBackToTheDefault) {
  const int64_t brand = NewBrand("b");
  Result<EarningRule> current = Current(brand, 3);
  POINTS_ASSERT_OK(current);
  EXPECT_EQ(current->id, 0);
  EXPECT_EQ(current->version, 0);
  EXPECT_EQ(current->points_per_yuan, 1);
  EXPECT_EQ(current->cap_per_payment, 0);
  EXPECT_TRUE(current->tier_multiplier_percent.empty());
  Result<EarnQuote> quote = Quote(brand, 3, "gold", 12345);
  POINTS_ASSERT_OK(quote);
  EXPECT_EQ(quote->points, 123);
  EXPECT_EQ(quote->rule_id, 0);
  EXPECT_EQ(quote->rule_version, 0);
}

TEST_P(EarningRuleStoreTest, BadRulesAreRefusedAndWriteNothing) {
  const int64_t brand = NewBrand("b");
  EarningRule negative_rate = Rule(brand, 0, -1);
  EXPECT_EQ(Put(negative_rate).status().code(), StatusCode::kInvalidArgument);
  EarningRule negative_cap = Rule(brand, 0, 1);
  negative_cap.cap_per_payment = -1;
  EXPECT_EQ(Put(negative_cap).status().code(), StatusCode::kInvalidArgument);
  EarningRule negative_multiplier = Rule(brand, 0, 1);
  negative_multiplier.tier_multiplier_percent = {{"gold", -150}};
  EXPECT_EQ(Put(negative_multiplier).status().code(), StatusCode::kInvalidArgument);
  EarningRule bad_tier = Rule(brand, 0, 1);
  bad_tier.tier_multiplier_percent = {{"gold=1,x", 150}};
  EXPECT_EQ(Put(bad_tier).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put(Rule(0, 0, 1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Put(Rule(brand, -1, 1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM earning_rules"), 0);
  // A zero rate is a valid rule: earn nothing.
  Result<EarningRule> zero = Put(Rule(brand, 0, 0));
  POINTS_ASSERT_OK(zero);
  Result<EarnQuote> quote = Quote(brand, 0, "", 100000);
  POINTS_ASSERT_OK(quote);
  EXPECT_EQ(quote->points, 0);
  EXPECT_EQ(quote->rule_version, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, EarningRuleStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::points
