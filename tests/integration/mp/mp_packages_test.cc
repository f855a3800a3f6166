// Packages and orders over HTTP (docs/API.md, "Packages and orders" and "Packages (console)"):
// staff create and sell packages; a member orders one, the answer carries wx.requestPayment's
// parameters signed with the merchant key (checked here with OpenSSL directly); the sandbox pays
// the JSAPI order and notifies; the notification grants the package's coupons exactly once
// however often it is delivered, also for two orders racing; a full refund voids them; and every
// refusal (bad input, another brand's package, another member's order) writes nothing.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <set>
#include <thread>
#include <vector>

#include "crypto/base64.h"
#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using coupons::Channel;
using coupons::StockState;

// Whether `signature` (base64) is an RSA-SHA256 signature of `message` by the private key in
// `private_key_pem` (its public half), with OpenSSL's EVP interface directly.
bool VerifiedBy(const std::string& private_key_pem, const std::string& message,
                const std::string& signature_base64) {
  std::optional<std::string> signature = crypto::Base64Decode(signature_base64);
  if (!signature.has_value()) return false;
  BIO* bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

class MpPackagesTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    staff_ = StaffToken();
  }

  // An active exchange stock of the brand that takes grants: a car wash, 30 days from issue.
  int64_t WashStock(int64_t total = 100, int64_t per_member = 50,
                    std::set<Channel> channels = {Channel::kGrant}) {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand_;
    s.name = "Car wash";
    s.type = coupons::StockType::kExchange;
    s.item = "洗车一次";
    s.valid_days = 30;
    s.total_quantity = total;
    s.per_member_limit = per_member;
    s.channels = std::move(channels);
    const org::Actor op = org::Actor::System("test");
    Result<coupons::Stock> created = app().coupons().stocks().Create(op, s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    coupons::StockPatch active;
    active.state = StockState::kActive;
    EXPECT_TRUE(app().coupons().stocks().Update(op, created->id, active).ok());
    return created->id;
  }

  MpReply CreatePackage(const std::string& body) {
    return Send("POST", "/api/console/packages", staff_, body);
  }

  // A package of `quantity` coupons of `stock` at the fixture's store for `price_fen`, on sale.
  int64_t OnSalePackage(int64_t stock, int64_t quantity, int64_t price_fen = 9900) {
    MpReply created = CreatePackage(
        R"({"store_id":)" + std::to_string(store_) + R"(,"name":"洗车10次卡","price_fen":)" +
        std::to_string(price_fen) + R"(,"items":[{"stock_id":)" + std::to_string(stock) +
        R"(,"quantity":)" + std::to_string(quantity) + "}]}");
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return 0;
    const int64_t id = created.json["id"].GetInt64();
    MpReply sold = Send("PATCH", "/api/console/packages/" + std::to_string(id), staff_,
                        R"({"state":"on_sale"})");
    EXPECT_EQ(sold.status, 200) << sold.body;
    return id;
  }

  MpReply Order(const SignedIn& member, int64_t package) {
    return Send("POST", "/api/mp/orders", member.token,
                R"({"package_id":)" + std::to_string(package) + "}");
  }

  // The sandbox pays the JSAPI order and notifies; returns the delivery id once delivered.
  int64_t PayOrder(const std::string& out_trade_no) {
    rapidjson::Document paid = sandbox_->PostJson(
        std::string("/sandbox/merchants/") + kMchid + "/orders/" + out_trade_no + "/pay", "{}");
    EXPECT_TRUE(paid.IsObject() && paid.HasMember("delivery_id")) << "the sandbox did not pay";
    if (!paid.IsObject() || !paid.HasMember("delivery_id")) return 0;
    const int64_t delivery = paid["delivery_id"].GetInt64();
    EXPECT_EQ(sandbox_->AwaitFinal(delivery).state, "delivered");
    return delivery;
  }

  // The sandbox sends delivery `id`'s notification once more; waits until it is answered.
  void Redeliver(int64_t id) {
    rapidjson::Document again =
        sandbox_->PostJson("/sandbox/deliveries/" + std::to_string(id) + "/duplicate", "");
    ASSERT_TRUE(again.IsObject() && again.HasMember("delivery_id"));
    EXPECT_EQ(sandbox_->AwaitFinal(again["delivery_id"].GetInt64()).state, "delivered");
  }

  MpReply GetOrder(const SignedIn& member, int64_t id) {
    return Send("GET", "/api/mp/orders/" + std::to_string(id), member.token);
  }

  int64_t CouponsOf(int64_t member) {
    return Scalar("SELECT COUNT(*) FROM coupons WHERE member_id = " + std::to_string(member));
  }

  // What a package or order request could write; audit records count only when they are not
  // denials (the console records a refused NotFound or PermissionDenied on purpose).
  std::map<std::string, int64_t> PackagesWritten() {
    std::map<std::string, int64_t> counts = Written();
    counts["audit_log"] = Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome <> 'denied'");
    for (const char* table :
         {"coupons", "coupon_packages", "coupon_package_items", "package_orders"}) {
      counts[table] = Scalar(std::string("SELECT COUNT(*) FROM ") + table);
    }
    return counts;
  }

  SignedIn alice_, bob_;
  std::string staff_;
};

