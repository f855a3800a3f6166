#include "tests/support/wechatpay_notifier.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "wechat/pay/refund.h"
#include "wechat/pay/transaction.h"
#include "wechat/sandbox/key_material.h"

namespace mileage::testing {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(MILEAGE_WECHAT_TESTDATA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

WechatPayNotifier::WechatPayNotifier(const Clock& clock, RandomSource& random)
    : clock_(clock), random_(random) {
  Result<crypto::RsaPrivateKey> key =
      crypto::RsaPrivateKey::FromPem(ReadTestdata("java_wechat_pay_private_key.pem"));
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  if (key.ok()) key_.emplace(std::move(key).value());
}

std::vector<org::PlatformKey> WechatPayNotifier::PlatformKeys() {
  static const std::string* const kCertificate = [] {
    using std::chrono::seconds;
    Result<std::string> pem = wechat::sandbox::SelfSignedCertificatePem(
        ReadTestdata("java_wechat_pay_private_key.pem"), "Mileage test platform",
        kCertificateSerial, TimePoint(seconds(1'577'836'800)),  // 2020-01-01
        TimePoint(seconds(2'366'841'600)));                     // 2045-01-01
    EXPECT_TRUE(pem.ok()) << pem.status().ToString();
    return new std::string(pem.ok() ? *pem : "");
  }();
  return {{kCertificateSerial, *kCertificate, 0, 0, 0},
          {kPublicKeyId, ReadTestdata("java_wechat_pay_public_key.pem"), 0, 0, 0}};
}

std::string WechatPayNotifier::ExpiredCertificatePem() {
  return ReadTestdata("java_wechat_pay_certificate.pem");
}

std::string WechatPayNotifier::Testdata(const std::string& name) { return ReadTestdata(name); }

wechat::pay::SignedNotification WechatPayNotifier::Sign(const wechat::pay::NotificationSpec& spec,
                                                        const std::string& serial) {
  Result<wechat::pay::ApiV3Key> key = wechat::pay::ApiV3Key::Create(kApiV3Key);
  EXPECT_TRUE(key.ok());
  if (!key.ok() || !key_.has_value()) return {};
  Result<wechat::pay::SignedNotification> signed_notification =
      wechat::pay::BuildNotification(spec, *key, *key_, serial, clock_.Now(), random_);
  EXPECT_TRUE(signed_notification.ok()) << signed_notification.status().ToString();
  return signed_notification.ok() ? *signed_notification : wechat::pay::SignedNotification{};
}

wechat::pay::SignedNotification WechatPayNotifier::Payment(const PaymentSpec& spec,
                                                           const std::string& serial) {
  wechat::pay::Transaction t;
  t.appid = spec.appid;
  t.mchid = spec.mchid;
  t.out_trade_no = "OUT" + spec.transaction_id;
  t.transaction_id = spec.transaction_id;
  t.trade_type = "JSAPI";
  t.trade_state = *wechat::pay::ParseTradeState(spec.trade_state);
  t.trade_state_desc = "支付成功";
  t.bank_type = "OTHERS";
  t.success_time = clock_.Now();
  t.payer_openid = spec.openid;
  t.amount = {spec.amount_fen, spec.amount_fen, "CNY", "CNY"};
  return Sign(wechat::pay::TransactionNotificationSpec(
                  "N-" + spec.transaction_id + "-" + std::to_string(++notification_seq_), t),
              serial);
}

wechat::pay::SignedNotification WechatPayNotifier::Refund(const RefundSpec& spec) {
  wechat::pay::Refund r;
  r.mchid = spec.mchid;
  r.out_trade_no = "OUT" + spec.transaction_id;
  r.transaction_id = spec.transaction_id;
  r.out_refund_no = "OR" + spec.refund_id;
  r.refund_id = spec.refund_id;
  r.refund_status = spec.event_type == "REFUND.SUCCESS"    ? wechat::pay::RefundStatus::kSuccess
                    : spec.event_type == "REFUND.ABNORMAL" ? wechat::pay::RefundStatus::kAbnormal
                                                           : wechat::pay::RefundStatus::kClosed;
  if (r.refund_status == wechat::pay::RefundStatus::kSuccess) r.success_time = clock_.Now();
  r.user_received_account = "支付用户零钱";
  r.amount = {spec.total_fen, spec.refund_fen, spec.total_fen, spec.refund_fen};
  return Sign(wechat::pay::RefundNotificationSpec(
      "N-" + spec.refund_id + "-" + std::to_string(++notification_seq_), r));
}

httplib::Result WechatPayNotifier::Post(httplib::Client& client,
                                        const wechat::pay::SignedNotification& n,
                                        const std::string& mchid) {
  httplib::Headers headers = {{"Wechatpay-Serial", n.headers.serial},
                              {"Wechatpay-Signature", n.headers.signature},
                              {"Wechatpay-Timestamp", n.headers.timestamp},
                              {"Wechatpay-Nonce", n.headers.nonce}};
  return client.Post("/wechatpay/v3/notify/" + mchid, headers, n.body, "application/json");
}

}  // namespace mileage::testing
