#include "tests/integration/payments/payments_fixture.h"

#include <fstream>
#include <sstream>

#include "org/principal.h"
#include "points/ledger.h"
#include "wechat/pay/refund.h"
#include "wechat/pay/transaction.h"

namespace mileage::testing {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(MILEAGE_WECHAT_TESTDATA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kDataKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

}  // namespace

void PaymentsTest::SetUp() {
  database_ = TestDatabase::Open(GetParam(), 16);
  if (database_ == nullptr) return;
  dir_ = std::make_unique<TempDir>();
  config_ = EmbeddedConfig(*dir_);
  config_.database = database_->url();
  config_.data_key = kDataKey;
  CustomizeConfig(config_);
  server::AppOptions options;
  if (!real_clock_) options.clock = &clock_;
  server_ = TestServer::Start(config_, options);
  ASSERT_NE(server_, nullptr);

  Result<wechat::crypto::RsaPrivateKey> key =
      wechat::crypto::RsaPrivateKey::FromPem(ReadTestdata("java_wechat_pay_private_key.pem"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  wechatpay_key_.emplace(std::move(key).value());

  const org::Actor op = org::Actor::System("test");
  org::HierarchyService& h = server_->app().org().hierarchy();
  auto node = [&](Result<org::Node> created) {
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->path.id() : 0;
  };
  brand_ = node(h.CreateBrand(op, "Brand"));
  const int64_t region = node(h.Create(op, org::NodeType::kRegion, brand_, "Region"));
  const int64_t dealer = node(h.Create(op, org::NodeType::kDealer, region, "Dealer"));
  store1_ = node(h.Create(op, org::NodeType::kStore, dealer, "Store 1"));
  store2_ = node(h.Create(op, org::NodeType::kStore, dealer, "Store 2"));
  const std::string certificate = ReadTestdata("java_wechat_pay_certificate.pem");
  const std::string public_key = ReadTestdata("java_wechat_pay_public_key.pem");
  for (auto [store, mchid] : {std::pair{store1_, kMchid}, std::pair{store2_, kOtherMchid}}) {
    RegisterMerchant(store, mchid, kAppid, kApiV3Key,
                     {{kCertificateSerial, certificate, 0}, {kPublicKeyId, public_key, 0}});
  }
}

void PaymentsTest::RegisterMerchant(int64_t store, const std::string& mchid,
                                    const std::string& appid, const std::string& apiv3_key,
                                    std::vector<org::PlatformKey> keys) {
  org::NewMerchant merchant{mchid, appid, apiv3_key, std::move(keys)};
  Result<org::Merchant> created =
      server_->app().org().merchants().Create(org::Actor::System("test"), store, merchant);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
}

void PaymentsTest::TearDown() {
  server_.reset();
  database_.reset();
}

wechat::pay::SignedNotification PaymentsTest::Sign(const wechat::pay::NotificationSpec& spec,
                                                   const std::string& serial) {
  Result<wechat::pay::ApiV3Key> key = wechat::pay::ApiV3Key::Create(kApiV3Key);
  EXPECT_TRUE(key.ok());
  Result<wechat::pay::SignedNotification> signed_notification =
      wechat::pay::BuildNotification(spec, *key, *wechatpay_key_, serial, clock_.Now(), random_);
  EXPECT_TRUE(signed_notification.ok()) << signed_notification.status().ToString();
  return signed_notification.ok() ? *signed_notification : wechat::pay::SignedNotification{};
}

wechat::pay::SignedNotification PaymentsTest::Payment(const PaymentSpec& spec,
                                                      const std::string& serial) {
  wechat::pay::Transaction t;
  t.appid = kAppid;
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

wechat::pay::SignedNotification PaymentsTest::Refund(const RefundSpec& spec) {
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

httplib::Result PaymentsTest::Post(const wechat::pay::SignedNotification& n,
                                   const std::string& mchid) {
  httplib::Headers headers = {{"Wechatpay-Serial", n.headers.serial},
                              {"Wechatpay-Signature", n.headers.signature},
                              {"Wechatpay-Timestamp", n.headers.timestamp},
                              {"Wechatpay-Nonce", n.headers.nonce}};
  return server_->Client()->Post("/wechatpay/v3/notify/" + mchid, headers, n.body,
                                 "application/json");
}

int64_t PaymentsTest::Scalar(const std::string& sql) {
  Result<db::PooledConnection> conn = database_->db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  if (!rows.ok() || rows->empty() || rows->front().IsNull(0)) return 0;
  return rows->front().Int(0);
}

int64_t PaymentsTest::Count(const std::string& table) {
  return Scalar("SELECT COUNT(*) FROM " + table);
}

int64_t PaymentsTest::BalanceOfOpenid(const std::string& openid) {
  return Scalar(
      "SELECT a.balance FROM point_accounts a JOIN member_identities i "
      "ON i.member_id = a.owner_id WHERE a.kind = 'member' AND i.kind = 'openid' AND i.value = '" +
      openid + "'");
}

int64_t PaymentsTest::DebtOf(int64_t member_id) {
  int64_t debt = -1;
  Status read = db::InTransaction(database_->db(), [&](db::Connection& conn) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(points::Balance balance, points::Ledger(conn).BalanceOf(member_id));
    debt = balance.debt;
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
  return debt;
}

std::string PaymentsTest::WrittenState() {
  std::string out;
  for (const char* table :
       {"payment_notifications", "payment_transactions", "payment_refunds", "outbox_events",
        "members", "member_identities", "member_activity", "member_tier_changes", "point_journals",
        "point_entries", "point_lots", "point_accounts"}) {
    out += std::string(table) + "=" + std::to_string(Count(table)) + " ";
  }
  return out;
}

}  // namespace mileage::testing
