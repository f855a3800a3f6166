// Migration 0010 on a deployment made before it (schema 0007 with merchants, platform keys and
// a recorded notification), on SQLite and MariaDB: existing merchants keep working because their
// appids become their brands' apps, an appid that two brands used stays with the first, and the
// notification inbox keeps its records (now per merchant).
#include <gtest/gtest.h>

#include <memory>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "db/migrate.h"
#include "tests/support/migration_fixture.h"
#include "org/merchant_service.h"
#include "server/storage.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/support/external.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "tests/support/wechatpay_notifier.h"
#include "wechat/pay/transaction.h"

namespace mileage::testing {
namespace {

constexpr const char* kDataKeyHex =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kSameBrandMchid = "1900000003";
constexpr const char* kBrand2OwnMchid = "1900000004";
constexpr const char* kBrand2Appid = "wx2222222222222222";

class Migration0010Test : public MigrationFixture {
 protected:
  void SetUp() override {
    config_.data_key = kDataKeyHex;
    ASSERT_NO_FATAL_FAILURE(OpenBefore(8));
    ASSERT_NO_FATAL_FAILURE(FillTheOldSchema());
  }

  void TearDown() override {
    server_.reset();
    MigrationFixture::TearDown();
  }

  void Exec(db::Connection& conn, const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::ExecResult> done = conn.Exec(sql, params);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
  }

  // Brand 1 (store 1): merchants kMchid and kSameBrandMchid, both with kAppid. Brand 2 (store 2):
  // kOtherMchid, registered later with the same kAppid, and kBrand2OwnMchid with its own appid.
  void FillTheOldSchema() {
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKeyHex);
    ASSERT_TRUE(key.ok());
    crypto::FieldCipher cipher(*key, {}, random_);
    Result<db::PooledConnection> conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    const int64_t t = 1'700'000'000;
    for (int64_t id : {1, 2}) {
      Exec(**conn,
           "INSERT INTO brands (id, name, active, created_at, updated_at) VALUES (?, 'B', 1, ?, ?)",
           {db::Value(id), db::Value(t), db::Value(t)});
      Exec(**conn,
           "INSERT INTO regions (id, brand_id, name, active, created_at, updated_at) "
           "VALUES (?, ?, 'R', 1, ?, ?)",
           {db::Value(id), db::Value(id), db::Value(t), db::Value(t)});
      Exec(**conn,
           "INSERT INTO dealers (id, brand_id, region_id, name, active, created_at, updated_at) "
           "VALUES (?, ?, ?, 'D', 1, ?, ?)",
           {db::Value(id), db::Value(id), db::Value(id), db::Value(t), db::Value(t)});
      Exec(
          **conn,
          "INSERT INTO stores (id, brand_id, region_id, dealer_id, name, active, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, 'S', 1, ?, ?)",
          {db::Value(id), db::Value(id), db::Value(id), db::Value(id), db::Value(t), db::Value(t)});
    }
    struct Old {
      int64_t id;
      int64_t brand;
      std::string mchid;
      std::string appid;
    };
    for (const Old& m :
         {Old{1, 1, kMchid, kAppid}, Old{2, 2, kOtherMchid, kAppid},
          Old{3, 1, kSameBrandMchid, kAppid}, Old{4, 2, kBrand2OwnMchid, kBrand2Appid}}) {
      Result<std::string> sealed = cipher.Seal(kApiV3Key, org::ApiV3KeyContext(m.mchid));
      ASSERT_TRUE(sealed.ok());
      Exec(**conn,
           "INSERT INTO merchants (id, brand_id, region_id, dealer_id, store_id, mchid, appid, "
           "apiv3_key_sealed, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, "
           "?, ?)",
           {db::Value(m.id), db::Value(m.brand), db::Value(m.brand), db::Value(m.brand),
            db::Value(m.brand), db::Value(m.mchid), db::Value(m.appid), db::Value(*sealed),
            db::Value(t + m.id), db::Value(t + m.id)});
      for (const org::PlatformKey& k : WechatPayNotifier::PlatformKeys()) {
        Exec(**conn,
             "INSERT INTO merchant_platform_keys (merchant_id, serial, pem, created_at) "
             "VALUES (?, ?, ?, ?)",
             {db::Value(m.id), db::Value(k.serial), db::Value(k.pem), db::Value(t)});
      }
    }
    Exec(**conn,
         "INSERT INTO payment_notifications (id, mchid, event_type, resource_ref, received_at) "
         "VALUES ('N-old', ?, 'TRANSACTION.SUCCESS', '4200000000000000000000000000', ?)",
         {db::Value(std::string(kMchid)), db::Value(t)});
  }

