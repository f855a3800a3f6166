#include "wechat/client/pay_client.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "crypto/base64.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/client/reasons.h"
#include "wechat/pay/request_authorization.h"
#include "wechat/pay/signature.h"
#include "wechat/reasons.h"
#include "wechat/sandbox/key_material.h"

namespace mileage::wechat::client {
namespace {

using mileage::testing::FakeClock;
using mileage::testing::FakeRandom;
using mileage::testing::FakeServer;
using mileage::testing::Must;

constexpr char kMchid[] = "1900000001";
constexpr char kMerchantSerial[] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
constexpr char kPlatformSerial[] = "PUB_KEY_ID_0114232134912410000000000000";

struct Keys {
  sandbox::GeneratedKey merchant;
  sandbox::GeneratedKey platform;
};

const Keys& TestKeys() {
  static const Keys* keys =
      new Keys{Must(sandbox::GenerateRsaKey()), Must(sandbox::GenerateRsaKey())};
  return *keys;
}

std::string Trade(const std::string& csv_rows) {
  std::string header;
  for (size_t i = 0; i < kTradeBillColumns.size(); ++i) {
    header += (i ? "," : "") + std::string(kTradeBillColumns[i]);
  }
  std::string summary;
  for (size_t i = 0; i < kTradeBillSummaryColumns.size(); ++i) {
    summary += (i ? "," : "") + std::string(kTradeBillSummaryColumns[i]);
  }
  return header + "\n" + csv_rows + summary + "\n`0,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00\n";
}

// A merchant API that checks the Authorization with the merchant's public key and signs its
// answers with the platform key; each test steers it through the fields below.
class PayClientTest : public ::testing::Test {
 protected:
  PayClientTest()
      : merchant_public_(crypto::RsaPublicKey::FromPem(TestKeys().merchant.public_key_pem).value()),
        platform_private_(
            crypto::RsaPrivateKey::FromPem(TestKeys().platform.private_key_pem).value()),
        server_([this](httplib::Server& s) {
          s.Post("/v3/pay/transactions/jsapi", [this](const httplib::Request& req,
                                                      httplib::Response& res) {
            if (!Authorized(req, res)) return;
            last_body_ = req.body;
            if (jsapi_status_ != 200) {
              res.status = jsapi_status_;
              Answer(res, jsapi_status_ == 400 ? R"({"code":"PARAM_ERROR","message":"bad"})"
                                               : R"({"code":"SYSTEM_ERROR","message":"busy"})");
              return;
            }
            Answer(res, R"({"prepay_id":"wx2024prepay"})");
          });
          s.Post("/v3/refund/domestic/refunds",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   if (!Authorized(req, res)) return;
                   Answer(res, R"({"refund_id":"503","out_refund_no":"R1","transaction_id":"42",)"
                               R"("out_trade_no":"T1","status":"PROCESSING","create_time":"x",)"
                               R"("amount":{"refund":100,"total":1000,"currency":"CNY"}})");
                 });
          s.Get("/v3/bill/tradebill", [this](const httplib::Request& req, httplib::Response& res) {
            if (!Authorized(req, res)) return;
            std::string hash = crypto::HexUpper(crypto::Sha1(bill_csv_));
            if (tamper_hash_) hash[0] = hash[0] == 'A' ? 'B' : 'A';
            Answer(res, R"({"hash_type":"SHA1","hash_value":")" + hash + R"(","download_url":")" +
                            download_base_ + R"(/v3/billdownload/file?token=abc"})");
          });
          s.Get("/v3/billdownload/file",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (!Authorized(req, res)) return;
                  res.set_content(bill_csv_, "text/csv");
                });
        }) {
    ApiClientOptions options;
    options.api_base_url = server_.url();
    options.pay_base_url = server_.url();
    options.initial_backoff = std::chrono::milliseconds(1);
    api_ = Must(ApiClient::Create(options, random_));
    pay::PlatformKeys keys;
    EXPECT_OK(keys.AddPublicKeyPem(kPlatformSerial, TestKeys().platform.public_key_pem));
    client_ = std::make_unique<PayClient>(
        *api_, clock_, random_, kMchid, kMerchantSerial,
        crypto::RsaPrivateKey::FromPem(TestKeys().merchant.private_key_pem).value(), keys);
    download_base_ = server_.url();
    bill_csv_ = Trade(
        "`2024-05-01 10:00:00,`wxapp,`1900000001,`0,`,`4200001,`T1,`o-1,`JSAPI,`SUCCESS,`OTHERS,"
        "`CNY,`12.34,`0.00,`0,`0,`0.00,`0.00,`,`,`Fuel, 95,`,`0.07404,`0.60%,`12.34,`0.00,`\n");
  }

  bool Authorized(const httplib::Request& req, httplib::Response& res) {
    Result<pay::RequestAuthorization> auth =
        pay::ParseAuthorization(req.get_header_value("Authorization"));
    Status verified = auth.ok()
                          ? pay::VerifyRequestAuthorization(merchant_public_, *auth, req.method,
                                                            req.target, req.body, clock_.Now())
                          : auth.status();
    if (!verified.ok() || auth->mchid != kMchid || auth->serial_no != kMerchantSerial) {
      res.status = 401;
      res.set_content(R"({"code":"SIGN_ERROR","message":"bad signature"})", "application/json");
      return false;
    }
    return true;
  }

  void Answer(httplib::Response& res, const std::string& body) {
    pay::WechatpayHeaders headers = Must(
        pay::SignWechatpayMessage(platform_private_, kPlatformSerial, body, clock_.Now(), random_));
    if (tamper_answers_) headers.signature = crypto::Base64Encode(std::string(256, 'x'));
    res.set_header(pay::kHeaderSerial, headers.serial);
    res.set_header(pay::kHeaderSignature, headers.signature);
    res.set_header(pay::kHeaderTimestamp, headers.timestamp);
    res.set_header(pay::kHeaderNonce, headers.nonce);
    res.set_content(body, "application/json");
  }

  JsapiOrder Order() {
    JsapiOrder order;
    order.appid = "wxapp";
    order.description = "Fuel";
    order.out_trade_no = "T1";
    order.notify_url = "https://example.com/notify";
    order.total = 1234;
    order.payer_openid = "o-1";
    return order;
  }

  FakeClock clock_;
  FakeRandom random_;
  crypto::RsaPublicKey merchant_public_;
  crypto::RsaPrivateKey platform_private_;
  std::atomic<int> jsapi_status_{200};
  std::atomic<bool> tamper_answers_{false};
  std::atomic<bool> tamper_hash_{false};
  std::string last_body_;
  std::string download_base_;
  std::string bill_csv_;
  FakeServer server_;
  std::unique_ptr<ApiClient> api_;
  std::unique_ptr<PayClient> client_;
};

