// The trust model of POST /wechatpay/v3/notify/{mchid} (docs/API.md, "WeChat Pay
// notifications"), end to end on SQLite and MariaDB: a notification verified under merchant M
// touches only M's records, may only name apps of M's brand, is refused while M is deactivated,
// and verifies only with M's platform keys in use (retired ones stop within the cache bound).
#include <rapidjson/document.h>

#include "crypto/data_key.h"
#include "kv/memory/memory_kv.h"
#include "org/org_module.h"
#include "payments/merchant_keys.h"
#include "tests/integration/payments/payments_fixture.h"
#include "wechat/pay/transaction.h"

namespace mileage::testing {
namespace {

constexpr const char* kBrand2Mchid = "1900000201";
constexpr const char* kBrand2Appid = "wx2222222222222222";
constexpr const char* kDataKeyHex =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string FailMessage(const httplib::Result& res) {
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  if (!doc.IsObject() || !doc.HasMember("message")) return "<not a FAIL body: " + res->body + ">";
  return doc["message"].GetString();
}

// Brand 1 is the fixture's (merchants kMchid and kOtherMchid, app kAppid); brand 2 has its own
// app and merchant kBrand2Mchid, registered with the same platform keys (WeChat's keys are the
// same for every merchant; what tells merchants apart is the mchid and the API v3 key).
class TrustTest : public PaymentsTest {
 protected:
  void SetUp() override {
    PaymentsTest::SetUp();
    if (database_ == nullptr || HasFatalFailure()) return;
    const org::Actor op = org::Actor::System("test");
    org::HierarchyService& h = server_->app().org().hierarchy();
    Result<org::Node> brand = h.CreateBrand(op, "Brand 2");
    ASSERT_TRUE(brand.ok());
    brand2_ = brand->path.id();
    Result<org::Node> region = h.Create(op, org::NodeType::kRegion, brand2_, "R2");
    ASSERT_TRUE(region.ok());
    Result<org::Node> dealer = h.Create(op, org::NodeType::kDealer, region->path.id(), "D2");
    ASSERT_TRUE(dealer.ok());
    Result<org::Node> store = h.Create(op, org::NodeType::kStore, dealer->path.id(), "S2");
    ASSERT_TRUE(store.ok());
    RegisterApp(brand2_, kBrand2Appid);
    RegisterMerchant(store->path.id(), kBrand2Mchid, kBrand2Appid, kApiV3Key,
                     WechatPayNotifier::PlatformKeys());
  }

  // What brand 1 holds: its payment rows, refunds, journals, entries and balances, as text.
  std::string Brand1State() {
    const std::string b = std::to_string(brand_);
    std::string out;
    for (const std::string& sql :
         {"SELECT COUNT(*) FROM payment_transactions WHERE brand_id = " + b,
          "SELECT COALESCE(SUM(refunded_fen), 0) FROM payment_transactions WHERE brand_id = " + b,
          "SELECT COALESCE(SUM(points_reversed), 0) FROM payment_transactions WHERE brand_id = " +
              b,
          "SELECT COUNT(*) FROM payment_transactions WHERE state <> 'paid' AND brand_id = " + b,
          "SELECT COUNT(*) FROM payment_refunds WHERE brand_id = " + b,
          "SELECT COUNT(*) FROM point_journals WHERE brand_id = " + b,
          "SELECT COUNT(*) FROM point_entries e JOIN point_journals j ON j.id = e.journal_id "
          "WHERE j.brand_id = " +
              b,
          "SELECT COUNT(*) FROM members WHERE brand_id = " + b,
          "SELECT COUNT(*) FROM outbox_events WHERE brand_id = " + b}) {
      out += std::to_string(Scalar(sql)) + " ";
    }
    return out;
  }

  // A payment notification whose notification id is `id` (WechatPayNotifier makes fresh ids).
  wechat::pay::SignedNotification PaymentWithId(const std::string& id, const PaymentSpec& spec) {
    wechat::pay::Transaction t;
    t.appid = spec.appid;
    t.mchid = spec.mchid;
    t.out_trade_no = "OUT" + spec.transaction_id;
    t.transaction_id = spec.transaction_id;
    t.trade_type = "JSAPI";
    t.trade_state = wechat::pay::TradeState::kSuccess;
    t.trade_state_desc = "ok";
    t.bank_type = "OTHERS";
    t.success_time = clock_.Now();
    t.payer_openid = spec.openid;
    t.amount = {spec.amount_fen, spec.amount_fen, "CNY", "CNY"};
    return Sign(wechat::pay::TransactionNotificationSpec(id, t));
  }