  void StartServer() {
    server::AppOptions options;
    options.clock = &clock_;
    server_ = TestServer::Start(config_, options);
    ASSERT_NE(server_, nullptr);
    notifier_ = std::make_unique<WechatPayNotifier>(clock_, random_);
  }

  int64_t Scalar(const std::string& sql) {
    Result<db::PooledConnection> conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
  }

  // A paid notification of `mchid` through `appid` with notification id `id`.
  int Pay(const std::string& mchid, const std::string& appid, const std::string& id,
          const std::string& transaction_id, std::string* body = nullptr) {
    wechat::pay::Transaction t;
    t.appid = appid;
    t.mchid = mchid;
    t.out_trade_no = "OUT" + transaction_id;
    t.transaction_id = transaction_id;
    t.trade_type = "JSAPI";
    t.trade_state = wechat::pay::TradeState::kSuccess;
    t.trade_state_desc = "ok";
    t.bank_type = "OTHERS";
    t.success_time = clock_.Now();
    t.payer_openid = "openid-" + transaction_id;
    t.amount = {1000, 1000, "CNY", "CNY"};
    httplib::Result res = WechatPayNotifier::Post(
        *server_->Client(), notifier_->Sign(wechat::pay::TransactionNotificationSpec(id, t)),
        mchid);
    EXPECT_TRUE(res);
    if (!res) return 0;
    if (body != nullptr) *body = res->body;
    return res->status;
  }

  FakeRandom random_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<WechatPayNotifier> notifier_;
};

TEST_P(Migration0010Test, ExistingMerchantsKeepWorkingUnderTheirBrandsApps) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM brand_apps"), 2);
  EXPECT_EQ(Scalar(std::string("SELECT brand_id FROM brand_apps WHERE appid = '") + kAppid + "'"),
            1);
  EXPECT_EQ(
      Scalar(std::string("SELECT brand_id FROM brand_apps WHERE appid = '") + kBrand2Appid + "'"),
      2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM merchant_platform_keys WHERE retired_at = 0"), 8);

  EXPECT_EQ(Pay(kMchid, kAppid, "N-1", "4200000000000000000000000001"), 204);
  EXPECT_EQ(Pay(kSameBrandMchid, kAppid, "N-3", "4200000000000000000000000003"), 204);
  EXPECT_EQ(Pay(kBrand2OwnMchid, kBrand2Appid, "N-4", "4200000000000000000000000004"), 204);
  // The appid brand 2 shared with brand 1 stays brand 1's.
  std::string body;
  EXPECT_EQ(Pay(kOtherMchid, kAppid, "N-2", "4200000000000000000000000002", &body), 401);
  EXPECT_NE(body.find("APPID_NOT_REGISTERED"), std::string::npos) << body;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), 3);

  // The inbox kept its record: the old notification is still a duplicate for its merchant, and
  // its id is free for another merchant.
  const int64_t transactions = Scalar("SELECT COUNT(*) FROM payment_transactions");
  EXPECT_EQ(Pay(kMchid, kAppid, "N-old", "4200000000000000000000000005"), 204);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), transactions);
  EXPECT_EQ(Pay(kSameBrandMchid, kAppid, "N-old", "4200000000000000000000000006"), 204);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), transactions + 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_notifications WHERE id = 'N-old'"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, Migration0010Test,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
