// card_load: GET /api/mp/card (the mini-program's home page: member, rolling activity and tier
// progress, points balance and expiring lots, usable coupons, a fresh member code) per second,
// next to GET /ping of the same server and run, with p50/p99.
//
// Setup through the real API, so that every card has something to read: the brand admin logs
// in to the console and creates a claim stock and a payment-reward stock; CONNECTIONS x
// MEMBERS_PER_CONNECTION members log in through POST /api/mp/login (code2Session is the
// sandbox); the sandbox pays twice for each member (WeChat Pay notifications to the service:
// points lots, activity, a reward coupon each) and each member claims two coupons. The load
// starts once every member's card shows both payments. Each connection has its own loopback
// address 127.0.0.(10 + c) because logins are limited per address.
//
// Usage: card_load HOST PORT APPID SANDBOX_PORT MCHID USERNAME PASSWORD BRAND_ID CONNECTIONS
//                  SECONDS MEMBERS_PER_CONNECTION
// Prints "card RPS P50 P99 FAILED" and "ping RPS P50 P99 FAILED".
#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/api_calls.h"
#include "bench/load_driver.h"

namespace {

using mileage::bench::Call;
using mileage::bench::CreateActiveStock;
using mileage::bench::Drive;
using mileage::bench::Reply;
using mileage::bench::Run;
using mileage::bench::StaffLogin;

// The card's points balance, or -1.
int64_t Balance(httplib::Client& client, const std::string& token) {
  Reply card = Call(client, "GET", "/api/mp/card", token, "");
  if (card.status != 200 || !card.json.IsObject() || !card.json.HasMember("points")) return -1;
  return card.json["points"]["balance"].GetInt64();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 12) {
    std::fprintf(stderr,
                 "usage: card_load HOST PORT APPID SANDBOX_PORT MCHID USERNAME PASSWORD BRAND_ID "
                 "CONNECTIONS SECONDS MEMBERS_PER_CONNECTION\n");
    return 2;
  }
  const std::string host = argv[1], appid = argv[3], mchid = argv[5];
  const int port = std::stoi(argv[2]);
  const int sandbox_port = std::stoi(argv[4]);
  const std::string username = argv[6], password = argv[7], brand = argv[8];
  const int connections = std::stoi(argv[9]);
  const int seconds = std::stoi(argv[10]);
  const int per_connection = std::stoi(argv[11]);
  constexpr int64_t kFirstPayment = 12345, kSecondPayment = 67800;
  constexpr int64_t kPoints = kFirstPayment / 100 + kSecondPayment / 100;  // 1 point a yuan

  httplib::Client console(host, port);
  const std::string staff = StaffLogin(console, username, password, "card_load");
  if (staff.empty()) return 2;
  const int64_t claimable =
      CreateActiveStock(console, staff, brand, 10000000, 100, R"("channels":["claim"])");
  const int64_t reward = CreateActiveStock(console, staff, brand, 10000000, 100,
                                           R"("channels":["payment"],"reward_min_amount_fen":100)");
  if (claimable == 0 || reward == 0) {
    std::fprintf(stderr, "card_load: could not create the stocks\n");
    return 2;
  }

  std::vector<std::unique_ptr<httplib::Client>> clients;
  std::vector<std::unique_ptr<httplib::Client>> sandboxes;
  for (int c = 0; c < connections; ++c) {
    clients.push_back(std::make_unique<httplib::Client>(host, port));
    clients.back()->set_keep_alive(true);
    clients.back()->set_tcp_nodelay(true);
    clients.back()->set_read_timeout(std::chrono::seconds(30));
    clients.back()->set_interface("127.0.0." + std::to_string(10 + c));
    sandboxes.push_back(std::make_unique<httplib::Client>(host, sandbox_port));
    sandboxes.back()->set_keep_alive(true);
  }
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch() /
                                         std::chrono::milliseconds(1));
  const std::string notify_url =
      "http://" + host + ":" + std::to_string(port) + "/wechatpay/v3/notify/" + mchid;
  const size_t members = static_cast<size_t>(connections) * per_connection;
  std::vector<std::string> tokens(members);
  // Member i: log in, two payments through the sandbox, two claims.
  const Run setup = Drive(connections, 600, members, [&](int c, size_t i) {
    const std::string code = "card-" + run + "-" + std::to_string(i);
    Reply reply = Call(*clients[c], "POST", "/api/mp/login", "",
                       R"({"appid":")" + appid + R"(","code":")" + code + R"("})");
    if (reply.status != 200) return false;
    tokens[i] = reply.json["token"].GetString();
    for (int64_t amount : {kFirstPayment, kSecondPayment}) {
      Reply paid =
          Call(*sandboxes[c], "POST", "/sandbox/payments", "",
               R"({"amount":)" + std::to_string(amount) + R"(,"mchid":")" + mchid +
                   R"(","openid_code":")" + code + R"(","notify_url":")" + notify_url + R"("})");
      if (paid.status != 200 && paid.status != 201) return false;
    }
    for (int k = 0; k < 2; ++k) {
      if (Call(*clients[c], "POST", "/api/mp/stocks/" + std::to_string(claimable) + "/claim",
               tokens[i], "")
              .status != 201) {
        return false;
      }
    }
    return true;
  });
  if (setup.failed > 0) {
    std::fprintf(stderr, "card_load: %lld member setups failed\n",
                 static_cast<long long>(setup.failed));
    return 2;
  }
  // The sandbox delivers the notifications on its own threads: wait until every card shows both.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (size_t i = 0; i < members; ++i) {
    while (Balance(*clients[0], tokens[i]) != kPoints) {
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "card_load: member %zu's payments did not arrive\n", i);
        return 2;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::vector<size_t> cards_of(connections, 0);
  auto card = [&](int c, size_t) {
    const size_t member = c * per_connection + cards_of[c]++ % per_connection;
    auto res = clients[c]->Get("/api/mp/card", {{"Authorization", "Bearer " + tokens[member]}});
    return res && res->status == 200 && res->body.find("\"member_code\"") != std::string::npos;
  };
  auto ping = [&](int c, size_t) {
    auto res = clients[c]->Get("/ping");
    return res && res->status == 200;
  };
  Drive(connections, 1, connections * 4, ping);
  Drive(connections, 1, connections * 4, card);
  const Run cards = Drive(connections, seconds, SIZE_MAX, card);
  const Run baseline = Drive(connections, seconds, SIZE_MAX, ping);

  std::printf("card %.0f %.2f %.2f %lld\n", cards.rps, cards.p50_ms, cards.p99_ms,
              static_cast<long long>(cards.failed));
  std::printf("ping %.0f %.2f %.2f %lld\n", baseline.rps, baseline.p50_ms, baseline.p99_ms,
              static_cast<long long>(baseline.failed));
  return cards.failed == 0 ? 0 : 1;
}
