#pragma once

// The coupon claim race and its end-state checks, shared by claim_race_test.cc (one process on
// SQLite, three on MariaDB) and multinode_claim_race_test.cc (three behind a balancer with
// nodes killed): a stock of 1,000 with a per-member limit of 2, 3,000 members each claiming it
// 3 times at once. The expectation is computed from the rule, not from the service: exactly
// 1,000 coupons, no member above 2, every 201 a coupon row of the member who claimed, every
// refusal SOLD_OUT or LIMIT_REACHED, and LIMIT_REACHED only for members who hold 2.

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/console_calls.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "wechat/sandbox/fixtures.h"

namespace mileage::testing {

inline constexpr const char* kAppid = "wx8888888888888888";
inline constexpr const char* kSecret = "sandbox-secret";
inline constexpr const char* kPassword = "pass-word-123";
inline constexpr int kTotal = 1000;
inline constexpr int kLimit = 2;
inline constexpr int kMembers = 3000;
inline constexpr int kClaimsEach = 3;
inline constexpr int kClientThreads = 48;

struct Reply {
  int status = 0;         // 0: no answer (connection refused or reset)
  bool resent = false;    // a balancer sent it on after a node's 5xx (which may have acted)
  int retry_after_s = 0;  // Retry-After of a 429
  std::string code;
  rapidjson::Document json;
};

inline Reply Send(httplib::Client& client, const std::string& method, const std::string& path,
                  const std::string& token, const std::string& body) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result result = method == "GET" ? client.Get(path, headers)
                                           : client.Post(path, headers, body, "application/json");
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.resent = result->has_header("X-Test-Balancer-Resent");
  reply.retry_after_s = std::atoi(result->get_header_value("Retry-After").c_str());
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
  // Attempts whose outcome the client cannot know: no answer or a 502 (a node died with the
  // request); with database faults also a 503 (a node whose database died during COMMIT
  // answers 503 though the commit may have been made) and an answer a balancer got after a
  // node's 5xx. Each may have issued a coupon the client never saw.
  int unanswered = 0;
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

inline std::string CodeOf(int member) { return "race-member-" + std::to_string(member); }

// Logs the member in (again), retrying through an outage for up to 90 s and waiting out a 429
// as the mini-program does (the login limits count per client address); false when it never
// succeeded.
inline bool LogIn(httplib::Client& client, int member, Tokens& tokens) {
  const std::string body =
      R"({"appid":")" + std::string(kAppid) + R"(","code":")" + CodeOf(member) + R"("})";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    Reply reply = Send(client, "POST", "/api/mp/login", "", body);
    if (reply.status == 200) {
      tokens.Set(member, reply.json["token"].GetString());
      return true;
    }
    std::this_thread::sleep_for(
        reply.status == 429
            ? std::chrono::milliseconds(1000 * std::clamp(reply.retry_after_s, 1, 60))
            : std::chrono::milliseconds(50));
  }
  return false;
}

