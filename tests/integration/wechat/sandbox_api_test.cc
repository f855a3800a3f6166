// The WeChat API client against the in-process sandbox: mini-program round trips, the shared
// access token, merchant authentication and the platform certificate download.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kv/memory/memory_kv.h"
#include "tests/support/running_sandbox.h"
#include "wechat/client/miniprogram_client.h"
#include "wechat/client/reasons.h"
#include "wechat/pay/certificate_download.h"
#include "wechat/pay/request_signer.h"
#include "wechat/pay/signature.h"
#include "wechat/sandbox/fixtures.h"
#include "wechat/sandbox/key_material.h"

namespace mileage::testing {
namespace {

using wechat::client::MiniProgramClient;
using wechat::client::MiniProgramCredentials;

constexpr char kAppid[] = "wx8888888888888888";

class SandboxApiTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(sandbox_.ok()); }

  std::unique_ptr<MiniProgramClient> Client(const std::string& secret = "sandbox-secret") {
    return std::make_unique<MiniProgramClient>(sandbox_.api(), kv_, clock_, random_,
                                               MiniProgramCredentials{kAppid, secret});
  }

  RunningSandbox sandbox_{[](wechat::sandbox::SandboxConfig& c) {
    c.mini_programs.push_back({"wx9999999999999999", "other-secret"});
  }};
  SystemClock clock_;
  OsRandom random_;
  kv::MemoryKv kv_{clock_};
};

TEST_F(SandboxApiTest, Code2SessionGivesEachCodeAStableUser) {
  auto client = Client();
  wechat::client::Session first = MustOk(client->Code2Session("user-42"));
  wechat::client::Session again = MustOk(client->Code2Session("user-42"));
  EXPECT_EQ(first.openid, again.openid);
  EXPECT_EQ(first.openid, wechat::sandbox::OpenidFor(kAppid, "user-42"));
  EXPECT_EQ(first.unionid, wechat::sandbox::UnionidFor("user-42"));
  EXPECT_FALSE(first.session_key.empty());
  EXPECT_NE(MustOk(client->Code2Session("user-43")).openid, first.openid);

  MiniProgramClient other(sandbox_.api(), kv_, clock_, random_,
                          MiniProgramCredentials{"wx9999999999999999", "other-secret"});
  wechat::client::Session elsewhere = MustOk(other.Code2Session("user-42"));
  EXPECT_NE(elsewhere.openid, first.openid);
  EXPECT_EQ(elsewhere.unionid, first.unionid);

  EXPECT_EQ(client->Code2Session("invalid-code").status().reason(), wechat::reason::kInvalidCode);
  EXPECT_EQ(client->Code2Session("used-code").status().reason(), wechat::reason::kCodeUsed);
  EXPECT_EQ(Client("wrong")->Code2Session("user-42").status().reason(),
            wechat::reason::kBadCredentials);
}

TEST_F(SandboxApiTest, PhoneNumberSubscribeAndWxacodeShareOneToken) {
  auto client = Client();
  wechat::miniprogram::PhoneNumber phone = MustOk(client->GetPhoneNumber("phone-13800138000"));
  EXPECT_EQ(phone.pure_phone_number, "13800138000");
  EXPECT_EQ(phone.country_code, "86");
  EXPECT_EQ(phone.watermark_appid, kAppid);
  EXPECT_EQ(client->GetPhoneNumber("invalid-x").status().reason(), wechat::reason::kInvalidCode);

  wechat::client::SubscribeMessage message;
  message.touser = wechat::sandbox::OpenidFor(kAppid, "user-1");
  message.template_id = "service-reminder";
  message.data = {{"thing1", "Oil change"}, {"date2", "2024-06-01"}};
  // As WeChat: a send needs a one-time grant (the user's "accept") and takes it.
  EXPECT_EQ(client->SendSubscribeMessage(message).reason(), wechat::reason::kSubscribeRefused);
  ASSERT_TRUE(
      sandbox_.sandbox().GrantSubscription(kAppid, message.touser, message.template_id, 1).ok());
  ASSERT_TRUE(client->SendSubscribeMessage(message).ok());
  EXPECT_EQ(client->SendSubscribeMessage(message).reason(), wechat::reason::kSubscribeRefused);
  EXPECT_EQ(sandbox_.sandbox().SubscriptionsLeft(kAppid, message.touser, message.template_id), 0);

  wechat::client::WxaCodeRequest request;
  request.scene = "store=42";
  wechat::client::WxaCode code = MustOk(client->GetUnlimitedWxaCode(request));
  EXPECT_EQ(code.content_type, "image/png");
  EXPECT_EQ(code.image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  wechat::sandbox::MiniProgramStats stats = sandbox_.sandbox().Stats(kAppid);
  EXPECT_EQ(stats.stable_token_calls, 1);
  ASSERT_EQ(stats.messages.size(), 1u);
  EXPECT_NE(stats.messages[0].find("Oil change"), std::string::npos);
  EXPECT_EQ(stats.refused_messages, 2);
  EXPECT_EQ(stats.wxacode_calls, 1);
}

TEST_F(SandboxApiTest, AnInvalidatedTokenIsReplacedOnce) {
  auto client = Client();
  ASSERT_TRUE(client->GetPhoneNumber("phone-13800138000").ok());
  EXPECT_EQ(sandbox_.sandbox().Stats(kAppid).stable_token_calls, 1);
  httplib::Client http("127.0.0.1", sandbox_.port());
  httplib::Result invalidated =
      http.Post("/sandbox/mini-programs/" + std::string(kAppid) + "/invalidate-token", "",
                "application/json");
  ASSERT_TRUE(invalidated && invalidated->status == 204);
  EXPECT_EQ(MustOk(client->GetPhoneNumber("phone-13900139000")).pure_phone_number, "13900139000");
  EXPECT_EQ(sandbox_.sandbox().Stats(kAppid).stable_token_calls, 2);
}

TEST_F(SandboxApiTest, ProcessesSharingAKvFetchTheTokenOnce) {
  constexpr int kProcesses = 4;
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<wechat::client::ApiClient>> apis;
  std::vector<std::unique_ptr<MiniProgramClient>> clients;
  for (int i = 0; i < kProcesses; ++i) {
    wechat::client::ApiClientOptions options;
    options.api_base_url = sandbox_.url();
    options.pay_base_url = sandbox_.url();
    options.read_timeout = std::chrono::seconds(30);
    apis.push_back(MustOk(wechat::client::ApiClient::Create(options, random_)));
    clients.push_back(std::make_unique<MiniProgramClient>(
        *apis.back(), kv_, clock_, random_, MiniProgramCredentials{kAppid, "sandbox-secret"}));
  }
  std::atomic<bool> go{false};
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, p] {
        while (!go.load()) std::this_thread::yield();
        Result<wechat::miniprogram::PhoneNumber> phone =
            clients[static_cast<size_t>(p)]->GetPhoneNumber("phone-13800138000");
        if (phone.ok()) {
          ++ok;
        } else {
          ADD_FAILURE() << phone.status().ToString();
        }
      });
    }
  }
  go = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), kProcesses * kThreads);
  EXPECT_EQ(sandbox_.sandbox().Stats(kAppid).stable_token_calls, 1);
}

