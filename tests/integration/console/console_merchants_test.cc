// WeChat Pay merchants and brand apps over HTTP (docs/API.md, "WeChat Pay merchants", "Brand
// apps"): who may register merchants and change their keys (brand admins only), how keys are
// checked at registration, adding and retiring keys, deactivating merchants, and the apps a
// brand registers. Every refusal writes nothing (a 403/404 only its "denied" audit record).
#include <set>

#include "crypto/rsa.h"
#include "tests/integration/console/console_fixture.h"
#include "tests/integration/console/merchant_bodies.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/transaction.h"
#include "wechat/sandbox/key_material.h"

namespace mileage::testing {
namespace {

// An RSA-1024 public key: too short for WeChat Pay (and for Mileage).
constexpr const char* kShortPublicKey = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDAXWG/E+OiPnQQzpOjU0cMy8ic
LBgkSr3OHR/gIsNM9oDJtWuZZqt4ynMX6ImO521ed87B/in5osjOMYGhsnh7Zpka
+7TeTSQwArjhsf6S8oRX+0RrPL+LnG6ZURj9H7daSgwPMFw8dUmU5AACvkbKz+0Q
Zl9g5pMTTJbGHjf6JwIDAQAB
-----END PUBLIC KEY-----
)";

class ConsoleMerchantsTest : public ConsoleTest {
 protected:
  std::string MerchantPath(int64_t id, const std::string& rest = "") const {
    return "/api/console/merchants/" + std::to_string(id) + rest;
  }
  std::string StoreMerchants(int64_t store) const {
    return "/api/console/stores/" + std::to_string(store) + "/merchants";
  }
  std::string Certificate() const { return WechatPayNotifier::PlatformKeys()[0].pem; }
  std::string PublicKey() const { return TestPublicKey().second; }

  // A payment notification posted to merchant `mchid` as WeChat would (no assertion).
  httplib::Result PostPayment(const std::string& mchid, const std::string& transaction_id,
                              const std::string& serial = kCertificateSerial) {
    PaymentSpec spec{transaction_id, "openid-" + transaction_id, 10000, mchid};
    return WechatPayNotifier::Post(*server_->Client(), notifier_->Payment(spec, serial), mchid);
  }

  // The "code" or "message" of a notification answer.
  static std::string Message(const httplib::Result& res) {
    rapidjson::Document doc;
    doc.Parse(res->body.c_str());
    return doc.IsObject() && doc.HasMember("message") ? doc["message"].GetString() : res->body;
  }

  // The newest audit record's action and outcome.
  std::pair<std::string, std::string> NewestAudit() {
    Reply audit = Get("/api/console/audit?page_size=1", Token("admin"));
    EXPECT_EQ(audit.status, 200) << audit.body;
    if (audit.status != 200 || audit.json["items"].Empty()) return {};
    const auto& item = audit.json["items"][0];
    return {item["action"].GetString(), item["outcome"].GetString()};
  }
};

TEST_P(ConsoleMerchantsTest, BrandAdminsRegisterMerchantsWhoseKeyIsNeverShown) {
  const std::string& token = Token("admin");
  const std::string body =
      MerchantJson("1900000109", kAppid, {{kCertificateSerial, Certificate()}, TestPublicKey()});
  Reply created = Post(StoreMerchants(tree_.store_a2), token, body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find(kApiV3Key), std::string::npos);
  ASSERT_EQ(created.json["platform_keys"].Size(), 2u);
  EXPECT_EQ(created.json["store_id"].GetInt64(), tree_.store_a2);
  // Keys sort by serial: the certificate's expiry is shown, the public key has none.
  EXPECT_STREQ(created.json["platform_keys"][0]["expires_at"].GetString(), "2045-01-01T00:00:00Z");
  EXPECT_TRUE(created.json["platform_keys"][1]["expires_at"].IsNull());
  EXPECT_TRUE(created.json["platform_keys"][0]["retired_at"].IsNull());
  Reply read = Get(MerchantPath(created.json["id"].GetInt64()), token);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body.find(kApiV3Key), std::string::npos);
  EXPECT_EQ(read.body.find("apiv3"), std::string::npos);
  EXPECT_EQ(NewestAudit(), std::make_pair(std::string("merchant.create"), std::string("ok")));

