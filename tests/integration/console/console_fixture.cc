#include "tests/integration/console/console_fixture.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>

#include "common/random.h"
#include "org/principal.h"
#include "tests/support/external.h"

namespace mileage::testing {
std::string Reply::code() const {
  if (!json.IsObject() || !json.HasMember("code") || !json["code"].IsString()) return "";
  return json["code"].GetString();
}

std::vector<int64_t> Reply::ItemIds() const {
  std::vector<int64_t> ids;
  if (!json.IsObject() || !json.HasMember("items")) return ids;
  for (const auto& item : json["items"].GetArray()) ids.push_back(item["id"].GetInt64());
  return ids;
}

void ConsoleTest::SetUp() {
  dir_ = std::make_unique<TempDir>();
  config_ = EmbeddedConfig(*dir_);
  config_.data_key = kDataKey;
  if (GetParam() == Backend::kMysql) {
    bool skip = false;
    const std::string url = ExternalServerUrl("MILEAGE_TEST_MYSQL_URL", &skip);
    if (url.empty()) {
      if (skip) GTEST_SKIP() << "MILEAGE_TEST_MYSQL_URL is not set";
      FAIL() << "MILEAGE_TEST_MYSQL_URL is not set (scripts/test starts a private MariaDB; set "
                "MILEAGE_TEST_ALLOW_SKIP=1 to skip)";
    }
    Result<std::unique_ptr<PrivateMysqlDatabase>> database = PrivateMysqlDatabase::Create(url);
    ASSERT_TRUE(database.ok()) << database.status().ToString();
    mysql_ = std::move(database).value();
    config_.database = mysql_->url();
    redis_ = std::make_unique<PrivateRedis>();
    const std::string started = redis_->Start();
    ASSERT_EQ(started, "") << "the test's Redis did not start";
    config_.kv = redis_->url();
  }
  StartServer();
  ASSERT_NE(server_, nullptr);
  notifier_ = std::make_unique<WechatPayNotifier>(clock_, notifier_random_);
  BuildTree();
}

void ConsoleTest::TearDown() {
  server_.reset();
  mysql_.reset();
  redis_.reset();
}

void ConsoleTest::StartServer(const org::LoginLimits& limits) {
  server::AppOptions overrides;
  overrides.login_limits = limits;
  StartServer(overrides);
}

void ConsoleTest::StartServer(const server::AppOptions& overrides) {
  server_.reset();
  tokens_.clear();
  server::AppOptions options = overrides;
  options.clock = &clock_;
  options.random = &random_;
  options.scrypt = crypto::ScryptParams{10, 8, 1};
  server_ = TestServer::Start(config_, options);
  if (server_ == nullptr) {
    Result<std::unique_ptr<server::App>> probe = server::App::Create(config_, options);
    FAIL() << "the server did not start: "
           << (probe.ok() ? std::string("bind failed") : probe.status().ToString());
  }
}

void ConsoleTest::BuildTree() {
  const org::Actor op = org::Actor::System("test");
  org::HierarchyService& h = org().hierarchy();
  auto node = [&](Result<org::Node> created) {
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->path.id() : 0;
  };
  tree_.brand = node(h.CreateBrand(op, "Brand"));
  tree_.region1 = node(h.Create(op, org::NodeType::kRegion, tree_.brand, "Region 1"));
  tree_.region2 = node(h.Create(op, org::NodeType::kRegion, tree_.brand, "Region 2"));
  tree_.dealer_a = node(h.Create(op, org::NodeType::kDealer, tree_.region1, "Dealer A"));
  tree_.dealer_a2 = node(h.Create(op, org::NodeType::kDealer, tree_.region1, "Dealer A2"));
  tree_.dealer_b = node(h.Create(op, org::NodeType::kDealer, tree_.region2, "Dealer B"));
  tree_.store_a1 = node(h.Create(op, org::NodeType::kStore, tree_.dealer_a, "Store A1"));
  tree_.store_a2 = node(h.Create(op, org::NodeType::kStore, tree_.dealer_a, "Store A2"));
  tree_.store_a3 = node(h.Create(op, org::NodeType::kStore, tree_.dealer_a2, "Store A3"));
  tree_.store_b1 = node(h.Create(op, org::NodeType::kStore, tree_.dealer_b, "Store B1"));

  Result<org::BrandApp> app =
      org().apps().Create(op, tree_.brand, org::NewBrandApp{kAppid, "miniprogram", "Mini", ""});
  EXPECT_TRUE(app.ok()) << app.status().ToString();
  if (app.ok()) tree_.app = app->id;
  auto merchant = [&](int64_t store, const std::string& mchid) {
    org::NewMerchant m{mchid, kAppid, kApiV3Key, WechatPayNotifier::PlatformKeys()};
    Result<org::Merchant> created = org().merchants().Create(op, store, m);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->id : 0;
  };
  tree_.merchant_a1 = merchant(tree_.store_a1, kMchid);
  tree_.merchant_b1 = merchant(tree_.store_b1, kOtherMchid);
  Result<org::CreatedPartner> partner = org().partners().Create(op, tree_.brand, "Fuel Co", "fuel");
  EXPECT_TRUE(partner.ok()) << partner.status().ToString();
  if (partner.ok()) tree_.partner = partner->partner.id;

  struct Account {
    const char* username;
    const char* role;
    const char* scope_type;
    int64_t scope_id;
  };
  const Account accounts[] = {
      {"admin", "brand_admin", "brand", tree_.brand},
      {"region1_manager", "region_manager", "region", tree_.region1},
      {"region2_manager", "region_manager", "region", tree_.region2},
      {"dealer_a_manager", "dealer_manager", "dealer", tree_.dealer_a},
      {"dealer_b_manager", "dealer_manager", "dealer", tree_.dealer_b},
      {"clerk_a1", "store_clerk", "store", tree_.store_a1},
      {"clerk_b1", "store_clerk", "store", tree_.store_b1},
      {"analyst_a", "analyst", "dealer", tree_.dealer_a},
      {"analyst_brand", "analyst", "brand", tree_.brand},
  };
  for (const Account& a : accounts) {
    Result<org::Staff> staff = org().staff().Create(
        op, org::NewStaff{a.username, kPassword, a.role, a.scope_type, a.scope_id});
    ASSERT_TRUE(staff.ok()) << a.username << ": " << staff.status().ToString();
    tree_.staff[a.username] = staff->id;
  }
}

Reply ConsoleTest::Send(const std::string& method, const std::string& path,
                        const std::string& token, const std::string& body) {
  std::unique_ptr<httplib::Client> client = server_->Client();
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto call = [&]() -> httplib::Result {
    if (method == "GET") return client->Get(path.c_str(), headers);
    if (method == "PATCH") return client->Patch(path.c_str(), headers, body, "application/json");
    if (method == "PUT") return client->Put(path.c_str(), headers, body, "application/json");
    if (method == "DELETE") return client->Delete(path.c_str(), headers, body, "application/json");
    return client->Post(path.c_str(), headers, body, "application/json");
  };
  if (method != "GET" && method != "POST" && method != "PATCH" && method != "PUT" &&
      method != "DELETE") {
    ADD_FAILURE() << "unsupported method " << method;
    return Reply();
  }
  httplib::Result res = call();
  Reply reply;
  if (!res) {
    ADD_FAILURE() << method << " " << path << ": no answer";
    return reply;
  }
  reply.status = res->status;
  reply.body = res->body;
  if (!reply.body.empty()) reply.json.Parse(reply.body.c_str());
  return reply;
}

namespace {

std::string LoginBody(const std::string& username, const std::string& password,
                      std::optional<int64_t> brand_id) {
  rapidjson::Document body(rapidjson::kObjectType);
  auto& alloc = body.GetAllocator();
  body.AddMember("username", rapidjson::Value(username.c_str(), alloc), alloc);
  body.AddMember("password", rapidjson::Value(password.c_str(), alloc), alloc);
  if (brand_id.has_value()) body.AddMember("brand_id", *brand_id, alloc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  body.Accept(writer);
  return buffer.GetString();
}

}  // namespace

Reply ConsoleTest::LoginReply(const std::string& username, const std::string& password) {
  return Post("/api/console/login", "", LoginBody(username, password, std::nullopt));
}

Reply ConsoleTest::LoginFrom(const std::string& from, const std::string& username,
                             const std::string& password, std::optional<int64_t> brand_id,
                             httplib::Headers* headers, const httplib::Headers& extra) {
  std::unique_ptr<httplib::Client> client = server_->Client();
  client->set_interface(from);
  httplib::Result res = client->Post("/api/console/login", extra,
                                     LoginBody(username, password, brand_id), "application/json");
  Reply reply;
  if (!res) {
    ADD_FAILURE() << "login from " << from << ": no answer";
    return reply;
  }
  reply.status = res->status;
  reply.body = res->body;
  if (!reply.body.empty()) reply.json.Parse(reply.body.c_str());
  if (headers != nullptr) *headers = res->headers;
  return reply;
}

const std::string& ConsoleTest::Token(const std::string& username) {
  auto it = tokens_.find(username);
  if (it != tokens_.end()) return it->second;
  Reply reply = LoginReply(username, kPassword);
  EXPECT_EQ(reply.status, 200) << username << ": " << reply.body;
  std::string token =
      reply.json.IsObject() && reply.json.HasMember("token") ? reply.json["token"].GetString() : "";
  return tokens_[username] = token;
}

std::map<std::string, int64_t> ConsoleTest::RowCounts() {
  std::map<std::string, int64_t> counts;
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return counts;
  for (const char* table : {"brands",
                            "regions",
                            "dealers",
                            "stores",
                            "merchants",
                            "merchant_platform_keys",
                            "merchant_api_keys",
                            "brand_apps",
                            "partners",
                            "partner_secrets",
                            "partner_member_links",
                            "partner_earning_rules",
                            "partner_earnings",
                            "partner_reversals",
                            "partner_redemptions",
                            "point_lots",
                            "point_lot_uses",
                            "staff",
                            "audit_log",
                            "earning_rules",
                            "members",
                            "point_journals",
                            "payment_transactions",
                            "coupon_stocks",
                            "coupon_packages",
                            "package_orders",
                            "coupon_stock_stores",
                            "coupons",
                            "coupon_redemptions",
                            "care_schedules",
                            "care_holidays",
                            "care_slots",
                            "care_appointments",
                            "outbox_events",
                            "settlement_periods",
                            "settlement_lines"}) {
    Result<std::vector<db::Row>> rows =
        (*conn)->Query(std::string("SELECT COUNT(*) FROM ") + table);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    counts[table] = rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  }
  return counts;
}

}  // namespace mileage::testing

namespace mileage::testing {

void ConsoleTest::Pay(const std::string& mchid, const std::string& transaction_id,
                      const std::string& openid, int64_t amount_fen) {
  PaymentSpec spec{transaction_id, openid, amount_fen, mchid};
  httplib::Result res =
      WechatPayNotifier::Post(*server_->Client(), notifier_->Payment(spec), mchid);
  ASSERT_TRUE(res) << "no answer to the payment notification";
  EXPECT_EQ(res->status, 204) << res->body;
}

void ConsoleTest::RefundPayment(const std::string& mchid, const std::string& refund_id,
                                const std::string& transaction_id, int64_t refund_fen,
                                int64_t total_fen) {
  RefundSpec spec{refund_id, transaction_id, refund_fen, total_fen, "REFUND.SUCCESS", mchid};
  httplib::Result res = WechatPayNotifier::Post(*server_->Client(), notifier_->Refund(spec), mchid);
  ASSERT_TRUE(res) << "no answer to the refund notification";
  EXPECT_EQ(res->status, 204) << res->body;
}

int64_t ConsoleTest::MemberIdOf(const std::string& openid) {
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return 0;
  Result<std::vector<db::Row>> rows =
      (*conn)->Query("SELECT member_id FROM member_identities WHERE kind = 'openid' AND value = ?",
                     {db::Value(openid)});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
}

}  // namespace mileage::testing
