// partner_load: signed partner earnings (POST /api/partner/v1/earnings, each a new request_id
// and nonce) per second, next to GET /ping of the same server and run, with p50/p95/p99.
//
// Setup through the real API, outside the timed part: the brand admin logs in to the console,
// creates a partner (category other, so that an earning needs no detail) and gives it a rule of
// 1 point a yuan; CONNECTIONS x MEMBERS_PER_CONNECTION members log in through POST
// /api/mp/login (code2Session is the sandbox), read their member code from GET /api/mp/card, and
// the partner looks each one up by that code once (POST /api/partner/v1/members/lookup), which
// links the member and gives its partner_member_id. The timed earnings name members by
// partner_member_id, round robin per connection. Each connection has its own loopback address
// 127.0.0.(10 + c) because logins are limited per address.
//
// With COUNTER_COMMAND (optional), it also counts the server's round trips: it runs the command
// (which prints "NAME VALUE" lines, e.g. MariaDB's Questions and Redis's commands processed)
// before and after COUNTED earnings sent one at a time, and prints "per_earning NAME DELTA/N".
//
// Usage: partner_load HOST PORT APPID USERNAME PASSWORD CONNECTIONS SECONDS
//                     MEMBERS_PER_CONNECTION [COUNTED COUNTER_COMMAND]
// Prints "earning RPS P50 P95 P99 FAILED" and "ping RPS P50 P95 P99 FAILED".
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/api_calls.h"
#include "bench/load_driver.h"
#include "org/partner_signature.h"

