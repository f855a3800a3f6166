// The server's WeChat Pay clients (server/mp/merchant_pay_clients.h) against the real sandbox:
// a merchant's client, built from its registered API key and platform keys, creates a JSAPI
// order that the sandbox accepts (it verifies the merchant's signature) and signs
// wx.requestPayment so that the merchant's public key verifies it; merchants that cannot sell
// answer PAYMENT_UNAVAILABLE; changes through the org module apply at once.
#include <string>

#include "crypto/base64.h"
#include "crypto/rsa.h"
#include "org/org_module.h"
#include "server/mp/merchant_pay_clients.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

class MpPayClientsTest : public MpTest {
 protected:
  server::MerchantPayClients& clients() { return app().member_api().pay_clients(); }

  // A JSAPI order of `total` fen for the sandbox user of `code`.
  wechat::client::JsapiOrder Order(const std::string& out_trade_no, int64_t total) {
    wechat::client::JsapiOrder order;
    order.appid = kAppid;
    order.description = "洗车套餐";
    order.out_trade_no = out_trade_no;
    order.notify_url =
        "http://127.0.0.1:" + std::to_string(server_->port()) + "/wechatpay/v3/notify/" + kMchid;
    order.total = total;
    order.payer_openid = OpenidOf("buyer");
    return order;
  }

  void ExpectUnavailable(const std::string& mchid) {
    Result<std::shared_ptr<wechat::client::PayClient>> client = clients().For(mchid);
    ASSERT_FALSE(client.ok()) << mchid;
    EXPECT_EQ(client.status().code(), StatusCode::kFailedPrecondition) << mchid;
    EXPECT_EQ(client.status().reason(), "PAYMENT_UNAVAILABLE") << client.status().ToString();
  }
};

TEST_P(MpPayClientsTest, AMerchantsClientCreatesJsapiOrdersAndSignsRequestPayment) {
  Result<std::shared_ptr<wechat::client::PayClient>> client = clients().For(kMchid);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ((*client)->mchid(), kMchid);
  Result<std::string> prepay_id = (*client)->CreateJsapiOrder(Order("PKG-1-1", 2990));
  ASSERT_TRUE(prepay_id.ok()) << prepay_id.status().ToString();
  EXPECT_FALSE(prepay_id->empty());

  Result<wechat::client::RequestPayment> payment =
      (*client)->SignRequestPayment(kAppid, *prepay_id);
  ASSERT_TRUE(payment.ok()) << payment.status().ToString();
  EXPECT_EQ(payment->app_id, kAppid);
  EXPECT_EQ(payment->package, "prepay_id=" + *prepay_id);
  EXPECT_EQ(payment->sign_type, "RSA");
  EXPECT_EQ(payment->time_stamp, std::to_string(UnixSeconds(clock_.Now())));
  EXPECT_FALSE(payment->nonce_str.empty());
  // Verified with the public key of the key the sandbox exported, over the message that
  // wx.requestPayment's documentation gives.
  const MerchantExport exported = sandbox_->Export(kMchid);
  Result<crypto::RsaPrivateKey> exported_key =
      crypto::RsaPrivateKey::FromPem(exported.merchant_private_key_pem);
  ASSERT_TRUE(exported_key.ok()) << exported_key.status().ToString();
  const std::string message = std::string(kAppid) + "\n" + payment->time_stamp + "\n" +
                              payment->nonce_str + "\n" + "prepay_id=" + *prepay_id + "\n";
  std::optional<std::string> signature = crypto::Base64Decode(payment->pay_sign);
  ASSERT_TRUE(signature.has_value()) << payment->pay_sign;
  EXPECT_TRUE(exported_key->PublicKey().VerifySha256(message, *signature));
  EXPECT_FALSE(exported_key->PublicKey().VerifySha256(message + "x", *signature));

  // The sandbox knows the order: paying it notifies the server, which records the payment.
  rapidjson::Document paid =
      sandbox_->PostJson(std::string("/sandbox/merchants/") + kMchid + "/orders/PKG-1-1/pay", "{}");
  ASSERT_TRUE(paid.IsObject() && paid.HasMember("delivery_id")) << "the sandbox did not pay";
  DeliveryView delivery = sandbox_->AwaitFinal(paid["delivery_id"].GetInt64());
  ASSERT_FALSE(delivery.statuses.empty());
  EXPECT_EQ(delivery.statuses.back(), 204);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions WHERE out_trade_no = 'PKG-1-1' "
                   "AND amount_fen = 2990"),
            1);
}

TEST_P(MpPayClientsTest, ClientsAreCachedUntilTheMerchantChanges) {
  Result<std::shared_ptr<wechat::client::PayClient>> first = clients().For(kMchid);
  Result<std::shared_ptr<wechat::client::PayClient>> again = clients().For(kMchid);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->get(), again->get());

  const org::Actor op = org::Actor::System("test");
  org::OrgModule& org = app().org();
  const int64_t merchant = MustOk(org.merchants().GetByMchid(op, kMchid)).id;
  MustOk(org.merchants().SetActive(op, merchant, false));
  ExpectUnavailable(kMchid);
  MustOk(org.merchants().SetActive(op, merchant, true));
  Result<std::shared_ptr<wechat::client::PayClient>> rebuilt = clients().For(kMchid);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_NE(rebuilt->get(), first->get());
  Result<std::string> prepay_id = (*rebuilt)->CreateJsapiOrder(Order("PKG-2-1", 100));
  EXPECT_TRUE(prepay_id.ok()) << prepay_id.status().ToString();

  // Past the ttl, a change made elsewhere (another process) is read again.
  const std::shared_ptr<wechat::client::PayClient> cached = *rebuilt;
  clock_.Advance(server::MerchantPayClients::kDefaultTtl + std::chrono::seconds(1));
  Result<std::shared_ptr<wechat::client::PayClient>> expired = clients().For(kMchid);
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_NE(expired->get(), cached.get());
}

TEST_P(MpPayClientsTest, MerchantsThatCannotSellAreUnavailable) {
  ExpectUnavailable("1900009999");
  // A registered merchant without an API key.
  const org::Actor op = org::Actor::System("test");
  const MerchantExport exported = sandbox_->Export(kMchid);
  org::NewMerchant keyless{"1900000003",
                           kAppid,
                           exported.apiv3_key,
                           {{exported.certificate_serial, exported.certificate_pem}}};
  MustOk(app().org().merchants().Create(op, store_, keyless));
  ExpectUnavailable("1900000003");
  // Once it has one, it can sell.
  MustOk(app().org().merchants().SetApiKey(op, "1900000003", exported.merchant_serial,
                                           exported.merchant_private_key_pem));
  Result<std::shared_ptr<wechat::client::PayClient>> client = clients().For("1900000003");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ((*client)->mchid(), "1900000003");
}

MILEAGE_MP_TEST_SUITE(MpPayClientsTest);

}  // namespace
}  // namespace mileage::testing
