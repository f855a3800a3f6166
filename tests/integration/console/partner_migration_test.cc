// Migration 0020 on a deployment made before it (a partner with its one sealed secret in the
// partners table), on SQLite and MariaDB: the secret becomes the partner's first active secret
// in partner_secrets, the partners table holds no secret any more, and the partner's requests
// signed with that secret pass.
#include <gtest/gtest.h>

#include <memory>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"
#include "crypto/field_cipher.h"
#include "crypto/hex.h"
#include "db/migrate.h"
#include "tests/support/migration_fixture.h"
#include "org/partner_service.h"
#include "server/storage.h"
#include "tests/support/external.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace mileage::testing {
namespace {

constexpr const char* kDataKeyHex =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kKeyId = "pk_0123456789abcdef";
constexpr const char* kSecret = "5f2b8c0d4e6a1b3c7d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";

class Migration0020Test : public MigrationFixture {
 protected:
  void SetUp() override {
    config_.data_key = kDataKeyHex;
    ASSERT_NO_FATAL_FAILURE(OpenBefore(20));
    ASSERT_NO_FATAL_FAILURE(FillTheOldSchema());
  }

  void TearDown() override {
    server_.reset();
    MigrationFixture::TearDown();
  }

  void Exec(const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::PooledConnection> conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    Result<db::ExecResult> done = (*conn)->Exec(sql, params);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
  }

  void FillTheOldSchema() {
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKeyHex);
    ASSERT_TRUE(key.ok());
    crypto::FieldCipher cipher(*key, {}, random_);
    Result<std::string> sealed = cipher.Seal(kSecret, org::PartnerSecretContext(kKeyId));
    ASSERT_TRUE(sealed.ok());
    const int64_t t = 1'700'000'000;
    Exec("INSERT INTO brands (id, name, active, created_at, updated_at) VALUES (1, 'B', 1, ?, ?)",
         {db::Value(t), db::Value(t)});
    Exec(
        "INSERT INTO partners (id, brand_id, name, category, api_key_id, secret_sealed, active, "
        "created_at, updated_at) VALUES (5, 1, 'Fuel Co', 'fuel', ?, ?, 1, ?, ?)",
        {db::Value(std::string(kKeyId)), db::Value(*sealed), db::Value(t), db::Value(t)});
  }

  int64_t Scalar(const std::string& sql) {
    Result<db::PooledConnection> conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
  }

  FakeRandom random_;
  std::unique_ptr<TestServer> server_;
};

TEST_P(Migration0020Test, ThePartnersOneSecretBecomesItsFirstActiveSecret) {
  server::AppOptions options;
  options.clock = &clock_;
  server_ = TestServer::Start(config_, options);
  ASSERT_NE(server_, nullptr);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM partner_secrets WHERE partner_id = 5 AND retired_at = 0 "
                   "AND active_slot = 1 AND created_at = 1700000000"),
            1);
  Result<db::PooledConnection> conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_FALSE((*conn)->Query("SELECT secret_sealed FROM partners").ok())
      << "the partners table holds no secret any more";

  const std::string timestamp = std::to_string(UnixSeconds(clock_.Now()));
  const std::string nonce = "migrated-nonce-0001";
  const std::string canonical = "GET\n/api/partner/v1/me\n" + timestamp + "\n" + nonce + "\n";
  httplib::Headers headers = {
      {"Mileage-Partner-Key", kKeyId},
      {"Mileage-Timestamp", timestamp},
      {"Mileage-Nonce", nonce},
      {"Mileage-Signature", crypto::HexEncode(crypto::HmacSha256(kSecret, canonical))}};
  httplib::Result res = server_->Client()->Get("/api/partner/v1/me", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("\"Fuel Co\""), std::string::npos) << res->body;
}

INSTANTIATE_TEST_SUITE_P(Backends, Migration0020Test,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