namespace {

using mileage::bench::Call;
using mileage::bench::Drive;
using mileage::bench::IntField;
using mileage::bench::Reply;
using mileage::bench::Run;
using mileage::bench::StaffLogin;

// The partner's key and secret, and a prefix that makes this run's nonces and request ids new.
struct Signer {
  std::string key;
  std::string secret;
  std::string run;
};

// A signed POST of `body` to `path` with nonce `nonce` (16..64 of [A-Za-z0-9_-]).
httplib::Result SignedPost(httplib::Client& client, const Signer& signer, const std::string& path,
                           const std::string& nonce, const std::string& body) {
  const std::string timestamp =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  const std::string signature = mileage::org::PartnerSignature(
      signer.secret, mileage::org::PartnerCanonicalString("POST", path, timestamp, nonce, body));
  httplib::Headers headers{{"Mileage-Partner-Key", signer.key},
                           {"Mileage-Timestamp", timestamp},
                           {"Mileage-Nonce", nonce},
                           {"Mileage-Signature", signature}};
  return client.Post(path, headers, body, "application/json");
}

std::string NowRfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// "NAME VALUE" lines printed by `command`, or an empty map.
std::map<std::string, double> Counters(const std::string& command) {
  std::map<std::string, double> out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char name[128];
  double value = 0;
  while (std::fscanf(pipe, "%127s %lf", name, &value) == 2) out[name] = value;
  pclose(pipe);
  return out;
}

// The partner (its key and secret) created with a rule, or a signer with an empty key.
Signer CreatePartner(httplib::Client& console, const std::string& staff, const std::string& run) {
  Signer signer;
  signer.run = run;
  Reply created = Call(console, "POST", "/api/console/partners", staff,
                       R"({"name":"Bench )" + run + R"(","category":"other"})");
  if (created.status != 201) return signer;
  const int64_t id = IntField(created.json["partner"], "id");
  Reply rule = Call(console, "PUT", "/api/console/partners/" + std::to_string(id) + "/rule", staff,
                    R"({"points_per_yuan":1})");
  if (rule.status != 200) return signer;
  signer.secret = created.json["secret"].GetString();
  signer.key = created.json["partner"]["api_key_id"].GetString();
  return signer;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9 && argc != 11) {
    std::fprintf(stderr,
                 "usage: partner_load HOST PORT APPID USERNAME PASSWORD CONNECTIONS SECONDS "
                 "MEMBERS_PER_CONNECTION [COUNTED COUNTER_COMMAND]\n");
    return 2;
  }
  const std::string host = argv[1], appid = argv[3];
  const int port = std::stoi(argv[2]);
  const std::string username = argv[4], password = argv[5];
  const int connections = std::stoi(argv[6]);
  const int seconds = std::stoi(argv[7]);
  const int per_connection = std::stoi(argv[8]);
  const size_t counted = argc == 11 ? std::stoul(argv[9]) : 0;
  const std::string counter_command = argc == 11 ? argv[10] : "";

  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch() /
                                         std::chrono::milliseconds(1));
  httplib::Client console(host, port);
  const std::string staff = StaffLogin(console, username, password, "partner_load");
  if (staff.empty()) return 2;
  const Signer signer = CreatePartner(console, staff, run);
  if (signer.key.empty()) {
    std::fprintf(stderr, "partner_load: could not create the partner and its rule\n");
    return 2;
  }

  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int c = 0; c < connections; ++c) {
    clients.push_back(std::make_unique<httplib::Client>(host, port));
    clients.back()->set_keep_alive(true);
    clients.back()->set_tcp_nodelay(true);
    clients.back()->set_read_timeout(std::chrono::seconds(30));
    clients.back()->set_interface("127.0.0." + std::to_string(10 + c));
  }
  const size_t members = static_cast<size_t>(connections) * per_connection;
  std::vector<std::string> member_ids(members);
  // Member i: log in, read the card's member code, one lookup by the partner.
  const Run setup = Drive(connections, 600, members, [&](int c, size_t i) {
    Reply login = Call(*clients[c], "POST", "/api/mp/login", "",
                       R"({"appid":")" + appid + R"(","code":"partner-)" + run + "-" +
                           std::to_string(i) + R"("})");
    if (login.status != 200) return false;
    Reply card = Call(*clients[c], "GET", "/api/mp/card", login.json["token"].GetString(), "");
    if (card.status != 200 || !card.json.HasMember("member_code")) return false;
    const std::string code = card.json["member_code"]["token"].GetString();
    // Concurrent first links deadlock on MariaDB (409 ABORTED, nothing written): retry those.
    int status = 0;
    std::string answer;
    for (int attempt = 0; attempt < 5 && (status == 0 || status == 409); ++attempt) {
      auto looked_up =
          SignedPost(*clients[c], signer, "/api/partner/v1/members/lookup",
                     "lookup-" + run + "-" + std::to_string(i) + "-" + std::to_string(attempt),
                     R"({"member":{"code":")" + code + R"("}})");
      status = looked_up ? looked_up->status : -1;
      if (looked_up) answer = looked_up->body;
    }
    if (status != 200) return false;
    rapidjson::Document body;
    body.Parse(answer.c_str());
    member_ids[i] = body["partner_member_id"].GetString();
    return true;
  });
  if (setup.failed > 0) {
    std::fprintf(stderr, "partner_load: %lld member setups failed\n",
                 static_cast<long long>(setup.failed));
    return 2;
  }

  const std::string occurred_at = NowRfc3339();
  std::vector<size_t> sent_by(connections, 0);
  auto earn = [&](int c, size_t i) {
    const size_t member = c * per_connection + sent_by[c]++ % per_connection;
    const std::string id = "e-" + run + "-" + std::to_string(i);
    auto res = SignedPost(*clients[c], signer, "/api/partner/v1/earnings", "nonce-" + id,
                          R"({"request_id":")" + id + R"(","member":{"partner_member_id":")" +
                              member_ids[member] + R"("},"amount_fen":10000,"occurred_at":")" +
                              occurred_at + R"("})");
    return res && res->status == 201 && res->body.find("\"points\":100") != std::string::npos;
  };
  auto ping = [&](int c, size_t) {
    auto res = clients[c]->Get("/ping");
    return res && res->status == 200;
  };
  size_t offset = 0;  // request ids already used: each phase numbers on from here
  auto phase = [&](int conns, int secs, size_t limit, auto& send) {
    std::atomic<size_t> high{0};
    const Run r = Drive(conns, secs, limit, [&](int c, size_t i) {
      size_t seen = high.load();
      while (i + 1 > seen && !high.compare_exchange_weak(seen, i + 1)) {
      }
      return send(c, offset + i);
    });
    offset += high.load();
    return r;
  };

  if (counted > 0) {
    const auto before = Counters(counter_command);
    const Run one_by_one = phase(1, 600, counted, earn);
    const auto after = Counters(counter_command);
    if (one_by_one.failed > 0) {
      std::fprintf(stderr, "partner_load: %lld counted earnings failed\n",
                   static_cast<long long>(one_by_one.failed));
      return 1;
    }
    for (const auto& [name, value] : after) {
      if (before.count(name) == 0) continue;
      std::printf("per_earning %s %.2f\n", name.c_str(),
                  (value - before.at(name)) / static_cast<double>(counted));
    }
  }
  phase(connections, 1, connections * 4, ping);
  phase(connections, 1, connections * 4, earn);
  const Run earnings = phase(connections, seconds, SIZE_MAX, earn);
  const Run baseline = phase(connections, seconds, SIZE_MAX, ping);

  for (const auto& [name, r] : {std::pair{"earning", earnings}, std::pair{"ping", baseline}}) {
    std::printf("%s %.0f %.2f %.2f %.2f %lld\n", name, r.rps, r.p50_ms, r.p95_ms, r.p99_ms,
                static_cast<long long>(r.failed));
  }
  return earnings.failed == 0 ? 0 : 1;
}
