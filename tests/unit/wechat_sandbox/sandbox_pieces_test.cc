#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "crypto/rsa.h"
#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/pay/platform_keys.h"
#include "wechat/sandbox/fixtures.h"
#include "wechat/sandbox/key_material.h"
#include "wechat/sandbox/order_book.h"
#include "wechat/sandbox/sandbox_config.h"
#include "wechat/sandbox/sandbox_state.h"

namespace mileage::wechat::sandbox {
namespace {

using mileage::testing::FakeClock;
using mileage::testing::FakeRandom;
using mileage::testing::Must;

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mileage-sandbox-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(FixturesTest, CodesNameStableUsers) {
  EXPECT_EQ(OpenidFor("wxa", "user-42"), OpenidFor("wxa", "user-42"));
  EXPECT_NE(OpenidFor("wxa", "user-42"), OpenidFor("wxa", "user-43"));
  EXPECT_NE(OpenidFor("wxa", "user-42"), OpenidFor("wxb", "user-42"));
  EXPECT_EQ(OpenidFor("wxa", "user-42").size(), 28u);
  EXPECT_EQ(OpenidFor("wxa", "user-42")[0], 'o');
  EXPECT_EQ(UnionidFor("user-42").size(), 28u);
  EXPECT_EQ(SessionKeyFor("wxa", "user-42").size(), 24u);  // base64 of 16 bytes
  EXPECT_EQ(PhoneFor("phone-13800138000"), "13800138000");
  EXPECT_EQ(PhoneFor("user-1"), PhoneFor("user-1"));
  EXPECT_EQ(PhoneFor("user-1").size(), 11u);
  EXPECT_TRUE(IsRejectedCode("invalid-1"));
  EXPECT_TRUE(IsRejectedCode(""));
  EXPECT_TRUE(IsRejectedCode("a b"));
  EXPECT_FALSE(IsRejectedCode("user-42"));
  EXPECT_TRUE(IsUsedCode("used-1"));
  EXPECT_FALSE(IsUsedCode("user-42"));
  EXPECT_FALSE(IsUsedCode("used code")) << "malformed: rejected, not used";
}

TEST(SandboxConfigTest, ParsesEverySetting) {
  SandboxConfig config = Must(ParseSandboxConfig(R"({
    "listen": "127.0.0.1:0", "state_dir": "/tmp/x", "key_mode": "public_key",
    "retry_scale": 0.001, "delivery_timeout_ms": 1000, "http_threads": 4,
    "merchants": [{"mchid": "1230000109", "appid": "wxa",
                   "apiv3_key": "0123456789abcdef0123456789abcdef",
                   "notify_url": "http://127.0.0.1:8080/n", "merchant_serial": "ABC"}],
    "mini_programs": [{"appid": "wxa", "secret": "s"}, {"appid": "wxb", "secret": "t"}]
  })",
                                                 "test"));
  EXPECT_EQ(config.listen.port, 0);
  EXPECT_EQ(config.state_dir, "/tmp/x");
  EXPECT_EQ(config.key_mode, KeyMode::kPublicKey);
  EXPECT_DOUBLE_EQ(config.retry_scale, 0.001);
  ASSERT_EQ(config.merchants.size(), 1u);
  EXPECT_EQ(config.merchants[0].mchid, "1230000109");
  EXPECT_EQ(config.merchants[0].merchant_serial, "ABC");
  EXPECT_EQ(config.mini_programs.size(), 2u);
}

TEST(SandboxConfigTest, DefaultsGiveOneMerchantAndMiniProgram) {
  SandboxConfig config = Must(ParseSandboxConfig("{}", "test"));
  ASSERT_EQ(config.merchants.size(), 1u);
  EXPECT_EQ(config.merchants[0].mchid, "1900000001");
  EXPECT_EQ(config.key_mode, KeyMode::kBoth);
  EXPECT_EQ(config.listen.port, 9090);
}