  // The key is stored sealed, and opens for the payment path with the brand's apps.
  Result<org::MerchantCredentials> credentials = org().merchants().Credentials("1900000109");
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->apiv3_key, kApiV3Key);
  EXPECT_EQ(credentials->brand_appids, std::vector<std::string>{kAppid});
  {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto rows = (*conn)->Query("SELECT apiv3_key_sealed FROM merchants WHERE mchid = '1900000109'");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].Text(0).find(kApiV3Key), std::string::npos);
    EXPECT_EQ((*rows)[0].Text(0).rfind("v1.", 0), 0u);
  }

  const auto before = RowCounts();
  Reply duplicate = Post(StoreMerchants(tree_.store_a1), token, body);
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_EQ(duplicate.code(), "MERCHANT_EXISTS");
  EXPECT_EQ(RowCounts(), before) << "a duplicate mchid writes nothing";

  const std::string key = R"("platform_keys":[)" + PlatformKeyJson(kPublicKeyId, PublicKey());
  for (
      const std::string& bad :
      {R"({"mchid":"19x","appid":"wx1","apiv3_key":"0123456789abcdefghijklmnopqrstuv",)" + key +
           "]}",
       R"({"mchid":"1900000110","appid":"wx1","apiv3_key":"short",)" + key + "]}",
       std::string(
           R"({"mchid":"1900000110","appid":"wx1","apiv3_key":"0123456789abcdefghijklmnopqrstuv","platform_keys":[]})"),
       std::string(
           R"({"mchid":"1900000110","appid":"wx1","apiv3_key":"0123456789abcdefghijklmnopqrstuv","platform_keys":[{"serial":"S","pem":"x"}]})"),
       R"({"mchid":"1900000110","appid":"wx1","apiv3_key":"0123456789abcdefghijklmnopqrstuv",)" +
           key + "," + PlatformKeyJson(kPublicKeyId, PublicKey()) + "]}",
       std::string(
           R"({"mchid":"1900000110","appid":"wx1","apiv3_key":"0123456789abcdefghijklmnopqrstuv","platform_keys":"S"})")}) {
    Reply reply = Post(StoreMerchants(tree_.store_a2), token, bad);
    EXPECT_EQ(reply.status, 400) << bad;
    EXPECT_EQ(reply.code(), "INVALID_FIELD") << bad << " " << reply.body;
  }
  EXPECT_EQ(RowCounts(), before);
}