  int64_t brand2_ = 0;
};

// Brand 2's merchant signs (it has WeChat's keys and its own API v3 key) a REFUND.SUCCESS that
// names brand 1's transaction: brand 1 is untouched, and the answer and what brand 2 can read
// back are exactly those of a transaction_id that does not exist.
TEST_P(TrustTest, ARefundOfAnotherMerchantsTransactionChangesNothingAndTellsNothing) {
  ASSERT_EQ(Post(Payment({"4200000000000000000000000001", "openid-alice", 10000}))->status, 204);
  ASSERT_EQ(BalanceOfOpenid("openid-alice"), 100);
  const std::string brand1 = Brand1State();

  auto foreign = Post(Refund({"5000000000000000000000000001", "4200000000000000000000000001", 10000,
                              10000, "REFUND.SUCCESS", kBrand2Mchid}),
                      kBrand2Mchid);
  auto unknown = Post(Refund({"5000000000000000000000000002", "4200000000000000000000009999", 10000,
                              10000, "REFUND.SUCCESS", kBrand2Mchid}),
                      kBrand2Mchid);
  ASSERT_TRUE(foreign);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(foreign->status, 204) << foreign->body;
  EXPECT_EQ(foreign->status, unknown->status);
  EXPECT_EQ(foreign->body, unknown->body);

  EXPECT_EQ(Brand1State(), brand1);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 100);
  EXPECT_EQ(Scalar("SELECT refunded_fen FROM payment_transactions"), 0);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions"), 0);
  // Both refunds wait, recorded alike under brand 2's merchant: nothing to tell them apart.
  for (const char* refund : {"5000000000000000000000000001", "5000000000000000000000000002"}) {
    EXPECT_EQ(Scalar(std::string("SELECT COUNT(*) FROM payment_refunds WHERE applied = 0 AND "
                                 "points_reversed = 0 AND brand_id = ") +
                     std::to_string(brand2_) + " AND refund_id = '" + refund + "'"),
              1)
        << refund;
  }
}

// A refund that waits for its payment is applied only by a payment of its own merchant.
TEST_P(TrustTest, AForeignRefundWaitingForATransactionIdIsNeverAppliedToAnotherMerchantsPayment) {
  ASSERT_EQ(Post(Refund({"5000000000000000000000000003", "4200000000000000000000000003", 10000,
                         10000, "REFUND.SUCCESS", kBrand2Mchid}),
                 kBrand2Mchid)
                ->status,
            204);
  ASSERT_EQ(Post(Payment({"4200000000000000000000000003", "openid-alice", 10000}))->status, 204);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 100);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions"), 0);
  EXPECT_EQ(Scalar("SELECT applied FROM payment_refunds"), 0);
}

// A merchant that can sign (another merchant of the brand here, so even the brand's ledger is
// shared) reports the real payment's transaction_id, refund_id and notification id first: the
// real notifications still apply in full.
TEST_P(TrustTest, AMerchantPreEmptingAnotherMerchantsIdsDoesNotBlockTheRealOnes) {
  const std::string tx = "4200000000000000000000000004";
  ASSERT_EQ(PaymentWithId("N-shared", {tx, "openid-alice", 500, kOtherMchid}).headers.serial,
            kCertificateSerial);
  ASSERT_EQ(
      Post(PaymentWithId("N-shared", {tx, "openid-alice", 500, kOtherMchid}), kOtherMchid)->status,
      204);
  ASSERT_EQ(
      Post(Refund({"5000000000000000000000000004", tx, 500, 500, "REFUND.SUCCESS", kOtherMchid}),
           kOtherMchid)
          ->status,
      204);
  ASSERT_EQ(BalanceOfOpenid("openid-alice"), 0);

  auto real = Post(PaymentWithId("N-shared", {tx, "openid-alice", 10000}));
  ASSERT_TRUE(real);
  EXPECT_EQ(real->status, 204) << real->body;
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 100);
  EXPECT_EQ(Scalar("SELECT points_earned FROM payment_transactions WHERE mchid = '" +
                   std::string(kMchid) + "'"),
            100);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_notifications WHERE id = 'N-shared'"), 2);

  ASSERT_EQ(Post(Refund({"5000000000000000000000000004", tx, 4000, 10000}))->status, 204);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 60);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions WHERE mchid = '" +
                   std::string(kMchid) + "'"),
            40);
  EXPECT_EQ(Scalar("SELECT SUM(amount) FROM point_entries"), 0);
}

// Members are enrolled by (brand, appid, openid): a merchant may only enroll through an active
// app of its own brand. Verified but unacceptable: 401, nothing written.
TEST_P(TrustTest, APaymentThroughAnAppTheBrandDidNotRegisterEnrollsNobody) {
  const std::string empty = WrittenState();
  for (const char* appid : {kBrand2Appid, "wx3333333333333333"}) {
    PaymentSpec spec{"4200000000000000000000000005", "openid-mallory", 100'000'000};
    spec.appid = appid;
    auto res = Post(Payment(spec));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << appid << ": " << res->body;
    EXPECT_EQ(FailMessage(res), "APPID_NOT_REGISTERED") << appid;
  }
  EXPECT_EQ(WrittenState(), empty);

  // The brand's own app, deactivated, is refused as well until it is reactivated.
  org::BrandAppService& apps = server_->app().org().apps();
  const org::Actor op = org::Actor::System("test");
  Result<org::BrandApp> app = apps.GetByAppid(op, kAppid);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(apps.SetActive(op, app->id, false).ok());
  auto refused = Post(Payment({"4200000000000000000000000006", "openid-alice", 1000}));
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(FailMessage(refused), "APPID_NOT_REGISTERED");
  EXPECT_EQ(WrittenState(), empty);
  ASSERT_TRUE(apps.SetActive(op, app->id, true).ok());
  EXPECT_EQ(Post(Payment({"4200000000000000000000000006", "openid-alice", 1000}))->status, 204);
  EXPECT_EQ(Count("members"), 1);
}

