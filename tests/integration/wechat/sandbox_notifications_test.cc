// The sandbox delivers WeChat Pay notifications to a receiver in the test, which verifies them
// with the wechat library; retries, probes, duplicates, refunds and the trade bill.

#include <gtest/gtest.h>

#include <set>

#include "tests/support/free_port.h"
#include "tests/support/running_sandbox.h"
#include "wechat/client/trade_bill.h"
#include "wechat/pay/refund.h"
#include "common/civil_time.h"
#include "wechat/pay/transaction.h"
#include "wechat/reasons.h"
#include "wechat/sandbox/fixtures.h"

namespace mileage::testing {
namespace {

using wechat::sandbox::KeyMode;

wechat::client::JsapiOrder Order(const MerchantExport& merchant, const std::string& out_trade_no,
                                 int64_t total, const std::string& notify_url) {
  wechat::client::JsapiOrder order;
  order.appid = merchant.appid;
  order.description = "Fuel 95";
  order.out_trade_no = out_trade_no;
  order.notify_url = notify_url;
  order.total = total;
  order.payer_openid = wechat::sandbox::OpenidFor(merchant.appid, "user-7");
  order.attach = "store=42";
  return order;
}

// Pays an order through the sandbox-only endpoint; returns the delivery id (0 on failure).
int64_t PayOrder(RunningSandbox& sandbox, const std::string& out_trade_no,
                 std::string* transaction_id = nullptr) {
  rapidjson::Document paid =
      sandbox.PostJson("/sandbox/merchants/1900000001/orders/" + out_trade_no + "/pay", "");
  if (!paid.IsObject() || !paid.HasMember("delivery_id")) {
    ADD_FAILURE() << "pay failed";
    return 0;
  }
  if (transaction_id != nullptr) *transaction_id = paid["transaction_id"].GetString();
  return paid["delivery_id"].GetInt64();
}

class KeyModeTest : public ::testing::TestWithParam<KeyMode> {};

TEST_P(KeyModeTest, APaidOrderIsNotifiedAndVerifiesWithTheExportedKey) {
  RunningSandbox sandbox([](wechat::sandbox::SandboxConfig& c) { c.key_mode = GetParam(); });
  ASSERT_TRUE(sandbox.ok());
  MerchantExport merchant = sandbox.Export();
  bool certificate = GetParam() != KeyMode::kPublicKey;
  bool public_key = GetParam() != KeyMode::kCertificate;
  Receiver receiver(KeysFor(merchant, certificate, public_key), merchant.apiv3_key);
  auto pay = sandbox.PayClientFor(merchant);
  ASSERT_NE(pay, nullptr);

  std::set<std::string> serials;
  for (int i = 0; i < 2; ++i) {
    std::string out_trade_no = "KM" + std::to_string(i);
    ASSERT_FALSE(
        MustOk(pay->CreateJsapiOrder(Order(merchant, out_trade_no, 1234, receiver.url()))).empty());
    std::string transaction_id;
    int64_t delivery = PayOrder(sandbox, out_trade_no, &transaction_id);
    EXPECT_EQ(sandbox.AwaitFinal(delivery).state, "delivered");

    std::vector<Receiver::Received> received = receiver.received();
    ASSERT_EQ(received.size(), static_cast<size_t>(i + 1));
    const Receiver::Received& last = received.back();
    ASSERT_TRUE(last.verification.ok()) << last.verification.ToString();
    serials.insert(last.serial);
    EXPECT_EQ(last.notification.event, wechat::pay::NotificationEvent::kTransactionSuccess);
    wechat::pay::Transaction t = MustOk(wechat::pay::ParseTransaction(last.notification.plaintext));
    EXPECT_EQ(t.out_trade_no, out_trade_no);
    EXPECT_EQ(t.transaction_id, transaction_id);
    EXPECT_EQ(t.mchid, "1900000001");
    EXPECT_EQ(t.amount.total, 1234);
    EXPECT_EQ(t.payer_openid, wechat::sandbox::OpenidFor(merchant.appid, "user-7"));
    EXPECT_EQ(t.attach, "store=42");
    EXPECT_TRUE(t.success_time.has_value());
  }
  std::set<std::string> expected;
  if (certificate) expected.insert(merchant.certificate_serial);
  if (public_key) expected.insert(merchant.public_key_id);
  EXPECT_EQ(serials, expected);
}

INSTANTIATE_TEST_SUITE_P(Modes, KeyModeTest,
                         ::testing::Values(KeyMode::kCertificate, KeyMode::kPublicKey,
                                           KeyMode::kBoth),
                         [](const ::testing::TestParamInfo<KeyMode>& param_info) {
                           return std::string(wechat::sandbox::KeyModeName(param_info.param));
                         });

class NotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sandbox_.ok());
    merchant_ = sandbox_.Export();
    receiver_ = std::make_unique<Receiver>(KeysFor(merchant_, true, true), merchant_.apiv3_key);
    pay_ = sandbox_.PayClientFor(merchant_);
    ASSERT_NE(pay_, nullptr);
  }

  int64_t PayNew(const std::string& out_trade_no, int64_t total) {
    EXPECT_TRUE(
        pay_->CreateJsapiOrder(Order(merchant_, out_trade_no, total, receiver_->url())).ok());
    return PayOrder(sandbox_, out_trade_no);
  }

  // Pays an order whose notify_url nobody listens on; returns the delivery id.
  int64_t PayToNowhere(const std::string& out_trade_no) {
    const std::string nowhere = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/n";
    EXPECT_TRUE(pay_->CreateJsapiOrder(Order(merchant_, out_trade_no, 100, nowhere)).ok());
    return PayOrder(sandbox_, out_trade_no);
  }

  RunningSandbox sandbox_;
  MerchantExport merchant_;
  std::unique_ptr<Receiver> receiver_;
  std::unique_ptr<wechat::client::PayClient> pay_;
};

