#include <gtest/gtest.h>

#include "crypto/rsa.h"
#include "tests/unit/wechat/testdata.h"
#include "wechat/pay/certificate_download.h"
#include "wechat/pay/platform_keys.h"
#include "wechat/pay/refund.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::pay {
namespace {

using testing::ReadTestdata;
using testing::Vector;

TimePoint At(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

TEST(TransactionTest, ParsesTheSampleFieldByField) {
  auto t = ParseTransaction(ReadTestdata("sample_transaction.json"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->mchid, "1900000100");
  EXPECT_EQ(t->appid, "wxd678efh567hg6787");
  EXPECT_EQ(t->out_trade_no, "1217752501201407033233368018");
  EXPECT_EQ(t->transaction_id, "4200000001201407033233368018");
  EXPECT_EQ(t->trade_type, "JSAPI");
  EXPECT_EQ(t->trade_state, TradeState::kSuccess);
  EXPECT_EQ(t->trade_state_desc, "支付成功");
  EXPECT_EQ(t->bank_type, "OTHERS");
  EXPECT_EQ(t->attach, "member-autoenroll");
  EXPECT_EQ(t->success_time, At(1528425296));
  EXPECT_EQ(t->payer_openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
  EXPECT_EQ(t->amount.total, 100);
  EXPECT_EQ(t->amount.payer_total, 100);
  EXPECT_EQ(t->amount.currency, "CNY");
  EXPECT_EQ(t->amount.payer_currency, "CNY");
  EXPECT_TRUE(t->promotion_detail.empty());
}

TEST(TransactionTest, SerializeRoundTrips) {
  auto t = ParseTransaction(ReadTestdata("sample_transaction.json"));
  ASSERT_TRUE(t.ok());
  t->device_id = "013467007045764";
  t->promotion_detail.push_back(
      PromotionDetail{"109519", "单品惠-6", "SINGLE", "CASH", 5, "931386", 0, 5, 0, "CNY"});
  auto again = ParseTransaction(SerializeTransaction(*t));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(SerializeTransaction(*again), SerializeTransaction(*t));
  EXPECT_EQ(again->device_id, "013467007045764");
  ASSERT_EQ(again->promotion_detail.size(), 1u);
  EXPECT_EQ(again->promotion_detail[0].merchant_contribute, 5);
  EXPECT_EQ(again->promotion_detail[0].name, "单品惠-6");
}

TEST(TransactionTest, RejectsMalformedResources) {
  const std::string base =
      R"("mchid":"1","appid":"a","out_trade_no":"o","transaction_id":"t","trade_state":"SUCCESS")";
  ASSERT_TRUE(ParseTransaction("{" + base + R"(,"amount":{"total":1}})").ok());
  for (
      const std::string& bad : std::vector<std::string>{
          std::string(""),
          std::string("[]"),
          std::string("{"),
          "{" + base + "}",                                             // no amount
          "{" + base + R"(,"amount":{}})",                              // no total
          "{" + base + R"(,"amount":{"total":-1}})",                    // negative
          "{" + base + R"(,"amount":{"total":1.5}})",                   // not an integer
          "{" + base + R"(,"amount":{"total":"1"}})",                   // a string
          "{" + base + R"(,"amount":{"total":99999999999999999999}})",  // overflow
          "{" + base + R"(,"amount":[1]})",
          "{" + base + R"(,"amount":{"total":1},"payer":"x"})",
          "{" + base + R"(,"amount":{"total":1},"payer":{"openid":1}})",
          "{" + base + R"(,"amount":{"total":1},"success_time":"yesterday"})",
          "{" + base + R"(,"amount":{"total":1},"promotion_detail":[1]})",
          "{" + base + R"(,"amount":{"total":1},"promotion_detail":[{"amount":1}]})",
          R"({"mchid":"1","appid":"a","out_trade_no":"o","transaction_id":"t","trade_state":"PAID","amount":{"total":1}})",
          R"({"appid":"a","out_trade_no":"o","transaction_id":"t","trade_state":"SUCCESS","amount":{"total":1}})",
      }) {
    auto t = ParseTransaction(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().reason(), "WECHATPAY_MALFORMED_RESOURCE") << bad;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(RefundTest, ParsesTheDocumentedRefundResource) {
  constexpr char kRefund[] = R"({
    "mchid": "1900000100", "transaction_id": "1008450740201411110005820873",
    "out_trade_no": "20150806125346", "refund_id": "50200207182018070300011301001",
    "out_refund_no": "7752501201407033233368018", "refund_status": "SUCCESS",
    "success_time": "2018-06-08T10:34:56+08:00",
    "user_received_account": "招商银行信用卡0403",
    "amount": {"total": 999, "refund": 999, "payer_total": 999, "payer_refund": 999}})";
  auto r = ParseRefund(kRefund);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mchid, "1900000100");
  EXPECT_EQ(r->transaction_id, "1008450740201411110005820873");
  EXPECT_EQ(r->out_trade_no, "20150806125346");
  EXPECT_EQ(r->refund_id, "50200207182018070300011301001");
  EXPECT_EQ(r->out_refund_no, "7752501201407033233368018");
  EXPECT_EQ(r->refund_status, RefundStatus::kSuccess);
  EXPECT_EQ(r->success_time, At(1528425296));
  EXPECT_EQ(r->user_received_account, "招商银行信用卡0403");
  EXPECT_EQ(r->amount.total, 999);
  EXPECT_EQ(r->amount.refund, 999);
  EXPECT_EQ(r->amount.payer_total, 999);
  EXPECT_EQ(r->amount.payer_refund, 999);

  auto again = ParseRefund(SerializeRefund(*r));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SerializeRefund(*again), SerializeRefund(*r));
}

TEST(RefundTest, ParsesAbnormalAndClosedAndRejectsTheRest) {
  const std::string base =
      R"("mchid":"1","transaction_id":"t","out_trade_no":"o","refund_id":"r","out_refund_no":"x","amount":{"total":5,"refund":2})";
  auto abnormal = ParseRefund("{" + base + R"(,"refund_status":"ABNORMAL"})");
  ASSERT_TRUE(abnormal.ok());
  EXPECT_EQ(abnormal->refund_status, RefundStatus::kAbnormal);
  EXPECT_FALSE(abnormal->success_time.has_value());
  auto closed = ParseRefund("{" + base + R"(,"refund_status":"CLOSED"})");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->refund_status, RefundStatus::kClosed);
  for (const std::string& bad :
       std::vector<std::string>{"{" + base + "}", "{" + base + R"(,"refund_status":"DONE"})",
                                std::string(R"({"refund_status":"SUCCESS"})"), std::string("{}")}) {
    EXPECT_EQ(ParseRefund(bad).status().reason(), "WECHATPAY_MALFORMED_RESOURCE") << bad;
  }
}

TEST(CertificateDownloadTest, DecryptsTheJavaSdkResponse) {
  auto key = ApiV3Key::Create(Vector("aes256gcm_java_certificate", "apiv3_key"));
  ASSERT_TRUE(key.ok());
  auto certs =
      DecryptCertificateDownload(ReadTestdata("java_download_certificate_response.json"), *key);
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  ASSERT_EQ(certs->size(), 1u);
  const DownloadedCertificate& c = (*certs)[0];
  EXPECT_EQ(c.serial_no, "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC");
  EXPECT_EQ(c.effective_time, "2023-09-19T23:15:58+08:00");
  EXPECT_EQ(c.expire_time, "2028-09-17T23:15:58+08:00");
  EXPECT_TRUE(c.pem.starts_with("-----BEGIN CERTIFICATE-----"));
  auto parsed = crypto::ParseCertificatePem(c.pem);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->serial, "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC");

