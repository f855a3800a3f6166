// Two nodes (two in-process servers) on one MariaDB and one Redis behave as one service
// (docs/OPERATIONS.md, "Several nodes"): a console or member session made on one works on the
// other and a logout on one ends it on both; the WeChat access token is fetched once for all;
// a change of a merchant or a partner made on one node reaches the other's in-process caches
// within the cache sync bound (server/cache_sync.h), far below the caches' TTLs.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "org/org_module.h"
#include "server/cache_sync.h"
#include "tests/integration/mp/mp_fixture.h"
#include "tests/support/subprocess.h"

namespace mileage::testing {
namespace {

// What the tests allow for a change to reach the other node: the poll interval and the round
// trips, with room for a loaded machine; still well below the caches' TTLs (30 s, 60 s).
constexpr auto kConvergenceBound = std::chrono::seconds(5);
static_assert(server::CacheSync::kDefaultPoll < kConvergenceBound);

class MpNodesTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    server::AppOptions options;
    options.clock = &clock_;
    options.random = &random_;
    options.scrypt = crypto::ScryptParams{10, 8, 1};
    b_ = TestServer::Start(config_, options);
    ASSERT_NE(b_, nullptr) << "node B did not start";
  }
  void TearDown() override {
    b_.reset();
    MpTest::TearDown();
  }

  // Send(), to node B.
  MpReply OnB(const std::string& method, const std::string& path, const std::string& token,
              const std::string& body = "") {
    std::unique_ptr<httplib::Client> client = b_->Client();
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Result res = method == "GET"
                              ? client->Get(path.c_str(), headers)
                              : client->Post(path.c_str(), headers, body, "application/json");
    MpReply reply;
    if (!res) {
      ADD_FAILURE() << method << " " << path << " on B: no answer";
      return reply;
    }
    reply.status = res->status;
    reply.body = res->body;
    if (!reply.body.empty()) reply.json.Parse(reply.body.c_str());
    return reply;
  }

  // Whether `condition` held within kConvergenceBound (checked every 10 ms).
  static bool WithinBound(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kConvergenceBound;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
  }

  // Whether node B's merchant key cache holds the sandbox merchant as active.
  bool ActiveOnB() {
    Result<std::shared_ptr<const payments::MerchantKeys>> keys =
        b_->app().merchant_keys().Get(kMchid);
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    return keys.ok() && (*keys)->active;
  }

  std::unique_ptr<TestServer> b_;
};

TEST_P(MpNodesTest, SessionsMadeOnOneNodeWorkOnTheOtherUntilALogoutOnEither) {
  const SignedIn alice = SignIn("alice");  // on A
  MpReply me = OnB("GET", "/api/mp/me", alice.token);
  ASSERT_EQ(me.status, 200) << me.body;
  ASSERT_TRUE(me.json.IsObject() && me.json["member"].IsObject()) << me.body;
  EXPECT_EQ(me.json["member"]["id"].GetInt64(), alice.id);

  const std::string staff = StaffToken();  // on A
  MpReply console = OnB("GET", "/api/console/me", staff);
  ASSERT_EQ(console.status, 200) << console.body;
  EXPECT_EQ(std::string(console.json["staff"]["username"].GetString()), "admin");

  // A logout on B ends the session on A, and the other way round.
  EXPECT_EQ(OnB("POST", "/api/console/logout", staff).status, 204);
  EXPECT_EQ(Send("GET", "/api/console/me", staff).status, 401);
  EXPECT_EQ(Send("POST", "/api/mp/logout", alice.token).status, 204);
  EXPECT_EQ(OnB("GET", "/api/mp/me", alice.token).status, 401);
  EXPECT_EQ(Me(alice.token).status, 401);
}

TEST_P(MpNodesTest, TheAccessTokenIsFetchedOnceForEveryNode) {
  const SignedIn alice = SignIn("alice");
  const SignedIn bob = SignIn("bob");
  const int64_t before = sandbox_->sandbox().Stats(kAppid).stable_token_calls;
  EXPECT_EQ(before, 0);
  MpReply on_a = Send("POST", "/api/mp/phone", alice.token, R"({"code":"phone-13800138000"})");
  EXPECT_EQ(on_a.status, 200) << on_a.body;
  MpReply on_b = OnB("POST", "/api/mp/phone", bob.token, R"({"code":"phone-13900139000"})");
  EXPECT_EQ(on_b.status, 200) << on_b.body;
  // Both phones are bound, with one token fetched by whichever node came first and shared
  // through the Kv.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_identities WHERE kind = 'phone'"), 2);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).stable_token_calls, 1);
}

