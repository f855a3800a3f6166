// Claims never oversell, across server processes: a stock of 1,000 with a per-member limit of 2,
// 3,000 members each claiming it 3 times at once, spread over 3 `mileage serve` processes on one
// MariaDB and one Redis. Early in the run, Redis is stopped and restarted empty: sessions
// and login counters are gone, so requests are refused for a moment (503, then 401 until the
// client logs in again, as the mini-program does) and claims resume. On SQLite one process
// serves: the embedded Kv lives in its process (sessions would not be shared) and SQLite's
// group commit is per process; `mileage serve` on SQLite is the one-box deployment.
// The expectation is computed from the rule, not from the service: exactly 1,000 coupons, no
// member above 2, every 201 a coupon row of the member who claimed, every refusal SOLD_OUT or
// LIMIT_REACHED, and LIMIT_REACHED only for members who hold 2.

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/console_calls.h"
#include "tests/support/free_port.h"
#include "tests/support/private_redis.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "wechat/sandbox/fixtures.h"

namespace mileage::testing {
namespace {

constexpr const char* kAppid = "wx8888888888888888";
constexpr const char* kSecret = "sandbox-secret";
constexpr const char* kPassword = "pass-word-123";
constexpr int kTotal = 1000;
constexpr int kLimit = 2;
constexpr int kMembers = 3000;
constexpr int kClaimsEach = 3;
constexpr int kClientThreads = 48;

struct Reply {
  int status = 0;  // 0: no answer (connection refused or reset)
  std::string code;
  rapidjson::Document json;
};

Reply Send(httplib::Client& client, const std::string& method, const std::string& path,
           const std::string& token, const std::string& body) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result result = method == "GET"     ? client.Get(path, headers)
                           : method == "PATCH" ? client.Patch(path, headers, body,
                                                              "application/json")
                                               : client.Post(path, headers, body,
                                                             "application/json");
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.json.Parse(result->body.c_str());
  if (reply.json.IsObject() && reply.json.HasMember("code") && reply.json["code"].IsString()) {
    reply.code = reply.json["code"].GetString();
  }
  return reply;
}

// What one claim finally answered (after the retries a client makes through an outage).
struct Outcome {
  int member = 0;
  int status = 0;
  std::string code;
  int64_t coupon_id = 0;
  bool after_restart = false;
};

class ClaimRaceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(GetParam());
    if (database_ == nullptr) return;
    sandbox_ = std::make_unique<RunningSandbox>();
    ASSERT_TRUE(sandbox_->ok());
    if (GetParam() == Backend::kMysql) {
      redis_ = std::make_unique<PrivateRedis>();
      ASSERT_EQ(redis_->Start(), "");
    }
    const int processes = GetParam() == Backend::kMysql ? 3 : 1;
    for (int i = 0; i < processes; ++i) ports_.push_back(FreeLoopbackPort());
  }

  std::string WriteConfig(int port) {
    const std::string path = (dir_.path() / ("config-" + std::to_string(port) + ".json")).string();
    std::ofstream(path) << R"({"listen":"127.0.0.1:)" << port << R"(","database":")"
                        << database_->url() << R"(","kv":")"
                        << (redis_ != nullptr ? redis_->url() : "memory")
                        << R"(","log_level":"error","http_threads":24,"database_pool_size":8,)"
                        << R"("wechat_api_base_url":")" << sandbox_->url() << R"(","data_key":")"
                        << "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
                        << R"("})";
    return path;
  }

  std::string Admin(std::vector<std::string> args) {
    std::vector<std::string> argv = {MILEAGE_BINARY, "admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--config");
    argv.push_back(WriteConfig(ports_[0]));
    Subprocess admin(argv);
    EXPECT_EQ(admin.Wait(std::chrono::seconds(60)), 0) << admin.stderr_text();
    std::string out = admin.stdout_text();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_.path() / name) << text;
    return (dir_.path() / name).string();
  }

  // The org through `mileage admin`: a brand with one store, the sandbox's mini-program and a
  // brand admin. Returns the brand id.
  std::string Bootstrap() {
    const std::string brand = Admin({"create-brand", "--name", "Brand"});
    const std::string region = Admin({"create-region", "--brand", brand, "--name", "R"});
    const std::string dealer = Admin({"create-dealer", "--region", region, "--name", "D"});
    Admin({"create-store", "--dealer", dealer, "--name", "S"});
    Admin({"add-miniprogram", "--brand", brand, "--appid", kAppid, "--secret-file",
           WriteFile("secret", kSecret)});
    Admin({"create-user", "--username", "admin", "--role", "brand_admin", "--scope-type", "brand",
           "--scope-id", brand, "--password-file", WriteFile("password", kPassword)});
    return brand;
  }

  // The stock through the console API as the brand admin would make it; returns its id.
  int64_t CreateStock(const std::string& brand) {
    httplib::Client client("127.0.0.1", ports_[0]);
    const std::string token = ConsoleLogin(client, "admin", kPassword);
    if (token.empty()) return 0;
    return CreateActiveStock(client, token, std::stoll(brand),
                             R"("name":"Race","type":"cash","value_fen":1000,"valid_days":30,)"
                             R"("total_quantity":)" +
                                 std::to_string(kTotal) + R"(,"per_member_limit":)" +
                                 std::to_string(kLimit) + R"(,"channels":["claim"])");
  }

  int64_t Scalar(const std::string& sql) { return database_->Scalar(sql); }

  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<RunningSandbox> sandbox_;
  std::unique_ptr<PrivateRedis> redis_;
  std::vector<int> ports_;
};