TEST_P(MpPackagesTest, AMemberBuysAPackageAndTheNotificationGrantsItsCouponsOnce) {
  const int64_t stock = WashStock();
  const int64_t package = OnSalePackage(stock, 10, 19900);

  MpReply listed = Send("GET", "/api/mp/packages", alice_.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].Size(), 1u);
  const auto& shown = listed.json["items"][0];
  EXPECT_EQ(shown["id"].GetInt64(), package);
  EXPECT_EQ(shown["price_fen"].GetInt64(), 19900);
  EXPECT_EQ(shown["store"]["id"].GetInt64(), store_);
  EXPECT_EQ(shown["items"][0]["quantity"].GetInt64(), 10);
  EXPECT_STREQ(shown["items"][0]["stock"]["item"].GetString(), "洗车一次");
  EXPECT_FALSE(shown["items"][0]["stock"].HasMember("total_quantity"));

  MpReply ordered = Order(alice_, package);
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  const auto& order = ordered.json["order"];
  EXPECT_STREQ(order["state"].GetString(), "pending");
  EXPECT_EQ(order["amount_fen"].GetInt64(), 19900);
  EXPECT_TRUE(order["paid_at"].IsNull());
  EXPECT_EQ(order["coupons"].Size(), 0u);
  const int64_t order_id = order["id"].GetInt64();
  const std::string out_trade_no = order["out_trade_no"].GetString();

  // wx.requestPayment's parameters, signed as WeChat Pay specifies: appId, timeStamp,
  // nonceStr and package, each followed by a newline, RSA-SHA256 with the merchant key.
  const auto& pay = ordered.json["payment"];
  EXPECT_STREQ(pay["appId"].GetString(), kAppid);
  EXPECT_STREQ(pay["signType"].GetString(), "RSA");
  const std::string package_param = pay["package"].GetString();
  EXPECT_EQ(package_param.rfind("prepay_id=", 0), 0u) << package_param;
  const int64_t stamp = std::stoll(pay["timeStamp"].GetString());
  EXPECT_LE(std::abs(stamp - UnixSeconds(clock_.Now())), 5);
  const std::string message = std::string(kAppid) + "\n" + pay["timeStamp"].GetString() + "\n" +
                              pay["nonceStr"].GetString() + "\n" + package_param + "\n";
  const MerchantExport merchant = sandbox_->Export(kMchid);
  EXPECT_TRUE(VerifiedBy(merchant.merchant_private_key_pem, message, pay["paySign"].GetString()));
  EXPECT_FALSE(
      VerifiedBy(merchant.merchant_private_key_pem, message + "x", pay["paySign"].GetString()));
  EXPECT_EQ(CouponsOf(alice_.id), 0);

  const int64_t delivery = PayOrder(out_trade_no);
  MpReply paid = GetOrder(alice_, order_id);
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_STREQ(paid.json["state"].GetString(), "paid");
  EXPECT_FALSE(paid.json["paid_at"].IsNull());
  ASSERT_EQ(paid.json["coupons"].Size(), 10u);
  for (const auto& coupon : paid.json["coupons"].GetArray()) {
    EXPECT_EQ(coupon["stock_id"].GetInt64(), stock);
    EXPECT_STREQ(coupon["state"].GetString(), "issued");
    EXPECT_STREQ(coupon["channel"].GetString(), "grant");
    EXPECT_STREQ(coupon["stock"]["item"].GetString(), "洗车一次");
  }
  // The payment is a payment like any other: its points (1 per yuan by default) too.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), 1);

  Redeliver(delivery);
  Redeliver(delivery);
  EXPECT_EQ(CouponsOf(alice_.id), 10);
  EXPECT_EQ(GetOrder(alice_, order_id).json["coupons"].Size(), 10u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'order.paid'"), 1);

  MpReply mine = Send("GET", "/api/mp/orders", alice_.token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["total"].GetInt64(), 1);
  EXPECT_EQ(mine.json["items"][0]["coupons"].Size(), 10u);
  EXPECT_EQ(Send("GET", "/api/mp/orders", bob_.token).json["total"].GetInt64(), 0);
}

