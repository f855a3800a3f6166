// Merchant API private keys (org::MerchantService::SetApiKey and OpenApiKey; docs/API.md,
// "WeChat Pay merchants"): who may register one, how the key is checked, that it is stored
// sealed (bound to the merchant and the data key) and opens to the same key, and that the
// console shows its serial and never the key. Every refusal writes no key.
#include "crypto/field_cipher.h"
#include "crypto/rsa.h"
#include "org/merchant_store.h"
#include "tests/integration/console/console_fixture.h"
#include "tests/support/data_keys.h"

namespace mileage::testing {
namespace {

// The merchant certificate and its private key of WeChat Pay's Java SDK tests (RSA-2048).
constexpr const char* kSerial = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115";
constexpr const char* kOtherSerial = "0A1B2C3D4E5F";

// An RSA-1024 private key: too short for WeChat Pay (and for Mileage).
constexpr const char* kShortPrivateKey = R"(-----BEGIN RSA PRIVATE KEY-----
MIICWwIBAAKBgQDGr21YZ0nnd7or4Xk05QNE5IV1eCdUQeWhJhisoKBLDaiCT7Ek
6+oIHh8VkZzq8AYmutMWW/3l8xJJPbjGsye0WO3c39tSOV9Ray3hd8ejNUXlXyM9
mJB2iFGBqTS1RFtzma/fhh8LOnzWD53BUtAL7JoMUF1zNmiBIx9j8JufkwIDAQAB
AoGAcgLipTMIJqn+jAWjjuXHnXXg24qqTuBNi86XpB+8O7VHuBdQ2JYDwsq+HZtk
RzCa5wiX7qG1LYnxOVQQvvy5T/GQtvLdUWFVSKimGEriKxE2KC31JxmiqIw7iimQ
tKpJQWo5dC6+UueCZNOVdUc8ukNAfgluzx8cvZ4g178IvmkCQQDzQLPz4J5y+D0a
kq7gmQwVUJrtMcpdD93Kzb55UY8XQnAnnbjpDAVDRpmZY27vV7TQXcdoQ4e+64cG
s8aZstpFAkEA0RjXEwmWiJFkqwPRi/CqSN5AnxflpKmKfJYsYPDyIoURHjobSPQp
YohndN8JooMNLU2HxlMjQK1dXkp6USrb9wJARfrpSlHmg6DSw2BLmyWsij1ENNTM
KPW1kvCZyYEjL0fXyC3h0nm40d/vtGcctRKAXCl+gopa9RwBHnZ9vh3sGQJAE6gj
J+4B0crhTNZqD57LU1hZeNtVQlqR405205IzIR2jU1UhFYWmklXCbBE/paBuT7D3
L6THLqBdo6yavSCrVwJAJaRKfLXgsFWGMg4TI5QZ9rcTXoDNMMehT0EI18fcd4Af
Wd232pi/Wy0c4bAB/98GgHb/9oa/obxPkk8s5amd9g==
-----END RSA PRIVATE KEY-----
)";

class ConsoleMerchantApiKeysTest : public ConsoleTest {
 protected:
  std::string MerchantKey() const {
    return WechatPayNotifier::Testdata("java_merchant_private_key.pem");
  }
  // The public key of MerchantKey(), from its certificate (not from the key under test).
  crypto::RsaPublicKey MerchantPublicKey() const {
    Result<crypto::Certificate> certificate =
        crypto::ParseCertificatePem(WechatPayNotifier::Testdata("java_merchant_certificate.pem"));
    EXPECT_TRUE(certificate.ok()) << certificate.status().ToString();
    EXPECT_EQ(certificate->serial, kSerial);
    return certificate->public_key;
  }

  org::Actor Staff(const std::string& username, org::Role role, const org::NodePath& scope) {
    return org::Actor::ForStaff(org::Principal{tree_.staff.at(username), username, role, scope},
                                "test", "127.0.0.1");
  }
  org::NodePath StoreOf(int64_t merchant_id) {
    Result<org::Merchant> merchant = org().merchants().Get(org::Actor::System("test"), merchant_id);
    EXPECT_TRUE(merchant.ok()) << merchant.status().ToString();
    return merchant.ok() ? merchant->store : org::NodePath{};
  }

  // The stored row of the merchant's key: serial and sealed text ("" when none).
  std::pair<std::string, std::string> StoredKey(int64_t merchant_id) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    Result<std::optional<org::SealedApiKey>> found =
        org::MerchantStore(**conn).FindApiKey(merchant_id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    if (!found.ok() || !found->has_value()) return {};
    return {(*found)->serial, (*found)->key_sealed};
  }
  int64_t KeyRows() {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    Result<std::vector<db::Row>> rows = (*conn)->Query("SELECT COUNT(*) FROM merchant_api_keys");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  // True when `key` signs what the merchant certificate's public key verifies.
  bool IsMerchantKey(const crypto::RsaPrivateKey& key) {
    const std::string message = "wx8888888888888888\n1700000000\nnonce\nprepay_id=wx1\n";
    Result<std::string> signature = key.SignSha256(message);
    EXPECT_TRUE(signature.ok()) << signature.status().ToString();
    return signature.ok() && MerchantPublicKey().VerifySha256(message, *signature);
  }
};

TEST_P(ConsoleMerchantApiKeysTest, BrandAdminsSetTheKeyWhichOpensAndShowsOnlyItsSerial) {
  const org::Actor admin =
      Staff("admin", org::Role::kBrandAdmin, org::NodePath::Brand(tree_.brand));
  Reply before = Get("/api/console/merchants/" + std::to_string(tree_.merchant_a1), Token("admin"));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_TRUE(before.json["api_key_serial"].IsNull());
  Result<std::optional<org::MerchantApiKey>> none = org().merchants().OpenApiKey(kMchid);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());