// The member sessions the clients hold, shared by the threads that claim for one member.
class Tokens {
 public:
  std::string Get(int member) {
    std::lock_guard lock(mu_);
    return tokens_[member];
  }
  void Set(int member, std::string token) {
    std::lock_guard lock(mu_);
    tokens_[member] = std::move(token);
  }

 private:
  std::mutex mu_;
  std::map<int, std::string> tokens_;
};

std::string CodeOf(int member) { return "race-member-" + std::to_string(member); }

// Logs the member in (again), retrying through an outage; false when it never succeeded.
bool LogIn(httplib::Client& client, int member, Tokens& tokens) {
  const std::string body =
      R"({"appid":")" + std::string(kAppid) + R"(","code":")" + CodeOf(member) + R"("})";
  for (int attempt = 0; attempt < 400; ++attempt) {
    Reply reply = Send(client, "POST", "/api/mp/login", "", body);
    if (reply.status == 200) {
      tokens.Set(member, reply.json["token"].GetString());
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// One claim as a client makes it: through an outage it retries (503 or no answer), and a 401
// (the session vanished with Redis) makes it log in again first.
Outcome Claim(httplib::Client& client, int member, int64_t stock, Tokens& tokens,
              std::atomic<int>& outages) {
  const std::string path = "/api/mp/stocks/" + std::to_string(stock) + "/claim";
  Outcome outcome;
  outcome.member = member;
  for (int attempt = 0; attempt < 400; ++attempt) {
    Reply reply = Send(client, "POST", path, tokens.Get(member), "");
    if (reply.status == 401) {
      outages.fetch_add(1);
      if (!LogIn(client, member, tokens)) break;
      continue;
    }
    if (reply.status == 0 || reply.status == 503) {
      outages.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    outcome.status = reply.status;
    outcome.code = reply.code;
    if (reply.status == 201) outcome.coupon_id = reply.json["id"].GetInt64();
    return outcome;
  }
  return outcome;
}

TEST_P(ClaimRaceTest, ExactlyTheTotalIsIssuedAndNobodyPassesTheLimit) {
  const std::string brand = Bootstrap();
  std::vector<std::unique_ptr<Subprocess>> servers;
  for (int port : ports_) {
    servers.push_back(std::make_unique<Subprocess>(
        std::vector<std::string>{MILEAGE_BINARY, "serve", "--config", WriteConfig(port)}));
    ASSERT_TRUE(servers.back()->WaitForStdout("listening", std::chrono::seconds(60)))
        << servers.back()->stderr_text();
  }
  const int64_t stock = CreateStock(brand);
  ASSERT_GT(stock, 0);

  // Every member's three claims, in a shuffled order; claim k goes to process k % processes.
  std::vector<int> work;
  for (int m = 0; m < kMembers; ++m) {
    for (int c = 0; c < kClaimsEach; ++c) work.push_back(m);
  }
  std::shuffle(work.begin(), work.end(), std::mt19937(20261206));

  Tokens tokens;
  std::atomic<int> next_login{0}, next_claim{0}, done{0}, outages{0}, failed_logins{0};
  std::atomic<bool> restarted{false};
  std::vector<Outcome> outcomes(work.size());
  // Each client thread has its own loopback address (the login limits count per address) and
  // one keep-alive connection to each process.
  auto client_thread = [&](int t) {
    std::vector<std::unique_ptr<httplib::Client>> clients;
    for (int port : ports_) {
      clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", port));
      clients.back()->set_interface("127.0.0." + std::to_string(10 + t));
      clients.back()->set_read_timeout(std::chrono::seconds(30));
    }
    for (int m; (m = next_login.fetch_add(1)) < kMembers;) {
      if (!LogIn(*clients[m % clients.size()], m, tokens)) failed_logins.fetch_add(1);
    }
    for (size_t k; (k = static_cast<size_t>(next_claim.fetch_add(1))) < work.size();) {
      outcomes[k] = Claim(*clients[k % clients.size()], work[k], stock, tokens, outages);
      outcomes[k].after_restart = restarted.load();
      done.fetch_add(1);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kClientThreads; ++t) threads.emplace_back(client_thread, t);

  // The outage: Redis goes away after a third of the total was claimed (most claims are still to
  // come) and comes back empty. The
  // servers' output is read meanwhile so that their logging never blocks on a full pipe.
  std::atomic<bool> finished{false};
  std::thread pump([&] {
    bool stopped = false;
    while (!finished.load()) {
      for (auto& server : servers) server->Pump();
      if (redis_ != nullptr && !stopped && done.load() >= kTotal / 3) {
        redis_->Stop();
        stopped = true;
        const auto back = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (std::chrono::steady_clock::now() < back) {
          for (auto& server : servers) server->Pump();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_EQ(redis_->Start(), "");
        restarted.store(true);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (std::thread& t : threads) t.join();
  finished.store(true);
  pump.join();
  EXPECT_EQ(failed_logins.load(), 0);

  // What the clients saw.
  std::map<int, int> granted_to;  // member -> 201s
  std::set<int64_t> coupon_ids;
  std::map<std::string, int> refusals;
  std::set<int> refused_at_limit;
  int granted = 0, granted_after_restart = 0;
  for (const Outcome& o : outcomes) {
    if (o.status == 201) {
      ++granted;
      granted_to[o.member] += 1;
      coupon_ids.insert(o.coupon_id);
      if (o.after_restart) ++granted_after_restart;
    } else {
      EXPECT_EQ(o.status, 409) << "member " << o.member << " answered " << o.status << " "
                               << o.code;
      refusals[o.code] += 1;
      if (o.code == "LIMIT_REACHED") refused_at_limit.insert(o.member);
    }
  }
  EXPECT_EQ(granted, kTotal);
  EXPECT_EQ(coupon_ids.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(refusals.size(), 2u) << "only SOLD_OUT and LIMIT_REACHED";
  EXPECT_GT(refusals["SOLD_OUT"], 0);
  EXPECT_EQ(refusals["SOLD_OUT"] + refusals["LIMIT_REACHED"] + granted,
            kMembers * kClaimsEach);

  // What the database holds.
  const std::string of_stock = " FROM coupons WHERE stock_id = " + std::to_string(stock);
  EXPECT_EQ(Scalar("SELECT COUNT(*)" + of_stock), kTotal);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(issued), 0) FROM coupon_stock_counters WHERE stock_id = " +
                   std::to_string(stock)),
            kTotal);
  EXPECT_LE(Scalar("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n" + of_stock +
                   " GROUP BY member_id) AS held"),
            kLimit);
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT member_id)" + of_stock),
            static_cast<int64_t>(granted_to.size()));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), kMembers);
  for (int64_t id : coupon_ids) {
    EXPECT_EQ(Scalar("SELECT COUNT(*)" + of_stock + " AND state = 'issued' AND id = " +
                     std::to_string(id)),
              1);
  }
  // Each 201 is the claiming member's coupon: their counts per member agree (members are
  // enrolled in login order of a shared counter, so compare through the openid).
  for (const auto& [member, count] : granted_to) {
    ASSERT_EQ(Scalar("SELECT COUNT(*)" + of_stock +
                     " AND member_id = (SELECT member_id FROM member_identities WHERE kind = "
                     "'openid' AND value = '" +
                     wechat::sandbox::OpenidFor(kAppid, CodeOf(member)) + "')"),
              count)
        << "member " << member;
  }
  // LIMIT_REACHED only for members who hold the limit.
  for (int member : refused_at_limit) EXPECT_EQ(granted_to[member], kLimit) << member;

  std::cout << "claims: " << granted << " x 201, " << refusals["SOLD_OUT"] << " x SOLD_OUT, "
            << refusals["LIMIT_REACHED"] << " x LIMIT_REACHED over " << servers.size()
            << " processes; refused by the outage and retried: " << outages.load()
            << "; 201 after Redis came back: " << granted_after_restart << "\n";
  if (redis_ != nullptr) {
    EXPECT_TRUE(restarted.load());
    EXPECT_GT(outages.load(), 0) << "the outage refused nothing: it came too late";
    EXPECT_GT(granted_after_restart, 0) << "claims did not resume after Redis came back";
  }
  for (auto& server : servers) {
    server->Signal(SIGTERM);
    EXPECT_EQ(server->Wait(std::chrono::seconds(30)), 0) << server->stderr_text();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ClaimRaceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