TEST_F(NotificationTest, RetriesWhileTheReceiverFailsAndStopsWhenItAnswers204) {
  receiver_->set_policy([](int n) { return n < 3 ? 500 : 204; });
  int64_t delivery = PayNew("RETRY1", 500);
  DeliveryView view = sandbox_.AwaitFinal(delivery);
  EXPECT_EQ(view.state, "delivered");
  EXPECT_EQ(view.statuses, (std::vector<int>{500, 500, 500, 204}));
  // Were a delivered notification retried, the retry would fall due 180 ms (3 min x 0.001)
  // after the 204. The sandbox makes attempts in the order they fall due, so once a delivery
  // started after it, to a receiver that is down, has made its 6th attempt (15 + 15 + 30 +
  // 180 + 600 ms after its first), that retry would have been made.
  const int64_t marker = PayToNowhere("RETRY1-MARKER");
  ASSERT_TRUE(Eventually([&] { return sandbox_.Delivery(marker).statuses.size() >= 6; }));
  EXPECT_EQ(sandbox_.Delivery(delivery).statuses.size(), 4u);
  std::vector<Receiver::Received> received = receiver_->received();
  ASSERT_EQ(received.size(), 4u);
  for (const Receiver::Received& r : received) {
    EXPECT_TRUE(r.verification.ok()) << r.verification.ToString();
    EXPECT_EQ(r.notification.id, view.notification_id);
  }
}

TEST_F(NotificationTest, AReceiverThatIsDownIsRetriedLikeOneThatFails) {
  int64_t delivery = PayToNowhere("DOWN1");
  EXPECT_TRUE(Eventually([&] { return sandbox_.Delivery(delivery).statuses.size() >= 3; }));
  for (int status : sandbox_.Delivery(delivery).statuses) EXPECT_EQ(status, 0);
}

TEST_F(NotificationTest, ASigntestProbeIsRejectedByTheReceiver) {
  rapidjson::Document probe = sandbox_.PostJson("/sandbox/merchants/1900000001/signtest",
                                                R"({"notify_url":")" + receiver_->url() + "\"}");
  ASSERT_TRUE(probe.IsObject() && probe.HasMember("delivery_id"));
  DeliveryView view = sandbox_.AwaitFinal(probe["delivery_id"].GetInt64());
  EXPECT_EQ(view.kind, "signtest");
  EXPECT_EQ(view.state, "probe_rejected");
  EXPECT_EQ(view.statuses, (std::vector<int>{401}));
  std::vector<Receiver::Received> received = receiver_->received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].verification.reason(), wechat::reason::kSigntestProbe);
}

TEST_F(NotificationTest, ADuplicateRedeliversTheSameNotificationId) {
  int64_t delivery = PayNew("DUP1", 700);
  DeliveryView original = sandbox_.AwaitFinal(delivery);
  ASSERT_EQ(original.state, "delivered");
  rapidjson::Document dup =
      sandbox_.PostJson("/sandbox/deliveries/" + std::to_string(delivery) + "/duplicate", "");
  ASSERT_TRUE(dup.IsObject() && dup.HasMember("delivery_id"));
  DeliveryView copy = sandbox_.AwaitFinal(dup["delivery_id"].GetInt64());
  EXPECT_EQ(copy.kind, "duplicate");
  EXPECT_EQ(copy.state, "delivered");
  EXPECT_EQ(copy.notification_id, original.notification_id);
  std::vector<Receiver::Received> received = receiver_->received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_TRUE(received[1].verification.ok()) << received[1].verification.ToString();
  EXPECT_EQ(received[0].notification.id, received[1].notification.id);
  EXPECT_EQ(received[0].notification.plaintext, received[1].notification.plaintext);
}