// Keys are parsed at registration: a key that could never verify is 400 with a stable code,
// not a merchant whose every notification fails for 24 hours. Nothing is written.
TEST_P(ConsoleMerchantsTest, RegistrationRefusesUnusableKeysWithStableCodes) {
  const std::string& token = Token("admin");
  struct Case {
    const char* name;
    std::string serial;
    std::string pem;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"not a certificate", kCertificateSerial,
       "-----BEGIN CERTIFICATE-----\nMIIBIjANBgkq\n-----END CERTIFICATE-----\n",
       "INVALID_PLATFORM_KEY"},
      {"not a public key", kPublicKeyId,
       "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----\n",
       "INVALID_PLATFORM_KEY"},
      {"RSA-1024", kPublicKeyId, kShortPublicKey, "INVALID_PLATFORM_KEY"},
      {"a certificate whose serial is another", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
       Certificate(), "PLATFORM_KEY_SERIAL_MISMATCH"},
      {"an expired certificate", kCertificateSerial, WechatPayNotifier::ExpiredCertificatePem(),
       "PLATFORM_KEY_EXPIRED"},
      {"a public key id with a certificate", kPublicKeyId, Certificate(), "INVALID_PLATFORM_KEY"},
      {"a certificate serial with a public key", kCertificateSerial, PublicKey(),
       "INVALID_PLATFORM_KEY"},
      {"a malformed public key id", "PUB_KEY_ID_12ab", PublicKey(), "INVALID_PLATFORM_KEY"},
  };
  const auto before = RowCounts();
  for (const Case& c : cases) {
    // Alone, and beside a good key: either way nothing is registered.
    for (const auto& keys :
         {std::vector<std::pair<std::string, std::string>>{{c.serial, c.pem}},
          std::vector<std::pair<std::string, std::string>>{
              {"PUB_KEY_ID_0114232134912410000000000777", PublicKey()}, {c.serial, c.pem}}}) {
      Reply reply =
          Post(StoreMerchants(tree_.store_a2), token, MerchantJson("1900000111", kAppid, keys));
      EXPECT_EQ(reply.status, 400) << c.name << ": " << reply.body;
      EXPECT_EQ(reply.code(), c.code) << c.name << ": " << reply.body;
    }
    Reply added = Post(
        MerchantPath(tree_.merchant_a1, "/platform-keys"), token,
        PlatformKeyJson(
            c.serial == kPublicKeyId || c.serial == kCertificateSerial ? c.serial + "0" : c.serial,
            c.pem));
    EXPECT_EQ(added.status, 400) << c.name << ": " << added.body;
  }
  EXPECT_EQ(RowCounts(), before);
  // The 1024-bit key's answer says why.
  Reply short_key = Post(StoreMerchants(tree_.store_a2), token,
                         MerchantJson("1900000111", kAppid, {{kPublicKeyId, kShortPublicKey}}));
  EXPECT_NE(short_key.body.find("2048"), std::string::npos) << short_key.body;
}

// The appid must be an active app of the store's brand; another brand's app answers as an
// unknown one.
TEST_P(ConsoleMerchantsTest, AMerchantsAppidMustBeAnAppOfItsBrand) {
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> other = org().hierarchy().CreateBrand(op, "Other brand");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(
      org().apps().Create(op, other->path.id(), {"wx7777777777777777", "app", "Other", ""}).ok());
  const std::string& token = Token("admin");
  const auto before = RowCounts();
  Reply foreign = Post(StoreMerchants(tree_.store_a2), token,
                       MerchantJson("1900000112", "wx7777777777777777", {TestPublicKey()}));
  Reply unknown = Post(StoreMerchants(tree_.store_a2), token,
                       MerchantJson("1900000112", "wx6666666666666666", {TestPublicKey()}));
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_EQ(foreign.code(), "APPID_NOT_REGISTERED");
  EXPECT_EQ(unknown.code(), "APPID_NOT_REGISTERED");
  std::string foreign_message = foreign.json["message"].GetString();
  foreign_message.replace(foreign_message.find("wx7777777777777777"), 18, "wx6666666666666666");
  EXPECT_EQ(foreign_message, unknown.json["message"].GetString());
  EXPECT_EQ(RowCounts(), before);
}

