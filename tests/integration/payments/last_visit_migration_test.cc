// Migration 0034 on a deployment made before it, on SQLite and MariaDB: each member's last visit
// (time and store) is the latest of their payments and coupon redemptions, members with none keep
// NULL and store 0, so that churn and recency see owners who visited before the upgrade.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "db/migrate.h"
#include "tests/support/migration_fixture.h"

namespace mileage::testing {
namespace {

class Migration0034Test : public MigrationFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenBefore(34)); }

  // Rows a deployment had, written without the org rows they refer to (foreign keys off on this
  // connection: the migration reads only members, payments and redemptions).
  void FillTheOldSchema() {
    Result<db::PooledConnection> conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    const bool sqlite = db_->dialect() == db::Dialect::kSqlite;
    auto exec = [&](const std::string& sql, std::vector<db::Value> params = {}) {
      Result<db::ExecResult> done = (*conn)->Exec(sql, params);
      ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
    };
    exec(sqlite ? "PRAGMA foreign_keys = OFF" : "SET FOREIGN_KEY_CHECKS = 0");
    for (int64_t id : {1, 2, 3, 4}) {
      exec(
          "INSERT INTO members (id, brand_id, number, tier, status, enrolled_via, "
          "enrolled_store_id, created_at, updated_at) VALUES (?, 1, ?, 'silver', 'active', "
          "'wechat_pay', 0, 1, 1)",
          {db::Value(id), db::Value("10000000000" + std::to_string(id))});
    }
    // Member 1: payments at stores 11 (latest) and 12; member 2: a payment at store 21, then a
    // redemption at store 22; member 3: only a redemption, at store 31; member 4: nothing.
    const std::vector<std::tuple<int64_t, int64_t, int64_t>> paid = {
        {1, 12, 1'700'000'000}, {1, 11, 1'700'000'500}, {2, 21, 1'700'000'000}};
    int n = 0;
    for (const auto& [member, store, at] : paid) {
      ++n;
      exec(
          "INSERT INTO payment_transactions (transaction_id, merchant_id, brand_id, region_id, "
          "dealer_id, store_id, mchid, appid, out_trade_no, payer_openid, amount_fen, "
          "payer_total_fen, paid_at, member_id, points_earned, rule_version, state, created_at) "
          "VALUES (?, 1, 1, 1, 1, ?, '1900000001', 'wx1', ?, 'o', 100, 100, ?, ?, 0, 0, 'paid', "
          "?)",
          {db::Value("tx" + std::to_string(n)), db::Value(store),
           db::Value("out" + std::to_string(n)), db::Value(at), db::Value(member), db::Value(at)});
    }
    const std::vector<std::tuple<int64_t, int64_t, int64_t>> redeemed = {{2, 22, 1'700'000'900},
                                                                         {3, 31, 1'700'000'100}};
    for (const auto& [member, store, at] : redeemed) {
      ++n;
      exec(
          "INSERT INTO coupon_redemptions (brand_id, coupon_id, stock_id, member_id, region_id, "
          "dealer_id, store_id, request_id, order_amount_fen, discount_fen, created_at) VALUES "
          "(1, ?, 1, ?, 1, 1, ?, ?, 0, 0, ?)",
          {db::Value(int64_t{n}), db::Value(member), db::Value(store),
           db::Value("r" + std::to_string(n)), db::Value(at)});
    }
    exec(sqlite ? "PRAGMA foreign_keys = ON" : "SET FOREIGN_KEY_CHECKS = 1");
  }
};

TEST_P(Migration0034Test, PaymentsAndRedemptionsBeforeItGiveTheLastVisit) {
  ASSERT_NO_FATAL_FAILURE(FillTheOldSchema());
  ASSERT_TRUE(db::Migrate(*db_, clock_).ok());
  auto last = [&](int member) {
    const std::string where = " FROM members WHERE id = " + std::to_string(member);
    return Text("SELECT last_visit_at" + where) + "@" + Text("SELECT last_visit_store_id" + where);
  };
  EXPECT_EQ(last(1), "1700000500@11");
  EXPECT_EQ(last(2), "1700000900@22");
  EXPECT_EQ(last(3), "1700000100@31");
  EXPECT_EQ(last(4), "NULL@0");
}

INSTANTIATE_TEST_SUITE_P(Backends, Migration0034Test,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