TEST_F(SandboxApiTest, TheMerchantAuthorizationIsVerified) {
  MerchantExport merchant = sandbox_.Export();
  merchant.merchant_private_key_pem = MustOk(wechat::sandbox::GenerateRsaKey()).private_key_pem;
  auto impostor = sandbox_.PayClientFor(merchant);
  ASSERT_NE(impostor, nullptr);
  wechat::client::JsapiOrder order;
  order.appid = merchant.appid;
  order.description = "x";
  order.out_trade_no = "IMPOSTOR1";
  order.notify_url = "http://127.0.0.1:1/n";
  order.total = 1;
  order.payer_openid = "o";
  EXPECT_EQ(impostor->CreateJsapiOrder(order).status().reason(), "WECHATPAY_API_SIGN_ERROR");
  rapidjson::Document paid =
      sandbox_.PostJson("/sandbox/merchants/1900000001/orders/IMPOSTOR1/pay", "");
  ASSERT_TRUE(paid.IsObject());
  EXPECT_STREQ(paid["code"].GetString(), "ORDER_NOT_EXIST");
}

TEST_F(SandboxApiTest, ThePlatformCertificateDownloadDecryptsWithTheApiV3Key) {
  MerchantExport merchant = sandbox_.Export();
  Result<crypto::RsaPrivateKey> key =
      crypto::RsaPrivateKey::FromPem(merchant.merchant_private_key_pem);
  ASSERT_TRUE(key.ok());
  wechat::pay::RequestSigner signer(merchant.mchid, merchant.merchant_serial, *key);
  wechat::client::HttpCall call;
  call.host = wechat::client::Host::kPay;
  call.target = "/v3/certificates";
  call.headers.emplace_back(
      "Authorization", MustOk(signer.Authorization("GET", call.target, "", clock_.Now(), random_)));
  wechat::client::HttpReply reply = MustOk(sandbox_.api().Send(call));
  ASSERT_EQ(reply.status, 200) << reply.body;
  wechat::pay::WechatpayHeaders headers{
      reply.Header(wechat::pay::kHeaderSerial), reply.Header(wechat::pay::kHeaderSignature),
      reply.Header(wechat::pay::kHeaderTimestamp), reply.Header(wechat::pay::kHeaderNonce)};
  EXPECT_TRUE(wechat::pay::VerifyWechatpaySignature(KeysFor(merchant, true, true), headers,
                                                    reply.body, clock_.Now())
                  .ok());
  std::vector<wechat::pay::DownloadedCertificate> certificates =
      MustOk(wechat::pay::DecryptCertificateDownload(
          reply.body, wechat::pay::ApiV3Key::Create(merchant.apiv3_key).value()));
  ASSERT_EQ(certificates.size(), 1u);
  EXPECT_EQ(certificates[0].serial_no, merchant.certificate_serial);
  EXPECT_EQ(certificates[0].pem, merchant.certificate_pem);
}

}  // namespace
}  // namespace mileage::testing
