#include "tests/integration/payments/payments_fixture.h"

#include "org/principal.h"
#include "points/ledger.h"
#include "tests/integration/payments/payments_checks.h"

namespace mileage::testing {
namespace {

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

  notifier_ = std::make_unique<WechatPayNotifier>(clock_, random_);

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
  RegisterApp(brand_, kAppid);
  for (auto [store, mchid] : {std::pair{store1_, kMchid}, std::pair{store2_, kOtherMchid}}) {
    RegisterMerchant(store, mchid, kAppid, kApiV3Key, WechatPayNotifier::PlatformKeys());
  }
}

void PaymentsTest::RegisterApp(int64_t brand, const std::string& appid) {
  Result<org::BrandApp> created = server_->app().org().apps().Create(
      org::Actor::System("test"), brand, org::NewBrandApp{appid, "miniprogram", "Mini", ""});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
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

httplib::Result PaymentsTest::Post(const wechat::pay::SignedNotification& n,
                                   const std::string& mchid) {
  return WechatPayNotifier::Post(*server_->Client(), n, mchid);
}

int64_t PaymentsTest::Scalar(const std::string& sql) { return database_->Scalar(sql); }

int64_t PaymentsTest::Count(const std::string& table) {
  return Scalar("SELECT COUNT(*) FROM " + table);
}

int64_t PaymentsTest::BalanceOfOpenid(const std::string& openid) {
  return testing::BalanceOfOpenid(*database_, openid);
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

std::string PaymentsTest::WrittenState() { return testing::WrittenState(*database_); }

}  // namespace mileage::testing