  PlatformKeys keys;
  ASSERT_TRUE(keys.AddCertificatePem(c.pem).ok());
  EXPECT_NE(keys.Find("5dea10ef55877e3cf6c33255c2e7defff7e427ec"), nullptr);
}

TEST(CertificateDownloadTest, RejectsTamperingAndMismatchedSerials) {
  auto key = ApiV3Key::Create(Vector("aes256gcm_java_certificate", "apiv3_key"));
  ASSERT_TRUE(key.ok());
  std::string body = ReadTestdata("java_download_certificate_response.json");

  std::string tampered = body;
  size_t pos = tampered.find("\"ciphertext\": \"Mr/") + 15;
  tampered[pos] = 'N';
  EXPECT_EQ(DecryptCertificateDownload(tampered, *key).status().reason(),
            "WECHATPAY_DECRYPT_FAILED");

  std::string wrong_aad = body;
  wrong_aad.replace(wrong_aad.find("\"certificate\""), 13, "\"certificatf\"");
  EXPECT_EQ(DecryptCertificateDownload(wrong_aad, *key).status().reason(),
            "WECHATPAY_DECRYPT_FAILED");

  std::string wrong_serial = body;
  wrong_serial.replace(wrong_serial.find("5DEA10EF"), 8, "5DEA10EE");
  EXPECT_EQ(DecryptCertificateDownload(wrong_serial, *key).status().reason(), "WECHATPAY_BAD_KEY");

  auto other = ApiV3Key::Create(std::string(32, '0'));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(DecryptCertificateDownload(body, *other).status().reason(), "WECHATPAY_DECRYPT_FAILED");
  for (const char* bad : {"", "{}", R"({"data":{}})", R"({"data":[{"serial_no":"1"}]})"}) {
    EXPECT_EQ(DecryptCertificateDownload(bad, *key).status().reason(), "WECHATPAY_MALFORMED_BODY")
        << bad;
  }
}

}  // namespace
}  // namespace mileage::wechat::pay
