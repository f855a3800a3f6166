// Migration 0032 on a deployment made before it, on SQLite and MariaDB: members who paid get
// first_paid_at (their earliest payment) and its Beijing month-day first_paid_md, members who
// never paid get neither, and birthdays get their generated month-day, so that the greetings
// job finds members who paid or set a birthday before the upgrade.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/testing/fake_clock.h"
#include "db/migrate.h"
#include "server/storage.h"
#include "tests/support/external.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {
namespace {

class Migration0032Test : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    config_ = EmbeddedConfig(dir_);
    if (GetParam() == Backend::kMysql) {
      bool skip = false;
      const std::string url = ExternalServerUrl("MILEAGE_TEST_MYSQL_URL", &skip);
      if (url.empty()) {
        if (skip) GTEST_SKIP() << "MILEAGE_TEST_MYSQL_URL is not set";
        FAIL() << "MILEAGE_TEST_MYSQL_URL is not set";
      }
      Result<std::unique_ptr<PrivateMysqlDatabase>> database = PrivateMysqlDatabase::Create(url);
      ASSERT_TRUE(database.ok()) << database.status().ToString();
      mysql_ = std::move(database).value();
      config_.database = mysql_->url();
    }
    Result<std::unique_ptr<db::Db>> opened = server::OpenDatabase(config_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
    std::vector<db::Migration> before;
    for (const db::Migration& m : db::EmbeddedMigrations(db_->dialect())) {
      if (m.version < 32) before.push_back(m);
    }
    ASSERT_TRUE(db::Migrate(*db_, clock_, before).ok());
  }

  void TearDown() override {
    if (db_ != nullptr) db_->Close();
    db_.reset();
    mysql_.reset();
  }

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

  std::string Text(const std::string& sql) {
    Result<db::PooledConnection> conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return "?";
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    if (!rows.ok() || rows->empty()) return "<none>";
    return (*rows)[0].IsNull(0) ? "NULL" : (*rows)[0].Text(0);
  }

  TempDir dir_;
  FakeClock clock_{TimePoint(std::chrono::seconds(1'795'000'000))};
  Config config_;
  std::unique_ptr<PrivateMysqlDatabase> mysql_;
  std::unique_ptr<db::Db> db_;
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