TEST_P(MpPackagesTest, TwoConcurrentOrdersDeliveredThreeTimesEachGrantExactlyTwoPackages) {
  const int64_t stock = WashStock(100, 50);
  const int64_t package = OnSalePackage(stock, 5);
  std::vector<MpReply> orders(2);
  {
    std::vector<std::thread> threads;
    for (MpReply& reply : orders) {
      threads.emplace_back([&reply, this, package] { reply = Order(alice_, package); });
    }
    for (std::thread& t : threads) t.join();
  }
  std::vector<int64_t> deliveries;
  for (const MpReply& reply : orders) {
    ASSERT_EQ(reply.status, 201) << reply.body;
  }
  ASSERT_NE(std::string(orders[0].json["order"]["out_trade_no"].GetString()),
            orders[1].json["order"]["out_trade_no"].GetString());
  {
    // Each order paid once and its notification sent twice more, all at once.
    std::vector<std::thread> threads;
    std::mutex mu;
    for (const MpReply& reply : orders) {
      const std::string no = reply.json["order"]["out_trade_no"].GetString();
      threads.emplace_back([this, no, &mu, &deliveries] {
        const int64_t delivery = PayOrder(no);
        std::lock_guard lock(mu);
        deliveries.push_back(delivery);
      });
    }
    for (std::thread& t : threads) t.join();
  }
  {
    std::vector<std::thread> threads;
    for (int64_t delivery : deliveries) {
      for (int i = 0; i < 2; ++i) threads.emplace_back([this, delivery] { Redeliver(delivery); });
    }
    for (std::thread& t : threads) t.join();
  }
  EXPECT_EQ(CouponsOf(alice_.id), 10);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM package_orders WHERE state = 'paid'"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), 2);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(issued), 0) FROM coupon_stock_counters WHERE stock_id = " +
                   std::to_string(stock)),
            10);
  for (const MpReply& reply : orders) {
    MpReply order = GetOrder(alice_, reply.json["order"]["id"].GetInt64());
    EXPECT_STREQ(order.json["state"].GetString(), "paid");
    EXPECT_EQ(order.json["coupons"].Size(), 5u);
  }
}