// One claim as a client makes it: through an outage it retries (503, 502 or no answer), and a
// 401 (the session vanished with Redis) makes it log in again first. `database_faults`: the
// run kills database nodes, so a 5xx does not prove that nothing was done.
inline Outcome Claim(httplib::Client& client, int member, int64_t stock, Tokens& tokens,
                     std::atomic<int>& outages, bool database_faults) {
  const std::string path = "/api/mp/stocks/" + std::to_string(stock) + "/claim";
  Outcome outcome;
  outcome.member = member;
  for (int attempt = 0; attempt < 400; ++attempt) {
    Reply reply = Send(client, "POST", path, tokens.Get(member), "");
    outcome.code = "gave up after HTTP " + std::to_string(reply.status) + " " + reply.code;
    if (reply.status == 401) {
      outages.fetch_add(1);
      if (!LogIn(client, member, tokens)) {
        outcome.code = "gave up: no login";
        break;
      }
      continue;
    }
    if (reply.resent && database_faults) ++outcome.unanswered;
    if (reply.status == 0 || reply.status == 502 || reply.status == 503) {
      if (reply.status != 503 || database_faults) ++outcome.unanswered;
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

// The org through `mileage admin` (`admin` runs it with the given arguments and returns its
// output): a brand with one store, the sandbox's mini-program and a brand admin. Files go to
// `dir`. Returns the brand id.
inline std::string Bootstrap(const std::function<std::string(std::vector<std::string>)>& admin,
                             const TempDir& dir) {
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return (dir.path() / name).string();
  };
  const std::string brand = admin({"create-brand", "--name", "Brand"});
  const std::string region = admin({"create-region", "--brand", brand, "--name", "R"});
  const std::string dealer = admin({"create-dealer", "--region", region, "--name", "D"});
  admin({"create-store", "--dealer", dealer, "--name", "S"});
  admin({"add-miniprogram", "--brand", brand, "--appid", kAppid, "--secret-file",
         write("secret", kSecret)});
  admin({"create-user", "--username", "admin", "--role", "brand_admin", "--scope-type", "brand",
         "--scope-id", brand, "--password-file", write("password", kPassword)});
  return brand;
}

// The stock through the console API of the server on `port`, as the brand admin would make it;
// returns its id (0 after a test failure).
inline int64_t CreateStock(int port, const std::string& brand) {
  httplib::Client client("127.0.0.1", port);
  const std::string token = ConsoleLogin(client, "admin", kPassword);
  if (token.empty()) return 0;
  return CreateActiveStock(client, token, std::stoll(brand),
                           R"("name":"Race","type":"cash","value_fen":1000,"valid_days":30,)"
                           R"("total_quantity":)" +
                               std::to_string(kTotal) + R"(,"per_member_limit":)" +
                               std::to_string(kLimit) + R"(,"channels":["claim"])");
}

// A run of the race: every member logs in, then makes their claims, from kClientThreads client
// threads, each with keep-alive connections to each of `ports` from loopback addresses of its
// own (the login limits count per address: one address for the first logins, another for the
// claims and the logins again after Redis lost the sessions); claim k goes to port k % ports.
// The counters are read by the thread that injects faults while the run goes on.
struct Race {
  std::vector<Outcome> outcomes;
  std::atomic<int> done{0};     // claims answered
  std::atomic<int> outages{0};  // attempts refused by an outage and retried
  std::atomic<int> failed_logins{0};
  std::atomic<bool> restarted{false};  // set by the fault thread: later 201s count as "after"
  bool database_faults = false;        // database nodes are killed during the run

  void Run(const std::vector<int>& ports, int64_t stock) {
    std::vector<int> work;
    for (int m = 0; m < kMembers; ++m) {
      for (int c = 0; c < kClaimsEach; ++c) work.push_back(m);
    }
    std::shuffle(work.begin(), work.end(), std::mt19937(20261206));
    outcomes.assign(work.size(), Outcome());
    Tokens tokens;
    std::atomic<int> next_login{0}, next_claim{0};
    auto client_thread = [&](int t) {
      const auto connect = [&](const std::string& address) {
        std::vector<std::unique_ptr<httplib::Client>> clients;
        for (int port : ports) {
          clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", port));
          clients.back()->set_interface(address);
          clients.back()->set_read_timeout(std::chrono::seconds(30));
        }
        return clients;
      };
      std::vector<std::unique_ptr<httplib::Client>> logins =
          connect("127.0.1." + std::to_string(10 + t));
      std::vector<std::unique_ptr<httplib::Client>> clients =
          connect("127.0.0." + std::to_string(10 + t));
      for (int m; (m = next_login.fetch_add(1)) < kMembers;) {
        if (!LogIn(*logins[m % logins.size()], m, tokens)) failed_logins.fetch_add(1);
      }
      for (size_t k; (k = static_cast<size_t>(next_claim.fetch_add(1))) < work.size();) {
        outcomes[k] =
            Claim(*clients[k % clients.size()], work[k], stock, tokens, outages, database_faults);
        outcomes[k].after_restart = restarted.load();
        done.fetch_add(1);
      }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kClientThreads; ++t) threads.emplace_back(client_thread, t);
    for (std::thread& t : threads) t.join();
  }
};

// What the clients saw, summed up.
struct Seen {
  std::map<int, int> granted_to;  // member -> 201s
  std::map<int, int> unanswered;  // member -> attempts that may have issued a coupon
  std::set<int64_t> coupon_ids;
  std::map<std::string, int> refusals;
  std::set<int> refused_at_limit;
  int granted = 0;
  int granted_after_restart = 0;
};

// Checks what the clients saw against the rule and returns it summed up.
inline Seen CheckAnswers(const std::vector<Outcome>& outcomes) {
  Seen seen;
  for (const Outcome& o : outcomes) {
    if (o.unanswered > 0) seen.unanswered[o.member] += o.unanswered;
    if (o.status == 201) {
      ++seen.granted;
      seen.granted_to[o.member] += 1;
      seen.coupon_ids.insert(o.coupon_id);
      if (o.after_restart) ++seen.granted_after_restart;
    } else {
      EXPECT_EQ(o.status, 409) << "member " << o.member << " answered " << o.status << " "
                               << o.code;
      seen.refusals[o.code] += 1;
      if (o.code == "LIMIT_REACHED") seen.refused_at_limit.insert(o.member);
    }
  }
  EXPECT_EQ(static_cast<int>(seen.coupon_ids.size()), seen.granted);
  EXPECT_EQ(seen.refusals.size(), 2u) << "only SOLD_OUT and LIMIT_REACHED";
  EXPECT_GT(seen.refusals["SOLD_OUT"], 0);
  EXPECT_EQ(seen.refusals["SOLD_OUT"] + seen.refusals["LIMIT_REACHED"] + seen.granted,
            kMembers * kClaimsEach);
  return seen;
}

// The database against what the clients saw. Without unanswered attempts every coupon was
// answered 201; an unanswered attempt may have issued one more coupon to its member (the
// answer was lost with the node), never more than that.
inline void CheckDatabase(TestDatabase& database, int64_t stock, const Seen& seen) {
  const std::string of_stock = " FROM coupons WHERE stock_id = " + std::to_string(stock);
  EXPECT_EQ(database.Scalar("SELECT COUNT(*)" + of_stock), kTotal);
  EXPECT_EQ(database.Scalar("SELECT COALESCE(SUM(issued), 0) FROM coupon_stock_counters WHERE "
                            "stock_id = " +
                            std::to_string(stock)),
            kTotal);
  EXPECT_LE(database.Scalar("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n" + of_stock +
                            " GROUP BY member_id) AS held"),
            kLimit);
  EXPECT_EQ(database.Scalar("SELECT COUNT(*) FROM members"), kMembers);
  int lost = 0;
  for (const auto& [member, count] : seen.unanswered) lost += count;
  EXPECT_GE(seen.granted, kTotal - lost);
  EXPECT_LE(seen.granted, kTotal);
  for (int64_t id : seen.coupon_ids) {
    EXPECT_EQ(database.Scalar("SELECT COUNT(*)" + of_stock +
                              " AND state = 'issued' AND id = " + std::to_string(id)),
              1);
  }
  // Per member (through the openid: members are enrolled in login order of a shared counter):
  // the 201s it saw, plus at most its unanswered attempts.
  for (int member = 0; member < kMembers; ++member) {
    const auto granted = seen.granted_to.find(member);
    const auto unanswered = seen.unanswered.find(member);
    const int saw = granted == seen.granted_to.end() ? 0 : granted->second;
    const int unsure = unanswered == seen.unanswered.end() ? 0 : unanswered->second;
    if (saw == 0 && unsure == 0 && seen.refused_at_limit.count(member) == 0) continue;
    const int64_t held = database.Scalar(
        "SELECT COUNT(*)" + of_stock +
        " AND member_id = (SELECT member_id FROM member_identities WHERE kind = 'openid' AND "
        "value = '" +
        wechat::sandbox::OpenidFor(kAppid, CodeOf(member)) + "')");
    ASSERT_GE(held, saw) << "member " << member;
    ASSERT_LE(held, saw + unsure) << "member " << member;
    // LIMIT_REACHED only for members who hold the limit.
    if (seen.refused_at_limit.count(member) > 0) {
      EXPECT_EQ(held, kLimit) << "member " << member;
    }
  }
}

}  // namespace mileage::testing
