// Migration 0032 on a deployment made before it, on SQLite and MariaDB: members who paid get
// first_paid_at (their earliest payment) and its Beijing month-day first_paid_md, members who
// never paid get neither, and birthdays get their generated month-day, so that the greetings
// job finds members who paid or set a birthday before the upgrade.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/migrate.h"
#include "tests/support/migration_fixture.h"

namespace mileage::testing {
namespace {

class Migration0032Test : public MigrationFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenBefore(32)); }

  // The rows a deployment had, written without the org rows they refer to (foreign keys off
  // on this connection: the migration reads only members, payments and profiles).
  void FillTheOldSchema() {
    Result<db::PooledConnection> conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    const bool sqlite = db_->dialect() == db::Dialect::kSqlite;
    auto exec = [&](const std::string& sql, std::vector<db::Value> params = {}) {
      Result<db::ExecResult> done = (*conn)->Exec(sql, params);
      ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
    };
    exec(sqlite ? "PRAGMA foreign_keys = OFF" : "SET FOREIGN_KEY_CHECKS = 0");
    for (int64_t id : {1, 2, 3}) {
      exec(
          "INSERT INTO members (id, brand_id, number, tier, status, enrolled_via, "
          "enrolled_store_id, created_at, updated_at) VALUES (?, 1, ?, 'silver', 'active', "
          "'wechat_pay', 0, 1, 1)",
          {db::Value(id), db::Value("10000000000" + std::to_string(id))});
    }
    // Member 1: 2024-12-31T16:30:00Z is 00:30 on 1 January 2025 in Beijing; a later payment too.
    // Member 2: 2024-02-28T16:10:00Z is 00:10 on 29 February 2024 in Beijing. Member 3: none.
    const std::vector<std::pair<int64_t, int64_t>> paid = {
        {1, 1'740'000'000}, {1, 1'735'662'600}, {2, 1'709'136'600}};
    int n = 0;
    for (const auto& [member, at] : paid) {
      ++n;
      exec(
          "INSERT INTO payment_transactions (transaction_id, merchant_id, brand_id, region_id, "
          "dealer_id, store_id, mchid, appid, out_trade_no, payer_openid, amount_fen, "
          "payer_total_fen, paid_at, member_id, points_earned, rule_version, state, created_at) "
          "VALUES (?, 1, 1, 1, 1, 1, '1900000001', 'wx1', ?, 'o', 100, 100, ?, ?, 0, 0, 'paid', "
          "?)",
          {db::Value("tx" + std::to_string(n)), db::Value("out" + std::to_string(n)), db::Value(at),
           db::Value(member), db::Value(at)});
    }
    exec(
        "INSERT INTO member_profiles (member_id, nickname, birthday, updated_at) VALUES "
        "(1, 'a', '2000-02-29', 1), (2, 'b', NULL, 1)");
    exec(sqlite ? "PRAGMA foreign_keys = ON" : "SET FOREIGN_KEY_CHECKS = 1");
  }
};

TEST_P(Migration0032Test, PaymentsAndBirthdaysBeforeItGetTheirMonthDays) {
  ASSERT_NO_FATAL_FAILURE(FillTheOldSchema());
  ASSERT_TRUE(db::Migrate(*db_, clock_).ok());
  EXPECT_EQ(Text("SELECT first_paid_at FROM members WHERE id = 1"), "1735662600");
  EXPECT_EQ(Text("SELECT first_paid_md FROM members WHERE id = 1"), "01-01");
  EXPECT_EQ(Text("SELECT first_paid_md FROM members WHERE id = 2"), "02-29");
  EXPECT_EQ(Text("SELECT first_paid_at FROM members WHERE id = 3"), "NULL");
  EXPECT_EQ(Text("SELECT first_paid_md FROM members WHERE id = 3"), "NULL");
  EXPECT_EQ(Text("SELECT birthday_md FROM member_profiles WHERE member_id = 1"), "02-29");
  EXPECT_EQ(Text("SELECT birthday_md FROM member_profiles WHERE member_id = 2"), "NULL");
}

INSTANTIATE_TEST_SUITE_P(Backends, Migration0032Test,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