TEST_P(MpNodesTest, AMerchantChangeOnOneNodeReachesTheOthersKeyCache) {
  ASSERT_TRUE(ActiveOnB());  // B has the merchant cached now, for its 60 s TTL
  const int64_t merchant = Scalar("SELECT id FROM merchants WHERE mchid = '1900000001'");
  ASSERT_GT(merchant, 0);
  const org::Actor op = org::Actor::System("test");
  ASSERT_TRUE(app().org().merchants().SetActive(op, merchant, false).ok());  // on A
  EXPECT_TRUE(WithinBound([&] { return !ActiveOnB(); }))
      << "B still has the merchant active after " << kConvergenceBound.count() << " s";
  ASSERT_TRUE(app().org().merchants().SetActive(op, merchant, true).ok());
  EXPECT_TRUE(WithinBound([&] { return ActiveOnB(); }));
}

// `mileage admin` is a process of its own, without the nodes' caches: with the nodes' config it
// tells them through Redis, and B drops the merchant within the bound, not its 60 s TTL.
TEST_P(MpNodesTest, AMerchantChangeByMileageAdminReachesTheNodesCaches) {
  ASSERT_TRUE(ActiveOnB());
  Result<std::shared_ptr<const payments::MerchantKeys>> cached_on_a =
      app().merchant_keys().Get(kMchid);
  ASSERT_TRUE(cached_on_a.ok() && (*cached_on_a)->active);  // both nodes have it cached
  const std::filesystem::path config = dir_.path() / "admin.json";
  {
    std::ofstream out(config);
    out << R"({"database":")" << config_.database << R"(","kv":")" << config_.kv
        << R"(","data_key":")" << config_.data_key << R"(","log_level":"warn"})";
  }
  Subprocess admin({MILEAGE_BINARY, "admin", "deactivate-merchant", "--merchant", kMchid,
                    "--config", config.string()});
  ASSERT_EQ(admin.Wait(std::chrono::seconds(60)), 0) << admin.stderr_text();
  EXPECT_EQ(Scalar("SELECT active FROM merchants WHERE mchid = '1900000001'"), 0);
  EXPECT_TRUE(WithinBound([&] { return !ActiveOnB(); }))
      << "B still has the merchant active after " << kConvergenceBound.count() << " s";
  EXPECT_TRUE(WithinBound([&] {
    Result<std::shared_ptr<const payments::MerchantKeys>> on_a = app().merchant_keys().Get(kMchid);
    return on_a.ok() && !(*on_a)->active;
  }));
}

TEST_P(MpNodesTest, APartnerChangeOnOneNodeReachesTheOthersCredentials) {
  const org::Actor op = org::Actor::System("test");
  Result<org::CreatedPartner> created =
      app().org().partners().Create(op, brand_, "Car wash", "carwash");  // on A
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string key = created->partner.api_key_id;
  auto active_on_b = [&] {
    Result<org::PartnerCredentials> credentials = b_->app().org().partners().Credentials(key);
    EXPECT_TRUE(credentials.ok()) << credentials.status().ToString();
    return credentials.ok() && credentials->partner.active;
  };
  ASSERT_TRUE(active_on_b());  // cached on B for its 30 s TTL
  ASSERT_TRUE(app().org().partners().Deactivate(op, created->partner.id).ok());
  EXPECT_TRUE(WithinBound([&] { return !active_on_b(); }))
      << "B still has the partner active after " << kConvergenceBound.count() << " s";
  ASSERT_TRUE(app().org().partners().Reactivate(op, created->partner.id).ok());
  EXPECT_TRUE(WithinBound(active_on_b));
}

// Nodes share a database and a Redis: MariaDB only (SQLite's in-process Kv is one node's).
INSTANTIATE_TEST_SUITE_P(Backends, MpNodesTest, ::testing::Values(Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