TEST(SandboxConfigTest, RejectsBadSettingsNamingTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"nope": 1})", "\"nope\""},
      {R"({"key_mode": "rsa"})", "\"key_mode\""},
      {R"({"retry_scale": -1})", "\"retry_scale\""},
      {R"({"listen": "nohost"})", "\"listen\""},
      {R"({"merchants": []})", "\"merchants\""},
      {R"({"merchants": [{"mchid": "x1", "appid": "a"}]})", "\"merchants[0].mchid\""},
      {R"({"merchants": [{"mchid": "1", "appid": "a", "apiv3_key": "short"}]})",
       "\"merchants[0].apiv3_key\""},
      {R"({"merchants": [{"mchid": "1", "appid": "a"}, {"mchid": "1", "appid": "b"}]})",
       "\"merchants[1].mchid\""},
      {R"({"merchants": [{"mchid": "1", "appid": "a", "merchant_key_file": "/nonexistent"}]})",
       "\"merchants[0].merchant_key_file\""},
      {R"({"mini_programs": [{"appid": "a"}]})", "\"mini_programs[0]\""},
      {"[1]", "must be an object"},
      {"{", "malformed JSON"},
  };
  for (const auto& [json, expected] : cases) {
    Result<SandboxConfig> config = ParseSandboxConfig(json, "test");
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(expected), std::string::npos)
        << config.status().message();
  }
}

TEST(KeyMaterialTest, MakesACertificateTheCoreAccepts) {
  FakeRandom random;
  FakeClock clock;
  GeneratedKey key = Must(GenerateRsaKey());
  std::string serial = RandomCertificateSerial(random);
  EXPECT_EQ(serial.size(), 40u);
  std::string pem = Must(SelfSignedCertificatePem(key.private_key_pem, "test", serial, clock.Now(),
                                                  clock.Now() + std::chrono::hours(1)));
  Result<crypto::Certificate> cert = crypto::ParseCertificatePem(pem);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->serial, serial);
  Result<crypto::RsaPrivateKey> priv = crypto::RsaPrivateKey::FromPem(key.private_key_pem);
  ASSERT_TRUE(priv.ok()) << priv.status().ToString();
  std::string signature = Must(priv->SignSha256("hello"));
  EXPECT_TRUE(cert->public_key.VerifySha256("hello", signature));
  EXPECT_EQ(Must(PublicKeyPemOf(key.private_key_pem)), key.public_key_pem);
  EXPECT_FALSE(SelfSignedCertificatePem("junk", "t", serial, clock.Now(), clock.Now()).ok());
  EXPECT_FALSE(
      SelfSignedCertificatePem(key.private_key_pem, "t", "XYZ", clock.Now(), clock.Now()).ok());
}