// The forgery of issue 9: a dealer manager registers a merchant on their own store with the
// brand's appid and a key pair of their own, then "pays" 1,000,000 yuan for a member of another
// dealer. Refused before anything is written, and the notification finds nothing to verify.
TEST_P(ConsoleMerchantsTest, ManagersMayNotRegisterMerchantsOrChangeKeys) {
  Result<wechat::sandbox::GeneratedKey> own = wechat::sandbox::GenerateRsaKey();
  ASSERT_TRUE(own.ok());
  const std::string own_serial = "PUB_KEY_ID_0000000000000000000000000777";
  const std::string body = MerchantJson("1900000777", kAppid, {{own_serial, own->public_key_pem}});
  const std::string a1 = std::to_string(tree_.merchant_a1);
  struct Attempt {
    const char* caller;
    std::string method, path, body;
    int status;
  };
  const std::vector<Attempt> attempts = {
      {"dealer_a_manager", "POST", StoreMerchants(tree_.store_a1), body, 403},
      // The role never has merchant.write: the router refuses before looking at the store.
      {"dealer_a_manager", "POST", StoreMerchants(tree_.store_b1), body, 403},
      {"region1_manager", "POST", StoreMerchants(tree_.store_a2), body, 403},
      {"dealer_a_manager", "POST", MerchantPath(tree_.merchant_a1, "/platform-keys"),
       PlatformKeyJson(own_serial, own->public_key_pem), 403},
      {"region1_manager", "POST", MerchantPath(tree_.merchant_a1, "/platform-keys"),
       PlatformKeyJson(own_serial, own->public_key_pem), 403},
      {"dealer_a_manager", "POST",
       MerchantPath(tree_.merchant_a1, "/platform-keys/") + kCertificateSerial + "/retire", "",
       403},
      {"dealer_a_manager", "POST", MerchantPath(tree_.merchant_a1, "/deactivate"), "", 403},
      {"region1_manager", "POST", MerchantPath(tree_.merchant_a1, "/deactivate"), "", 403},
      {"dealer_a_manager", "POST", "/api/console/apps",
       R"({"appid":"wx4444444444444444","kind":"miniprogram","name":"Mine"})", 403},
      {"clerk_a1", "POST", MerchantPath(tree_.merchant_a1, "/platform-keys"),
       PlatformKeyJson(own_serial, own->public_key_pem), 403},
  };
  Token("admin");  // logins are audited too: log everyone in first
  for (const Attempt& a : attempts) Token(a.caller);
  for (const Attempt& a : attempts) {
    auto before = RowCounts();
    Reply reply = Send(a.method, a.path, Token(a.caller), a.body);
    EXPECT_EQ(reply.status, a.status) << a.caller << " " << a.path << ": " << reply.body;
    EXPECT_EQ(reply.code(), a.status == 403 ? "PERMISSION_DENIED" : "NOT_FOUND");
    ++before["audit_log"];  // the denial is on record, nothing else
    EXPECT_EQ(RowCounts(), before) << a.caller << " " << a.path;
    EXPECT_EQ(NewestAudit().second, "denied") << a.caller << " " << a.path;
  }
  // They still read the merchants in their scope.
  EXPECT_EQ(Get(MerchantPath(tree_.merchant_a1), Token("dealer_a_manager")).status, 200);
  EXPECT_EQ(Get(MerchantPath(tree_.merchant_a1), Token("region1_manager")).status, 200);

  // The forged notification, signed with the manager's own key: nothing verifies it.
  Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::FromPem(own->private_key_pem);
  ASSERT_TRUE(key.ok());
  Result<wechat::pay::ApiV3Key> api_v3_key = wechat::pay::ApiV3Key::Create(kApiV3Key);
  ASSERT_TRUE(api_v3_key.ok());
  const auto before = RowCounts();
  for (const std::string& mchid : {std::string("1900000777"), std::string(kMchid)}) {
    wechat::pay::Transaction t;
    t.appid = kAppid;
    t.mchid = mchid;
    t.out_trade_no = "FORGED";
    t.transaction_id = "4200000000000000000000000777";
    t.trade_type = "JSAPI";
    t.trade_state = wechat::pay::TradeState::kSuccess;
    t.trade_state_desc = "ok";
    t.bank_type = "OTHERS";
    t.success_time = clock_.Now();
    t.payer_openid = "openid-of-another-dealers-member";
    t.amount = {100'000'000, 100'000'000, "CNY", "CNY"};
    Result<wechat::pay::SignedNotification> forged = wechat::pay::BuildNotification(
        wechat::pay::TransactionNotificationSpec("N-FORGED-" + mchid, t), *api_v3_key, *key,
        own_serial, clock_.Now(), notifier_random_);
    ASSERT_TRUE(forged.ok());
    auto res = WechatPayNotifier::Post(*server_->Client(), *forged, mchid);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, mchid == kMchid ? 401 : 404) << res->body;
    EXPECT_EQ(Message(res), mchid == kMchid ? "WECHATPAY_UNKNOWN_SERIAL" : "unknown merchant");
  }
  EXPECT_EQ(RowCounts(), before);
}