TEST_F(PayClientTest, CreatesAJsapiOrderWithASignedRequest) {
  EXPECT_EQ(Must(client_->CreateJsapiOrder(Order())), "wx2024prepay");
  rapidjson::Document doc;
  doc.Parse(last_body_.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["mchid"].GetString(), kMchid);
  EXPECT_EQ(doc["amount"]["total"].GetInt64(), 1234);
  EXPECT_STREQ(doc["payer"]["openid"].GetString(), "o-1");
}

TEST_F(PayClientTest, RejectsAnAnswerWhoseSignatureDoesNotVerify) {
  tamper_answers_ = true;
  EXPECT_STATUS(client_->CreateJsapiOrder(Order()).status(), kUnauthenticated,
                reason::kBadSignature);
}

TEST_F(PayClientTest, MapsErrorsAndRetriesOnlyServerErrors) {
  jsapi_status_ = 400;
  EXPECT_STATUS(client_->CreateJsapiOrder(Order()).status(), kInvalidArgument,
                "WECHATPAY_API_PARAM_ERROR");
  EXPECT_EQ(server_.hits("/v3/pay/transactions/jsapi"), 1);
  jsapi_status_ = 500;
  EXPECT_STATUS(client_->CreateJsapiOrder(Order()).status(), kUnavailable, reason::kServerError);
  EXPECT_EQ(server_.hits("/v3/pay/transactions/jsapi"), 1 + 3);
}

TEST_F(PayClientTest, RefusesAnIncompleteOrderWithoutSending) {
  JsapiOrder order = Order();
  order.total = 0;
  EXPECT_STATUS(client_->CreateJsapiOrder(order).status(), kInvalidArgument,
                "WECHATPAY_API_PARAM_ERROR");
  RefundRequest refund;
  refund.out_trade_no = "T1";
  refund.out_refund_no = "R1";
  refund.refund = 2000;
  refund.total = 1000;
  EXPECT_STATUS(client_->CreateRefund(refund).status(), kInvalidArgument,
                "WECHATPAY_API_PARAM_ERROR");
  EXPECT_EQ(
      server_.hits("/v3/pay/transactions/jsapi") + server_.hits("/v3/refund/domestic/refunds"), 0);
}

TEST_F(PayClientTest, CreatesARefund) {
  RefundRequest request;
  request.out_trade_no = "T1";
  request.out_refund_no = "R1";
  request.refund = 100;
  request.total = 1000;
  RefundReceipt receipt = Must(client_->CreateRefund(request));
  EXPECT_EQ(receipt.refund_id, "503");
  EXPECT_EQ(receipt.status, "PROCESSING");
  EXPECT_EQ(receipt.refund, 100);
  EXPECT_EQ(receipt.total, 1000);
}

TEST_F(PayClientTest, DownloadsAndParsesTheTradeBill) {
  TradeBill bill = Must(client_->DownloadTradeBill("2024-05-01"));
  ASSERT_EQ(bill.rows.size(), 1u);
  EXPECT_EQ(bill.rows[0].out_trade_no, "T1");
  EXPECT_EQ(bill.rows[0].settlement_total, 1234);
  EXPECT_EQ(bill.rows[0].description, "Fuel, 95");
  EXPECT_EQ(bill.csv, bill_csv_);
}

TEST_F(PayClientTest, RefusesABillFromAnotherHostOrWithTheWrongHash) {
  EXPECT_STATUS(client_->DownloadTradeBill("2024/05/01").status(), kInvalidArgument,
                "WECHATPAY_API_PARAM_ERROR");
  tamper_hash_ = true;
  EXPECT_STATUS(client_->DownloadTradeBill("2024-05-01").status(), kUnauthenticated,
                reason::kBillHashMismatch);
  tamper_hash_ = false;
  download_base_ = "http://evil.example.com";
  EXPECT_STATUS(client_->DownloadTradeBill("2024-05-01").status(), kInternal,
                reason::kBadDownloadUrl);
}

TEST_F(PayClientTest, SignsRequestPaymentParameters) {
  RequestPayment params = Must(client_->SignRequestPayment("wxapp", "wx2024prepay"));
  EXPECT_EQ(params.package, "prepay_id=wx2024prepay");
  EXPECT_EQ(params.sign_type, "RSA");
  EXPECT_EQ(params.time_stamp, std::to_string(UnixSeconds(clock_.Now())));
  std::string message =
      "wxapp\n" + params.time_stamp + "\n" + params.nonce_str + "\n" + params.package + "\n";
  EXPECT_TRUE(merchant_public_.VerifySha256(message, *crypto::Base64Decode(params.pay_sign)));
}

}  // namespace
}  // namespace mileage::wechat::client