TEST(SandboxStateTest, CreatesOnceThenReloadsAndExports) {
  TempDir dir;
  FakeRandom random;
  FakeClock clock;
  SandboxConfig config = DefaultSandboxConfig();
  config.state_dir = (dir.path() / "state").string();
  SandboxState first = Must(LoadOrCreateState(config, clock, random));
  EXPECT_TRUE(first.platform.public_key_id.starts_with("PUB_KEY_ID_"));
  pay::PlatformKeys keys;
  EXPECT_OK(keys.AddCertificatePem(first.platform.certificate_pem));
  EXPECT_OK(keys.AddPublicKeyPem(first.platform.public_key_id, first.platform.public_key_pem));
  ASSERT_EQ(first.merchants.size(), 1u);
  EXPECT_EQ(first.merchants[0].apiv3_key.size(), 32u);
  EXPECT_FALSE(first.merchants[0].merchant_private_key_pem.empty());
  EXPECT_EQ(std::filesystem::status(dir.path() / "state" / "platform.json").permissions() &
                std::filesystem::perms::group_all,
            std::filesystem::perms::none);

  SandboxState second = Must(LoadOrCreateState(config, clock, random));
  EXPECT_EQ(second.platform.certificate_pem, first.platform.certificate_pem);
  EXPECT_EQ(second.merchants[0].apiv3_key, first.merchants[0].apiv3_key);
  EXPECT_EQ(second.merchants[0].merchant_private_key_pem,
            first.merchants[0].merchant_private_key_pem);

  config.merchants[0].apiv3_key = "0123456789abcdef0123456789abcdef";
  SandboxState third = Must(LoadOrCreateState(config, clock, random));
  EXPECT_EQ(third.merchants[0].apiv3_key, "0123456789abcdef0123456789abcdef");

  SandboxState read = Must(ReadMerchantState(config.state_dir, "1900000001"));
  EXPECT_EQ(read.merchants[0].apiv3_key, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(ReadMerchantState(config.state_dir, "42").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadMerchantState(config.state_dir, "../x").status().code(), StatusCode::kNotFound);
  std::string exported = ExportJson(read.platform, read.merchants[0], read.key_mode);
  EXPECT_NE(exported.find("\"apiv3_key\":\"0123456789abcdef0123456789abcdef\""), std::string::npos);
  EXPECT_NE(exported.find(read.platform.public_key_id), std::string::npos);
}

TEST(SandboxStateTest, UsesAConfiguredMerchantKey) {
  TempDir dir;
  FakeRandom random;
  FakeClock clock;
  GeneratedKey merchant_key = Must(GenerateRsaKey());
  SandboxConfig config = DefaultSandboxConfig();
  config.state_dir = dir.path().string();
  config.merchants[0].merchant_key_pem = merchant_key.public_key_pem;
  config.merchants[0].merchant_serial = "ABCDEF";
  SandboxState state = Must(LoadOrCreateState(config, clock, random));
  EXPECT_EQ(state.merchants[0].merchant_key_pem, merchant_key.public_key_pem);
  EXPECT_EQ(state.merchants[0].merchant_serial, "ABCDEF");
  EXPECT_TRUE(state.merchants[0].merchant_private_key_pem.empty());
  config.merchants[0].merchant_key_pem = "not a key";
  EXPECT_EQ(LoadOrCreateState(config, clock, random).status().code(), StatusCode::kInvalidArgument);
}

Order NewOrder(const std::string& out_trade_no, int64_t total) {
  Order order;
  order.mchid = "1900000001";
  order.appid = "wxa";
  order.out_trade_no = out_trade_no;
  order.description = "Fuel";
  order.notify_url = "http://127.0.0.1/n";
  order.payer_openid = "o-1";
  order.total = total;
  return order;
}

TEST(OrderBookTest, OrdersAreIdempotentByOutTradeNo) {
  FakeRandom random;
  FakeClock clock;
  OrderBook book(random);
  Order first = Must(book.Create(NewOrder("T1", 100), clock.Now()));
  Order again = Must(book.Create(NewOrder("T1", 100), clock.Now()));
  EXPECT_EQ(first.prepay_id, again.prepay_id);
  EXPECT_EQ(book.Create(NewOrder("T1", 200), clock.Now()).status().reason(), "OUT_TRADE_NO_USED");
  Order paid = Must(book.Pay("1900000001", "T1", "", clock.Now()));
  EXPECT_EQ(paid.transaction_id.size(), 28u);
  EXPECT_EQ(book.Pay("1900000001", "T1", "", clock.Now()).status().reason(), "ORDERPAID");
  EXPECT_EQ(book.Pay("1900000001", "T2", "", clock.Now()).status().reason(), "ORDER_NOT_EXIST");
  EXPECT_EQ(book.Create(NewOrder("T1", 100), clock.Now()).status().reason(), "ORDERPAID");
}

TEST(OrderBookTest, RefundsAreBoundedAndIdempotent) {
  FakeRandom random;
  FakeClock clock;
  OrderBook book(random);
  ASSERT_TRUE(book.Create(NewOrder("T1", 1000), clock.Now()).ok());
  RefundRecord request;
  request.mchid = "1900000001";
  request.out_trade_no = "T1";
  request.out_refund_no = "R1";
  request.refund = 600;
  request.total = 1000;
  EXPECT_EQ(book.Refund(request, clock.Now()).status().reason(), "INVALID_REQUEST");
  ASSERT_TRUE(book.Pay("1900000001", "T1", "", clock.Now()).ok());
  OrderBook::RefundOutcome first = Must(book.Refund(request, clock.Now()));
  EXPECT_TRUE(first.created);
  OrderBook::RefundOutcome again = Must(book.Refund(request, clock.Now()));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.refund.refund_id, first.refund.refund_id);
  request.out_refund_no = "R2";
  EXPECT_EQ(book.Refund(request, clock.Now()).status().reason(), "NOT_ENOUGH");
  request.refund = 400;
  EXPECT_TRUE(book.Refund(request, clock.Now()).ok());
  request.out_refund_no = "R3";
  request.total = 999;
  EXPECT_EQ(book.Refund(request, clock.Now()).status().reason(), "PARAM_ERROR");

  std::string day = "2027-01-15";  // FakeClock starts at 1'800'000'000 s = 2027-01-15 +08:00
  client::TradeBill bill = book.Bill("1900000001", day);
  ASSERT_EQ(bill.rows.size(), 3u);
  EXPECT_EQ(bill.rows[0].trade_state, "SUCCESS");
  EXPECT_EQ(bill.summary.count, 3);
  EXPECT_EQ(bill.summary.settlement_total, 1000);
  EXPECT_EQ(bill.summary.refund_total, 1000);
  EXPECT_EQ(bill.summary.fee_total, "0.06000");
  EXPECT_TRUE(book.Bill("1900000001", "2027-01-16").rows.empty());
  EXPECT_TRUE(book.Bill("1900000002", day).rows.empty());
}

}  // namespace
}  // namespace mileage::wechat::sandbox