TEST_P(ConsoleMerchantsTest, PlatformKeysAreAddedAndRetiredButNeverTheLast) {
  const std::string& token = Token("admin");
  Result<wechat::sandbox::GeneratedKey> next = wechat::sandbox::GenerateRsaKey();
  ASSERT_TRUE(next.ok());
  const std::string next_serial = "PUB_KEY_ID_0114232134912410000000000002";
  Reply added = Post(MerchantPath(tree_.merchant_a1, "/platform-keys"), token,
                     PlatformKeyJson(next_serial, next->public_key_pem));
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_EQ(added.json["platform_keys"].Size(), 3u);
  EXPECT_EQ(NewestAudit(),
            std::make_pair(std::string("merchant.platform_key_add"), std::string("ok")));

  auto before = RowCounts();
  Reply again = Post(MerchantPath(tree_.merchant_a1, "/platform-keys"), token,
                     PlatformKeyJson(next_serial, next->public_key_pem));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "PLATFORM_KEY_EXISTS");
  EXPECT_EQ(RowCounts(), before);

  ASSERT_EQ(PostPayment(kMchid, "4200000000000000000000000101")->status, 204);
  Reply retired = Post(
      MerchantPath(tree_.merchant_a1, "/platform-keys/") + kCertificateSerial + "/retire", token);
  ASSERT_EQ(retired.status, 200) << retired.body;
  bool seen = false;
  for (const auto& k : retired.json["platform_keys"].GetArray()) {
    if (std::string(k["serial"].GetString()) != kCertificateSerial) continue;
    seen = true;
    EXPECT_TRUE(k["retired_at"].IsString());
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(NewestAudit(),
            std::make_pair(std::string("merchant.platform_key_retire"), std::string("ok")));
  // The serving process drops its cached keys at once.
  before = RowCounts();
  auto stale = PostPayment(kMchid, "4200000000000000000000000102");
  EXPECT_EQ(stale->status, 401);
  EXPECT_EQ(Message(stale), "WECHATPAY_UNKNOWN_SERIAL");
  EXPECT_EQ(RowCounts(), before);
  EXPECT_EQ(PostPayment(kMchid, "4200000000000000000000000102", kPublicKeyId)->status, 204);

  // Retiring again changes nothing; an unknown serial is 404; the last usable key stays.
  EXPECT_EQ(
      Post(MerchantPath(tree_.merchant_a1, "/platform-keys/") + kCertificateSerial + "/retire",
           token)
          .status,
      200);
  Reply unknown =
      Post(MerchantPath(tree_.merchant_a1, "/platform-keys/PUB_KEY_ID_9/retire"), token);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "PLATFORM_KEY_NOT_FOUND");
  Reply malformed =
      Post(MerchantPath(tree_.merchant_a1, "/platform-keys/bad.serial/retire"), token);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.code(), "INVALID_FIELD");
  ASSERT_EQ(
      Post(MerchantPath(tree_.merchant_a1, "/platform-keys/") + kPublicKeyId + "/retire", token)
          .status,
      200);
  before = RowCounts();
  Reply last =
      Post(MerchantPath(tree_.merchant_a1, "/platform-keys/") + next_serial + "/retire", token);
  EXPECT_EQ(last.status, 409) << last.body;
  EXPECT_EQ(last.code(), "LAST_PLATFORM_KEY");
  EXPECT_EQ(RowCounts(), before);

  // A retired serial can be put back (with its PEM) and verifies again.
  Reply restored = Post(MerchantPath(tree_.merchant_a1, "/platform-keys"), token,
                        PlatformKeyJson(kCertificateSerial, Certificate()));
  EXPECT_EQ(restored.status, 201) << restored.body;
  EXPECT_EQ(PostPayment(kMchid, "4200000000000000000000000103")->status, 204);
}