  Result<org::Merchant> set = org().merchants().SetApiKey(admin, kMchid, kSerial, MerchantKey());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->api_key_serial, std::optional<std::string>(kSerial));
  EXPECT_EQ(set->id, tree_.merchant_a1);

  // Stored sealed: neither the PEM nor its base64 body is in the row.
  const auto [serial, sealed] = StoredKey(tree_.merchant_a1);
  EXPECT_EQ(serial, kSerial);
  EXPECT_TRUE(sealed.starts_with("v1.")) << sealed;
  EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(sealed.find(MerchantKey().substr(200, 40)), std::string::npos);

  Result<std::optional<org::MerchantApiKey>> opened = org().merchants().OpenApiKey(kMchid);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_TRUE(opened->has_value());
  EXPECT_EQ((*opened)->serial, kSerial);
  EXPECT_TRUE(IsMerchantKey((*opened)->key));

  // The console (read and list) shows the serial, never the key; the other merchant has none.
  const std::string key_text = MerchantKey().substr(200, 40);
  Reply read = Get("/api/console/merchants/" + std::to_string(tree_.merchant_a1), Token("admin"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_STREQ(read.json["api_key_serial"].GetString(), kSerial);
  EXPECT_EQ(read.body.find(key_text), std::string::npos);
  Reply list = Get("/api/console/merchants?page_size=100", Token("admin"));
  ASSERT_EQ(list.status, 200) << list.body;
  int shown = 0;
  for (const auto& item : list.json["items"].GetArray()) {
    if (item["id"].GetInt64() == tree_.merchant_a1) {
      EXPECT_STREQ(item["api_key_serial"].GetString(), kSerial);
      ++shown;
    } else {
      EXPECT_TRUE(item["api_key_serial"].IsNull());
    }
  }
  EXPECT_EQ(shown, 1);
  EXPECT_EQ(list.body.find(key_text), std::string::npos);

  // Audited with the serial, never the key.
  Reply audit = Get("/api/console/audit?page_size=1", Token("admin"));
  ASSERT_EQ(audit.status, 200) << audit.body;
  ASSERT_EQ(audit.json["items"].Size(), 1u);
  EXPECT_STREQ(audit.json["items"][0]["action"].GetString(), "merchant.api_key_set");
  EXPECT_NE(audit.body.find(kSerial), std::string::npos) << audit.body;
  EXPECT_EQ(audit.body.find(key_text), std::string::npos);
}

TEST_P(ConsoleMerchantApiKeysTest, SettingAgainReplacesTheKeyInPlace) {
  const org::Actor op = org::Actor::System("test");
  ASSERT_TRUE(org().merchants().SetApiKey(op, kMchid, kSerial, MerchantKey()).ok());
  const std::string other_key = WechatPayNotifier::Testdata("go_test_private_key.pem");
  Result<org::Merchant> rotated = org().merchants().SetApiKey(op, kMchid, kOtherSerial, other_key);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(rotated->api_key_serial, std::optional<std::string>(kOtherSerial));
  EXPECT_EQ(KeyRows(), 1);
  Result<std::optional<org::MerchantApiKey>> opened = org().merchants().OpenApiKey(kMchid);
  ASSERT_TRUE(opened.ok() && opened->has_value()) << opened.status().ToString();
  EXPECT_EQ((*opened)->serial, kOtherSerial);
  EXPECT_FALSE(IsMerchantKey((*opened)->key));  // the Go SDK's key now, not the Java one
}

TEST_P(ConsoleMerchantApiKeysTest, BadKeysAndSerialsAreRefusedAndWriteNothing) {
  const org::Actor op = org::Actor::System("test");
  const std::map<std::string, int64_t> rows = RowCounts();
  struct Case {
    std::string mchid, serial, pem, reason;
  };
  const std::string certificate = WechatPayNotifier::Testdata("java_merchant_certificate.pem");
  const std::string public_key = WechatPayNotifier::Testdata("java_wechat_pay_public_key.pem");
  const std::string key = MerchantKey();
  for (const Case& c : std::vector<Case>{
           {kMchid, kSerial, kShortPrivateKey, "INVALID_MERCHANT_KEY"},
           {kMchid, kSerial, certificate, "INVALID_MERCHANT_KEY"},
           {kMchid, kSerial, public_key, "INVALID_MERCHANT_KEY"},
           {kMchid, kSerial, "not a key", "INVALID_MERCHANT_KEY"},
           {kMchid, kSerial, "", "INVALID_MERCHANT_KEY"},
           {kMchid, kSerial, key.substr(0, key.size() / 2), "INVALID_MERCHANT_KEY"},
           {kMchid, kSerial, key + std::string(17000, '\n'), "INVALID_MERCHANT_KEY"},
           {kMchid, "", key, "INVALID_FIELD"},
           {kMchid, "5F1C72E2-A893", key, "INVALID_FIELD"},
           {kMchid, "XYZ", key, "INVALID_FIELD"},
           {kMchid, std::string(65, 'A'), key, "INVALID_FIELD"},
           {"19000x", kSerial, key, "INVALID_FIELD"},
           {"1900009999", kSerial, key, "MERCHANT_UNKNOWN"},
       }) {
    Result<org::Merchant> set = org().merchants().SetApiKey(op, c.mchid, c.serial, c.pem);
    ASSERT_FALSE(set.ok()) << c.mchid << " " << c.serial;
    EXPECT_EQ(set.status().reason(), c.reason)
        << c.mchid << " " << c.serial << ": " << set.status().ToString();
  }
  EXPECT_EQ(KeyRows(), 0);
  EXPECT_EQ(RowCounts(), rows);  // not even an audit record
}

TEST_P(ConsoleMerchantApiKeysTest, OnlyTheBrandAdminOrTheOperatorMaySetIt) {
  const std::map<std::string, int64_t> rows = RowCounts();
  const org::NodePath a1 = StoreOf(tree_.merchant_a1);
  const org::NodePath b1 = StoreOf(tree_.merchant_b1);
  // In scope with a role that may not write merchants: 403.
  for (const auto& [username, role] : std::vector<std::pair<std::string, org::Role>>{
           {"clerk_a1", org::Role::kStoreClerk}, {"analyst_brand", org::Role::kAnalyst}}) {
    const org::NodePath scope =
        role == org::Role::kAnalyst ? org::NodePath::Brand(tree_.brand) : a1;
    Result<org::Merchant> set =
        org().merchants().SetApiKey(Staff(username, role, scope), kMchid, kSerial, MerchantKey());
    ASSERT_FALSE(set.ok()) << username;
    EXPECT_EQ(set.status().code(), StatusCode::kPermissionDenied) << set.status().ToString();
  }
  // Out of scope: the merchant answers as unknown.
  Result<org::Merchant> hidden = org().merchants().SetApiKey(
      Staff("clerk_b1", org::Role::kStoreClerk, b1), kMchid, kSerial, MerchantKey());
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().reason(), "MERCHANT_UNKNOWN");
  Result<org::Merchant> nobody =
      org().merchants().SetApiKey(org::Actor{}, kMchid, kSerial, MerchantKey());
  EXPECT_FALSE(nobody.ok());

  EXPECT_EQ(KeyRows(), 0);
  // The refusals leave their "denied" audit records only.
  std::map<std::string, int64_t> after = RowCounts();
  EXPECT_GE(after["audit_log"], rows.at("audit_log"));
  after["audit_log"] = rows.at("audit_log");
  EXPECT_EQ(after, rows);
  Reply read = Get("/api/console/merchants/" + std::to_string(tree_.merchant_a1), Token("admin"));
  EXPECT_TRUE(read.json["api_key_serial"].IsNull()) << read.body;
}

TEST_P(ConsoleMerchantApiKeysTest, TheSealedKeyOpensOnlyWithItsDataKeyAndForItsMerchant) {
  ASSERT_TRUE(
      org().merchants().SetApiKey(org::Actor::System("test"), kMchid, kSerial, MerchantKey()).ok());
  // Another deployment's data key: the sealed key does not open.
  FakeRandom random(3);
  const crypto::DataKey other_key = FilledDataKey(0x42);
  const crypto::FieldCipher other_cipher(other_key, {}, random);
  org::MerchantService other(server_->app().db(), clock_, org().authorizer(), org().writer(),
                             other_cipher);
  Result<std::optional<org::MerchantApiKey>> foreign = other.OpenApiKey(kMchid);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kFailedPrecondition);

  // Copied to another merchant's row, it does not open there either (bound to the mchid).
  const auto [serial, sealed] = StoredKey(tree_.merchant_a1);
  {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Exec("INSERT INTO merchant_api_keys (merchant_id, serial, key_sealed, "
                           "updated_at) VALUES (?, ?, ?, 0)",
                           {db::Value(tree_.merchant_b1), db::Value(serial), db::Value(sealed)})
                    .ok());
  }
  Result<std::optional<org::MerchantApiKey>> copied = org().merchants().OpenApiKey(kOtherMchid);
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(copied.status().reason(), "CIPHERTEXT_REJECTED");

  Result<std::optional<org::MerchantApiKey>> unknown = org().merchants().OpenApiKey("1900009999");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().reason(), "MERCHANT_UNKNOWN");
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleMerchantApiKeysTest);

}  // namespace
}  // namespace mileage::testing