TEST_P(MpPackagesTest, EveryOrderRefusalHasItsCodeAndWritesNothing) {
  const int64_t stock = WashStock(100, 3);
  const int64_t package = OnSalePackage(stock, 2);
  const int64_t too_many = OnSalePackage(stock, 4);
  MpReply draft_created = CreatePackage(R"({"store_id":)" + std::to_string(store_) +
                                        R"(,"name":"draft","price_fen":100,"items":[{"stock_id":)" +
                                        std::to_string(stock) + "}]}");
  ASSERT_EQ(draft_created.status, 201) << draft_created.body;
  const int64_t draft = draft_created.json["id"].GetInt64();

  // A package of another brand.
  const org::Actor op = org::Actor::System("test");
  org::OrgModule& org = app().org();
  const int64_t other_brand = MustOk(org.hierarchy().CreateBrand(op, "Other")).path.id();
  const int64_t r =
      MustOk(org.hierarchy().Create(op, org::NodeType::kRegion, other_brand, "R")).path.id();
  const int64_t d = MustOk(org.hierarchy().Create(op, org::NodeType::kDealer, r, "D")).path.id();
  const int64_t other_store =
      MustOk(org.hierarchy().Create(op, org::NodeType::kStore, d, "S")).path.id();
  coupons::NewStock s;
  s.node_type = org::NodeType::kBrand;
  s.node_id = other_brand;
  s.name = "wash";
  s.type = coupons::StockType::kExchange;
  s.item = "wash";
  s.valid_days = 30;
  s.total_quantity = 10;
  s.channels = {Channel::kGrant};
  const int64_t other_stock = MustOk(app().coupons().stocks().Create(op, s)).id;
  coupons::NewPackage foreign;
  foreign.store_id = other_store;
  foreign.name = "foreign";
  foreign.price_fen = 100;
  foreign.items = {{other_stock, 1, {}}};
  const int64_t foreign_package = MustOk(app().coupons().packages().Create(op, foreign)).id;
  coupons::PackagePatch on_sale;
  on_sale.state = coupons::PackageState::kOnSale;
  ASSERT_TRUE(app().coupons().packages().Update(op, foreign_package, on_sale).ok());

  const auto before = PackagesWritten();
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {R"({"package_id":)" + std::to_string(foreign_package) + "}", 400, "UNKNOWN_PACKAGE"},
      {R"({"package_id":)" + std::to_string(draft) + "}", 400, "UNKNOWN_PACKAGE"},
      {R"({"package_id":999999})", 400, "UNKNOWN_PACKAGE"},
      {R"({"package_id":0})", 400, "INVALID_ID"},
      {R"({"package_id":"1"})", 400, "INVALID_ID"},
      {R"({})", 400, "MISSING_FIELD"},
      {R"({"package_id":1,"member_id":2})", 400, "UNKNOWN_FIELD"},
      {R"([)", 400, "MALFORMED_JSON"},
      {R"({"package_id":)" + std::to_string(too_many) + "}", 409, "LIMIT_REACHED"},
  };
  for (const Case& c : cases) {
    MpReply reply = Send("POST", "/api/mp/orders", alice_.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  // A huge body is refused before it is read.
  MpReply huge = Send("POST", "/api/mp/orders", alice_.token,
                      R"({"package_id":1,"x":")" + std::string(2 << 20, 'a') + "\"}");
  EXPECT_EQ(huge.status, 413) << huge.body;
  EXPECT_EQ(Send("POST", "/api/mp/orders", "", R"({"package_id":1})").status, 401);
  EXPECT_EQ(PackagesWritten(), before);

  // Another member's order is not found, like an unknown one.
  MpReply mine = Order(alice_, package);
  ASSERT_EQ(mine.status, 201) << mine.body;
  const int64_t order = mine.json["order"]["id"].GetInt64();
  EXPECT_EQ(GetOrder(bob_, order).status, 404);
  EXPECT_EQ(GetOrder(bob_, order).code(), "ORDER_NOT_FOUND");
  EXPECT_EQ(GetOrder(bob_, order + 1000).code(), "ORDER_NOT_FOUND");
  EXPECT_EQ(Send("GET", "/api/mp/orders/abc", bob_.token).code(), "INVALID_ID");
}