TEST_P(ConsoleMerchantsTest, ADeactivatedMerchantIsRefusedUntilReactivated) {
  const std::string& token = Token("admin");
  Reply off = Post(MerchantPath(tree_.merchant_a1, "/deactivate"), token);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(off.json["active"].GetBool());
  EXPECT_EQ(NewestAudit(), std::make_pair(std::string("merchant.deactivate"), std::string("ok")));
  EXPECT_EQ(Post(MerchantPath(tree_.merchant_a1, "/deactivate"), token).status, 200);

  const auto before = RowCounts();
  auto refused = PostPayment(kMchid, "4200000000000000000000000201");
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(Message(refused), "MERCHANT_INACTIVE");
  EXPECT_EQ(RowCounts(), before);

  Reply on = Post(MerchantPath(tree_.merchant_a1, "/reactivate"), token);
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json["active"].GetBool());
  EXPECT_EQ(NewestAudit(), std::make_pair(std::string("merchant.reactivate"), std::string("ok")));
  EXPECT_EQ(PostPayment(kMchid, "4200000000000000000000000201")->status, 204);
}

TEST_P(ConsoleMerchantsTest, BrandAdminsRegisterAndDeactivateApps) {
  const std::string& token = Token("admin");
  Reply created = Post("/api/console/apps", token,
                       R"({"appid":"wx5555555555555555","kind":"official_account",)"
                       R"("name":"服务号","secret":"app-secret-123"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.json["has_secret"].GetBool());
  EXPECT_STREQ(created.json["kind"].GetString(), "official_account");
  EXPECT_EQ(created.json["brand_id"].GetInt64(), tree_.brand);
  EXPECT_EQ(created.body.find("app-secret-123"), std::string::npos);
  EXPECT_EQ(NewestAudit(), std::make_pair(std::string("app.create"), std::string("ok")));
  const int64_t id = created.json["id"].GetInt64();
  Result<org::BrandAppCredentials> opened = org().apps().Credentials("wx5555555555555555");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->secret, "app-secret-123");
  Reply read = Get("/api/console/apps/" + std::to_string(id), Token("analyst_brand"));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body.find("app-secret-123"), std::string::npos);

  Reply list = Get("/api/console/apps", token);
  const std::vector<int64_t> ids = list.ItemIds();
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()), (std::set<int64_t>{tree_.app, id}));

  // Appids are global: taken here or by another brand, 409 either way.
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> other = org().hierarchy().CreateBrand(op, "Other brand");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(
      org().apps().Create(op, other->path.id(), {"wx7777777777777777", "app", "Other", ""}).ok());
  auto before = RowCounts();
  for (const char* appid : {"wx5555555555555555", "wx7777777777777777"}) {
    Reply taken =
        Post("/api/console/apps", token,
             std::string(R"({"appid":")") + appid + R"(","kind":"miniprogram","name":"x"})");
    EXPECT_EQ(taken.status, 409) << taken.body;
    EXPECT_EQ(taken.code(), "APP_EXISTS");
  }
  for (const std::string& bad :
       {std::string(R"({"appid":"wx5","kind":"web","name":"x"})"),
        std::string(R"({"appid":"wx-5","kind":"app","name":"x"})"),
        std::string(R"({"appid":"wx5","kind":"app","name":""})"),
        std::string(R"({"appid":"wx5","kind":"app","name":"x","secret":""})"),
        std::string(R"({"appid":"wx5","kind":"app","name":"x","secret":"with space"})")}) {
    Reply reply = Post("/api/console/apps", token, bad);
    EXPECT_EQ(reply.status, 400) << bad;
    EXPECT_EQ(reply.code(), "INVALID_FIELD") << bad << " " << reply.body;
  }
  EXPECT_EQ(
      Post("/api/console/apps", token, R"({"appid":"wx5","kind":"app","name":"x","x":1})").code(),
      "UNKNOWN_FIELD");
  EXPECT_EQ(RowCounts(), before);

  // Only brand-level staff see apps; only brand admins write them.
  EXPECT_EQ(Get("/api/console/apps", Token("region1_manager")).status, 403);
  EXPECT_EQ(Get("/api/console/apps/" + std::to_string(id), Token("clerk_a1")).status, 403);
  EXPECT_EQ(Get("/api/console/apps", Token("analyst_brand")).status, 200);
  EXPECT_EQ(Post("/api/console/apps/" + std::to_string(id) + "/deactivate", Token("analyst_brand"))
                .status,
            403);

  Reply off = Post("/api/console/apps/" + std::to_string(id) + "/deactivate", token);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(off.json["active"].GetBool());
  Reply inactive = Post(StoreMerchants(tree_.store_a2), token,
                        MerchantJson("1900000113", "wx5555555555555555", {TestPublicKey()}));
  EXPECT_EQ(inactive.status, 409) << inactive.body;
  EXPECT_EQ(inactive.code(), "APP_INACTIVE");
  Reply on = Post("/api/console/apps/" + std::to_string(id) + "/reactivate", token);
  EXPECT_TRUE(on.json["active"].GetBool());
  EXPECT_EQ(Post(StoreMerchants(tree_.store_a2), token,
                 MerchantJson("1900000113", "wx5555555555555555", {TestPublicKey()}))
                .status,
            201);
}