TEST_P(TrustTest, ADeactivatedMerchantsNotificationsAreRefusedAndWriteNothing) {
  org::MerchantService& merchants = server_->app().org().merchants();
  const org::Actor op = org::Actor::System("test");
  Result<org::Merchant> merchant = merchants.GetByMchid(op, kMchid);
  ASSERT_TRUE(merchant.ok());
  ASSERT_TRUE(merchants.SetActive(op, merchant->id, false).ok());
  const std::string empty = WrittenState();
  auto refused = Post(Payment({"4200000000000000000000000007", "openid-alice", 1000}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(FailMessage(refused), "MERCHANT_INACTIVE");
  auto refund =
      Post(Refund({"5000000000000000000000000007", "4200000000000000000000000007", 1000, 1000}));
  EXPECT_EQ(refund->status, 401);
  EXPECT_EQ(FailMessage(refund), "MERCHANT_INACTIVE");
  // Verification comes first: an unverified request learns nothing about the merchant.
  auto forged = Payment({"4200000000000000000000000008", "openid-alice", 1000});
  forged.body[forged.body.size() / 2] ^= 0x01;
  EXPECT_EQ(FailMessage(Post(forged)), "WECHATPAY_BAD_SIGNATURE");
  EXPECT_EQ(WrittenState(), empty);

  ASSERT_TRUE(merchants.SetActive(op, merchant->id, true).ok());
  EXPECT_EQ(Post(Payment({"4200000000000000000000000007", "openid-alice", 1000}))->status, 204);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 10);
}

// A key retired by another process (the operator CLI, another instance) stops verifying once the
// serving process's cache entry expires (payments::MerchantKeyCache::kDefaultTtl); one retired
// through the serving process's own org module stops at once.
TEST_P(TrustTest, ARetiredKeyStopsVerifyingWithinTheCacheBound) {
  ASSERT_EQ(Post(Payment({"4200000000000000000000000009", "openid-alice", 1000}))->status, 204);

  Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKeyHex);
  ASSERT_TRUE(key.ok());
  kv::MemoryKv kv(clock_);
  org::OrgModule cli(database_->db(), kv, clock_, random_, *key, org::OrgOptions{});
  const org::Actor op = org::Actor::System("cli");
  Result<org::Merchant> merchant = cli.merchants().GetByMchid(op, kMchid);
  ASSERT_TRUE(merchant.ok());
  Result<org::Merchant> retired =
      cli.merchants().RetirePlatformKey(op, merchant->id, kCertificateSerial);
  ASSERT_TRUE(retired.ok()) << retired.status().ToString();

  // Within the bound the serving process still has the key.
  clock_.Advance(payments::MerchantKeyCache::kDefaultTtl - std::chrono::seconds(5));
  EXPECT_EQ(Post(Payment({"4200000000000000000000000010", "openid-alice", 1000}))->status, 204);
  clock_.Advance(std::chrono::seconds(6));
  const std::string before = WrittenState();
  auto stale = Post(Payment({"4200000000000000000000000011", "openid-alice", 1000}));
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 401);
  EXPECT_EQ(FailMessage(stale), "WECHATPAY_UNKNOWN_SERIAL");
  EXPECT_EQ(WrittenState(), before);
  EXPECT_EQ(
      Post(Payment({"4200000000000000000000000011", "openid-alice", 1000}, kPublicKeyId))->status,
      204);

  // The last usable key stays.
  Result<org::Merchant> last =
      server_->app().org().merchants().RetirePlatformKey(op, merchant->id, kPublicKeyId);
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.status().reason(), "LAST_PLATFORM_KEY");
  EXPECT_EQ(
      Post(Payment({"4200000000000000000000000012", "openid-alice", 1000}, kPublicKeyId))->status,
      204);

  // Put back through the serving process: it verifies at once.
  Result<org::Merchant> restored = server_->app().org().merchants().AddPlatformKey(
      op, merchant->id, kCertificateSerial, WechatPayNotifier::PlatformKeys()[0].pem);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(Post(Payment({"4200000000000000000000000013", "openid-alice", 1000}))->status, 204);
  // And retired through it: refused at once.
  ASSERT_TRUE(server_->app()
                  .org()
                  .merchants()
                  .RetirePlatformKey(op, merchant->id, kCertificateSerial)
                  .ok());
  EXPECT_EQ(FailMessage(Post(Payment({"4200000000000000000000000014", "openid-alice", 1000}))),
            "WECHATPAY_UNKNOWN_SERIAL");
}

MILEAGE_PAYMENTS_TEST_SUITE(TrustTest);

}  // namespace
}  // namespace mileage::testing