TEST_P(MpPackagesTest, AStoreWithoutAMerchantForTheAppCannotSell) {
  const org::Actor op = org::Actor::System("test");
  const int64_t stock = WashStock();
  const int64_t dealer =
      MustOk(app().org().hierarchy().Get(op, org::NodeType::kStore, store_)).path.dealer_id;
  const int64_t bare =
      MustOk(app().org().hierarchy().Create(op, org::NodeType::kStore, dealer, "No pay")).path.id();
  coupons::NewPackage p;
  p.store_id = bare;
  p.name = "wash";
  p.price_fen = 100;
  p.items = {{stock, 1, {}}};
  const int64_t package = MustOk(app().coupons().packages().Create(op, p)).id;
  coupons::PackagePatch on_sale;
  on_sale.state = coupons::PackageState::kOnSale;
  ASSERT_TRUE(app().coupons().packages().Update(op, package, on_sale).ok());
  const auto before = PackagesWritten();
  MpReply refused = Order(alice_, package);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.code(), "PAYMENT_UNAVAILABLE");
  EXPECT_EQ(PackagesWritten(), before);
}

TEST_P(MpPackagesTest, AFullRefundVoidsTheUnredeemedCoupons) {
  const int64_t package = OnSalePackage(WashStock(), 3, 3000);
  MpReply ordered = Order(alice_, package);
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  const int64_t order = ordered.json["order"]["id"].GetInt64();
  const std::string no = ordered.json["order"]["out_trade_no"].GetString();
  PayOrder(no);
  ASSERT_EQ(CouponsOf(alice_.id), 3);
  const std::string notify_url =
      "http://127.0.0.1:" + std::to_string(server_->port()) + "/wechatpay/v3/notify/" + kMchid;
  rapidjson::Document refunded =
      sandbox_->PostJson("/sandbox/refunds", R"({"out_trade_no":")" + no + R"(","notify_url":")" +
                                                 notify_url + R"("})");
  ASSERT_TRUE(refunded.IsObject() && refunded.HasMember("delivery_id"));
  EXPECT_EQ(sandbox_->AwaitFinal(refunded["delivery_id"].GetInt64()).state, "delivered");
  MpReply after = GetOrder(alice_, order);
  EXPECT_STREQ(after.json["state"].GetString(), "refunded");
  for (const auto& coupon : after.json["coupons"].GetArray()) {
    EXPECT_STREQ(coupon["state"].GetString(), "voided");
  }
  EXPECT_EQ(after.json["coupons"].Size(), 3u);
}

TEST_P(MpPackagesTest, ACouponSoldOutBeforePaymentEndsTheOrderGrantFailed) {
  const int64_t stock = WashStock(4, 50);
  const int64_t package = OnSalePackage(stock, 3);
  MpReply first = Order(alice_, package);
  MpReply second = Order(bob_, package);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  PayOrder(first.json["order"]["out_trade_no"].GetString());
  PayOrder(second.json["order"]["out_trade_no"].GetString());
  EXPECT_EQ(CouponsOf(alice_.id), 3);
  EXPECT_EQ(CouponsOf(bob_.id), 0);
  MpReply failed = GetOrder(bob_, second.json["order"]["id"].GetInt64());
  EXPECT_STREQ(failed.json["state"].GetString(), "grant_failed");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'order.grant_failed'"), 1);
  // The payment still counts for bob (points, activity): only the coupons are missing.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions WHERE member_id = " +
                   std::to_string(bob_.id)),
            1);
  // Now that it is sold out, a new order is refused before charging.
  EXPECT_EQ(Order(bob_, package).code(), "SOLD_OUT");
}