// Transaction ids are unique per merchant: when two merchants report one, each caller sees what
// its scope holds, and a caller who sees both names the merchant.
TEST_P(ConsoleMerchantsTest, ATransactionIdOfTwoMerchantsIsReadPerMerchant) {
  const std::string tx = "4200000000000000000000000301";
  Pay(kMchid, tx, "openid-at-a1", 10000);
  Pay(kOtherMchid, tx, "openid-at-b1", 5000);
  RefundPayment(kOtherMchid, "5000000000000000000000000301", tx, 5000, 5000);
  const std::string path = "/api/console/transactions/" + tx;

  Reply ambiguous = Get(path, Token("admin"));
  EXPECT_EQ(ambiguous.status, 409) << ambiguous.body;
  EXPECT_EQ(ambiguous.code(), "TRANSACTION_AMBIGUOUS");
  Reply a1 = Get(path + "?mchid=" + kMchid, Token("admin"));
  ASSERT_EQ(a1.status, 200) << a1.body;
  EXPECT_EQ(a1.json["store_id"].GetInt64(), tree_.store_a1);
  EXPECT_EQ(a1.json["amount_fen"].GetInt64(), 10000);
  EXPECT_EQ(a1.json["refunds"].Size(), 0u);
  Reply b1 = Get(path + "?mchid=" + kOtherMchid, Token("admin"));
  ASSERT_EQ(b1.status, 200) << b1.body;
  EXPECT_EQ(b1.json["refunds"].Size(), 1u);

  // The other scope's payment does not count: no ambiguity, and no hint of it.
  Reply dealer_a = Get(path, Token("dealer_a_manager"));
  ASSERT_EQ(dealer_a.status, 200) << dealer_a.body;
  EXPECT_EQ(dealer_a.json["store_id"].GetInt64(), tree_.store_a1);
  Reply dealer_b = Get(path, Token("dealer_b_manager"));
  ASSERT_EQ(dealer_b.status, 200) << dealer_b.body;
  EXPECT_EQ(dealer_b.json["store_id"].GetInt64(), tree_.store_b1);
  Reply hidden = Get(path + "?mchid=" + kOtherMchid, Token("clerk_a1"));
  Reply missing = Get(path + "?mchid=1900009999", Token("clerk_a1"));
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.code(), "TRANSACTION_NOT_FOUND");
  EXPECT_EQ(hidden.body, missing.body);
  EXPECT_EQ(Get(path + "?mchid=19x", Token("admin")).code(), "INVALID_FIELD");
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleMerchantsTest);

}  // namespace
}  // namespace mileage::testing