TEST_F(NotificationTest, ARefundDeliversRefundSuccessOnce) {
  ASSERT_EQ(sandbox_.AwaitFinal(PayNew("REF1", 1000)).state, "delivered");
  wechat::client::RefundRequest request;
  request.out_trade_no = "REF1";
  request.out_refund_no = "REF1-R1";
  request.refund = 400;
  request.total = 1000;
  request.notify_url = receiver_->url();
  wechat::client::RefundReceipt receipt = MustOk(pay_->CreateRefund(request));
  EXPECT_EQ(receipt.status, "PROCESSING");
  EXPECT_EQ(receipt.refund, 400);
  ASSERT_TRUE(Eventually([&] { return receiver_->count() >= 2; }));
  Receiver::Received refund = receiver_->received()[1];
  ASSERT_TRUE(refund.verification.ok()) << refund.verification.ToString();
  EXPECT_EQ(refund.notification.event, wechat::pay::NotificationEvent::kRefundSuccess);
  wechat::pay::Refund parsed = MustOk(wechat::pay::ParseRefund(refund.notification.plaintext));
  EXPECT_EQ(parsed.out_refund_no, "REF1-R1");
  EXPECT_EQ(parsed.refund_id, receipt.refund_id);
  EXPECT_EQ(parsed.amount.refund, 400);
  EXPECT_EQ(parsed.amount.total, 1000);
  EXPECT_EQ(parsed.refund_status, wechat::pay::RefundStatus::kSuccess);

  // The same out_refund_no again: the same refund, and no second notification.
  EXPECT_EQ(MustOk(pay_->CreateRefund(request)).refund_id, receipt.refund_id);
  request.out_refund_no = "REF1-R2";
  request.refund = 700;
  EXPECT_EQ(pay_->CreateRefund(request).status().reason(), "WECHATPAY_API_NOT_ENOUGH");
  // A payment notified after those calls: a second refund notification, queued before it,
  // would have reached the receiver first.
  ASSERT_EQ(sandbox_.AwaitFinal(PayNew("REF1-MARKER", 100)).state, "delivered");
  std::vector<Receiver::Received> received = receiver_->received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[2].notification.event, wechat::pay::NotificationEvent::kTransactionSuccess);
  EXPECT_EQ(MustOk(wechat::pay::ParseTransaction(received[2].notification.plaintext)).out_trade_no,
            "REF1-MARKER");
}

TEST_F(NotificationTest, TheTradeBillListsTheDaysTransactions) {
  ASSERT_EQ(sandbox_.AwaitFinal(PayNew("BILL1", 1234)).state, "delivered");
  ASSERT_EQ(sandbox_.AwaitFinal(PayNew("BILL2", 566)).state, "delivered");
  wechat::client::RefundRequest request;
  request.out_trade_no = "BILL2";
  request.out_refund_no = "BILL2-R";
  request.refund = 66;
  request.total = 566;
  ASSERT_TRUE(pay_->CreateRefund(request).ok());
  std::string today = civil::FormatRfc3339Beijing(SystemClock().Now()).substr(0, 10);
  wechat::client::TradeBill bill = MustOk(pay_->DownloadTradeBill(today));
  ASSERT_EQ(bill.rows.size(), 3u);
  EXPECT_EQ(bill.rows[0].out_trade_no, "BILL1");
  EXPECT_EQ(bill.rows[0].trade_state, "SUCCESS");
  EXPECT_EQ(bill.rows[0].settlement_total, 1234);
  EXPECT_EQ(bill.rows[1].out_trade_no, "BILL2");
  EXPECT_EQ(bill.rows[2].trade_state, "REFUND");
  EXPECT_EQ(bill.rows[2].refund_amount, 66);
  EXPECT_EQ(bill.rows[2].out_refund_no, "BILL2-R");
  EXPECT_EQ(bill.summary.count, 3);
  EXPECT_EQ(bill.summary.settlement_total, 1800);
  EXPECT_EQ(bill.summary.refund_total, 66);
  EXPECT_EQ(pay_->DownloadTradeBill("2000-01-01").status().reason(),
            "WECHATPAY_API_NO_STATEMENT_EXIST");
}

TEST(GiveUpTest, DeliveryStopsAfterFifteenRetries) {
  RunningSandbox sandbox([](wechat::sandbox::SandboxConfig& c) { c.retry_scale = 0.00001; });
  ASSERT_TRUE(sandbox.ok());
  MerchantExport merchant = sandbox.Export();
  Receiver receiver(KeysFor(merchant, true, true), merchant.apiv3_key);
  receiver.set_policy([](int) { return 500; });
  rapidjson::Document paid = sandbox.PostJson(
      "/sandbox/payments",
      R"({"amount":100,"openid_code":"user-1","notify_url":")" + receiver.url() + "\"}");
  ASSERT_TRUE(paid.IsObject() && paid.HasMember("delivery_id"));
  DeliveryView view = sandbox.AwaitFinal(paid["delivery_id"].GetInt64());
  EXPECT_EQ(view.state, "gave_up");
  EXPECT_EQ(view.statuses, std::vector<int>(16, 500));
  EXPECT_EQ(receiver.count(), 16u);
}

}  // namespace
}  // namespace mileage::testing
