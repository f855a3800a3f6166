#include "tests/integration/mp/mp_fixture.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "org/org_module.h"
#include "wechat/sandbox/fixtures.h"

namespace mileage::testing {

std::string MpReply::code() const { return Text("code"); }

std::string MpReply::Text(const char* field) const {
  if (!json.IsObject() || !json.HasMember(field) || !json[field].IsString()) return "";
  return json[field].GetString();
}

std::string MpReply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

void MpTest::SetUp() {
  database_ = TestDatabase::Open(GetParam());
  if (database_ == nullptr) return;
  sandbox_ = std::make_unique<RunningSandbox>();
  ASSERT_TRUE(sandbox_->ok());
  config_ = EmbeddedConfig(dir_);
  config_.database = database_->url();
  config_.data_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  config_.wechat_api_base_url = sandbox_->url();
  config_.wechat_pay_base_url = sandbox_->url();
  if (GetParam() == Backend::kMysql) {
    redis_ = std::make_unique<PrivateRedis>();
    ASSERT_EQ(redis_->Start(), "") << "the test's Redis did not start";
    config_.kv = redis_->url();
  }
  StartServer();
  ASSERT_NE(server_, nullptr);
  BuildOrg();
}

void MpTest::TearDown() {
  server_.reset();
  redis_.reset();
  sandbox_.reset();
  database_.reset();
}

void MpTest::StartServer(const members::MemberLoginLimits& limits,
                         const std::function<void(Config&)>& customize) {
  server_.reset();
  Config config = config_;
  if (customize) customize(config);
  server::AppOptions options;
  options.clock = &clock_;
  options.random = &random_;
  options.scrypt = crypto::ScryptParams{10, 8, 1};
  options.member_login_limits = limits;
  server_ = TestServer::Start(config, options);
  ASSERT_NE(server_, nullptr) << "the server did not start";
}

void MpTest::BuildOrg() {
  const org::Actor op = org::Actor::System("test");
  org::OrgModule& org = app().org();
  auto id = [](Result<org::Node> node) { return MustOk(std::move(node)).path.id(); };
  brand_ = id(org.hierarchy().CreateBrand(op, "Brand"));
  const int64_t region = id(org.hierarchy().Create(op, org::NodeType::kRegion, brand_, "R"));
  const int64_t dealer = id(org.hierarchy().Create(op, org::NodeType::kDealer, region, "D"));
  store_ = id(org.hierarchy().Create(op, org::NodeType::kStore, dealer, "S"));
  app_ = MustOk(org.apps().RegisterMiniProgram(op, brand_, {kAppid, "", "Mini", kSecret})).id;
  const MerchantExport exported = sandbox_->Export(kMchid);
  org::NewMerchant merchant{kMchid,
                            kAppid,
                            exported.apiv3_key,
                            {{exported.certificate_serial, exported.certificate_pem},
                             {exported.public_key_id, exported.public_key_pem}}};
  MustOk(org.merchants().Create(op, store_, merchant));
  // The merchant's API key (the sandbox generated it), so that the server can sell.
  MustOk(org.merchants().SetApiKey(op, kMchid, exported.merchant_serial,
                                   exported.merchant_private_key_pem));
  MustOk(org.staff().Create(op, org::NewStaff{"admin", kPassword, "brand_admin", "brand", brand_}));
}

namespace {

std::string LoginBody(const std::string& appid, const std::string& code) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("appid");
  w.String(appid.c_str());
  w.Key("code");
  w.String(code.c_str());
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

MpReply MpTest::Login(const std::string& code, const std::string& appid, const std::string& from) {
  return Send("POST", "/api/mp/login", "", LoginBody(appid, code), from);
}

std::string MpTest::TokenOf(const std::string& code) {
  MpReply reply = Login(code);
  EXPECT_EQ(reply.status, 200) << code << ": " << reply.body;
  return reply.Text("token");
}

SignedIn MpTest::SignIn(const std::string& code) {
  MpReply reply = Login(code);
  EXPECT_EQ(reply.status, 200) << code << ": " << reply.body;
  if (reply.status != 200) return {};
  return {reply.Text("token"), reply.json["member"]["id"].GetInt64()};
}

MpReply MpTest::Send(const std::string& method, const std::string& path, const std::string& token,
                     const std::string& body, const std::string& from) {
  std::unique_ptr<httplib::Client> client = server_->Client();
  client->set_interface(from);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result res =
      method == "GET"      ? client->Get(path.c_str(), headers)
      : method == "PATCH"  ? client->Patch(path.c_str(), headers, body, "application/json")
      : method == "PUT"    ? client->Put(path.c_str(), headers, body, "application/json")
      : method == "DELETE" ? client->Delete(path.c_str(), headers, body, "application/json")
                           : client->Post(path.c_str(), headers, body, "application/json");
  MpReply reply;
  if (!res) {
    ADD_FAILURE() << method << " " << path << ": no answer";
    return reply;
  }
  reply.status = res->status;
  reply.body = res->body;
  reply.headers = res->headers;
  if (!reply.body.empty()) reply.json.Parse(reply.body.c_str());
  return reply;
}

std::string MpTest::StaffToken() {
  httplib::Result res = server_->Client()->Post(
      "/api/console/login",
      std::string(R"({"username":"admin","password":")") + kPassword + R"("})", "application/json");
  EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  if (!res) return "";
  rapidjson::Document json;
  json.Parse(res->body.c_str());
  return json.IsObject() && json.HasMember("token") ? json["token"].GetString() : "";
}

void MpTest::Pay(const std::string& code, int64_t amount_fen) {
  const std::string notify_url =
      "http://127.0.0.1:" + std::to_string(server_->port()) + "/wechatpay/v3/notify/" + kMchid;
  rapidjson::Document paid = sandbox_->PostJson(
      "/sandbox/payments", R"({"amount":)" + std::to_string(amount_fen) + R"(,"openid_code":")" +
                               code + R"(","notify_url":")" + notify_url + R"("})");
  ASSERT_TRUE(paid.IsObject() && paid.HasMember("delivery_id")) << "the sandbox did not pay";
  DeliveryView delivery = sandbox_->AwaitFinal(paid["delivery_id"].GetInt64());
  ASSERT_EQ(delivery.state, "delivered");
  ASSERT_FALSE(delivery.statuses.empty());
  EXPECT_EQ(delivery.statuses.back(), 204);
}

std::string MpTest::OpenidOf(const std::string& code) {
  return wechat::sandbox::OpenidFor(kAppid, code);
}

std::string MpTest::UnionidOf(const std::string& code) { return wechat::sandbox::UnionidFor(code); }

std::map<std::string, int64_t> MpTest::Written() {
  std::map<std::string, int64_t> counts;
  for (const char* table : {"members", "member_identities", "member_activity", "outbox_events",
                            "audit_log", "brand_apps", "payment_transactions", "point_journals",
                            "vehicles", "vehicle_mileage_corrections", "partner_member_links"}) {
    counts[table] = Scalar(std::string("SELECT COUNT(*) FROM ") + table);
  }
  return counts;
}

int64_t MpTest::Code2SessionCalls() { return sandbox_->sandbox().Stats(kAppid).code2session_calls; }

}  // namespace mileage::testing