TEST_P(MpPackagesTest, StaffCreatePackagesWithCheckedItemsAndStates) {
  const int64_t stock = WashStock();
  const int64_t claim_only = WashStock(100, 50, {Channel::kClaim});
  const std::string store = std::to_string(store_);
  const auto before = PackagesWritten();
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::string item = R"([{"stock_id":)" + std::to_string(stock) + "}]";
  const std::vector<Case> cases = {
      {R"({"store_id":)" + store + R"(,"name":"x","price_fen":0,"items":)" + item + "}", 400,
       "INVALID_PACKAGE"},
      {R"({"store_id":)" + store + R"(,"name":"","price_fen":100,"items":)" + item + "}", 400,
       "INVALID_PACKAGE"},
      {R"({"store_id":)" + store + R"(,"name":"x","price_fen":100,"items":[]})", 400,
       "INVALID_PACKAGE"},
      {R"({"store_id":)" + store + R"(,"name":"x","price_fen":100,"items":[{"stock_id":)" +
           std::to_string(stock) + R"(,"quantity":51}]})",
       400, "INVALID_PACKAGE"},
      {R"({"store_id":)" + store + R"(,"name":"x","price_fen":100,"items":[{"stock_id":)" +
           std::to_string(stock) + R"(},{"stock_id":)" + std::to_string(stock) + "}]}",
       400, "INVALID_PACKAGE"},
      {R"({"store_id":)" + store + R"(,"name":"x","price_fen":100,"items":[{"stock_id":)" +
           std::to_string(claim_only) + "}]}",
       409, "NOT_ELIGIBLE"},
      {R"({"store_id":)" + store + R"(,"name":"x","price_fen":100,"items":[{"stock_id":99999}]})",
       404, "STOCK_NOT_FOUND"},
      {R"({"store_id":99999,"name":"x","price_fen":100,"items":)" + item + "}", 404, "NOT_FOUND"},
  };
  for (const Case& c : cases) {
    MpReply reply = CreatePackage(c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  EXPECT_EQ(PackagesWritten(), before);

  const int64_t package = OnSalePackage(stock, 2, 500);
  const std::string path = "/api/console/packages/" + std::to_string(package);
  MpReply price = Send("PATCH", path, staff_, R"({"price_fen":1})");
  EXPECT_EQ(price.code(), "PACKAGE_NOT_EDITABLE") << price.body;
  EXPECT_EQ(Send("PATCH", path, staff_, R"({"state":"draft"})").code(), "INVALID_STATE_TRANSITION");
  EXPECT_EQ(Send("PATCH", path, staff_, R"({"state":"sold"})").code(), "INVALID_FIELD");
  EXPECT_EQ(Send("PATCH", path, staff_, R"({"name":""})").code(), "INVALID_PACKAGE");
  EXPECT_EQ(Send("PATCH", path, staff_, R"({"price_fen":0})").code(), "INVALID_PACKAGE");
  EXPECT_EQ(Send("PATCH", path, staff_, R"({"owner":1})").code(), "UNKNOWN_FIELD");
  EXPECT_EQ(Send("PATCH", "/api/console/packages/999999", staff_, R"({"name":"x"})").code(),
            "PACKAGE_NOT_FOUND");
  MpReply off = Send("PATCH", path, staff_, R"({"state":"off_sale"})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Send("GET", "/api/mp/packages", alice_.token).json["items"].Size(), 0u);
  EXPECT_EQ(Order(alice_, package).code(), "UNKNOWN_PACKAGE");
  MpReply got = Send("GET", path, staff_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_STREQ(got.json["state"].GetString(), "off_sale");
  EXPECT_EQ(got.json["price_fen"].GetInt64(), 500);
  EXPECT_EQ(got.json["items"][0]["stock"]["id"].GetInt64(), stock);
  EXPECT_EQ(Send("GET", "/api/console/packages", staff_).json["total"].GetInt64(), 1);
  EXPECT_EQ(Send("GET", path + "/orders", staff_).json["total"].GetInt64(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'package.create' AND "
                   "outcome = 'ok'"),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'package.create' AND "
                   "outcome = 'denied'"),
            2);
}

MILEAGE_MP_TEST_SUITE(MpPackagesTest);

}  // namespace
}  // namespace mileage::testing
