// claim_load: coupon claims per second on one hot stock, durably committed (each 201 is a
// committed coupon), next to GET /ping of the same server and run; then counter redemptions of
// the claimed coupons (p50/p99); then a sell-out under the same load, which proves that nothing
// oversold: the 201s equal the stock's total and the stock's own issued count.
//
// Setup through the real API: the brand admin logs in to the console and creates the stocks;
// CONNECTIONS x MEMBERS_PER_CONNECTION members log in through POST /api/mp/login (WeChat's
// code2Session is the sandbox, which accepts any code); each connection has its own loopback
// address 127.0.0.(10 + c) because logins are limited per address.
//
// Usage: claim_load HOST PORT APPID BRAND_ID STORE_ID USERNAME PASSWORD CONNECTIONS SECONDS
//                   MEMBERS_PER_CONNECTION
// Prints "claim RPS P50 P99 FAILED", "ping ...", "redeem ...", "sellout TOTAL CREATED ISSUED".
#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/api_calls.h"
#include "bench/load_driver.h"

namespace {

using mileage::bench::Call;
using mileage::bench::CreateActiveStock;
using mileage::bench::Drive;
using mileage::bench::IntField;
using mileage::bench::Reply;
using mileage::bench::Run;
using mileage::bench::StaffLogin;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 11) {
    std::fprintf(stderr,
                 "usage: claim_load HOST PORT APPID BRAND_ID STORE_ID USERNAME PASSWORD "
                 "CONNECTIONS SECONDS MEMBERS_PER_CONNECTION\n");
    return 2;
  }
  const std::string host = argv[1], appid = argv[3], brand = argv[4], store = argv[5];
  const int port = std::stoi(argv[2]);
  const std::string username = argv[6], password = argv[7];
  const int connections = std::stoi(argv[8]);
  const int seconds = std::stoi(argv[9]);
  const int per_connection = std::stoi(argv[10]);

  httplib::Client console(host, port);
  const std::string staff = StaffLogin(console, username, password, "claim_load");
  if (staff.empty()) return 2;

  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int c = 0; c < connections; ++c) {
    clients.push_back(std::make_unique<httplib::Client>(host, port));
    clients.back()->set_keep_alive(true);
    clients.back()->set_tcp_nodelay(true);
    clients.back()->set_read_timeout(std::chrono::seconds(30));
    clients.back()->set_interface("127.0.0." + std::to_string(10 + c));
  }
  // The members: connection c logs in and claims for members c * per_connection + j.
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch() /
                                         std::chrono::milliseconds(1));
  std::vector<std::string> tokens(static_cast<size_t>(connections) * per_connection);
  const Run logins = Drive(connections, 600, tokens.size(), [&](int c, size_t i) {
    Reply reply = Call(
        *clients[c], "POST", "/api/mp/login", "",
        R"({"appid":")" + appid + R"(","code":"bench-)" + run + "-" + std::to_string(i) + R"("})");
    if (reply.status != 200) return false;
    tokens[i] = reply.json["token"].GetString();
    return true;
  });
  if (logins.failed > 0) {
    std::fprintf(stderr, "claim_load: %lld member logins failed\n",
                 static_cast<long long>(logins.failed));
    return 2;
  }

  // Throughput: a stock nobody exhausts in the run (10^7 coupons, 100 per member).
  const int64_t hot =
      CreateActiveStock(console, staff, brand, 10000000, 100, R"("channels":["claim"])");
  if (hot == 0) {
    std::fprintf(stderr, "claim_load: could not create the stock\n");
    return 2;
  }
  std::mutex codes_mu;
  std::vector<std::string> codes;
  std::vector<size_t> claims_of(connections, 0);
  auto claim = [&](int64_t stock) {
    const std::string path = "/api/mp/stocks/" + std::to_string(stock) + "/claim";
    return [&, path](int c, size_t) {
      const size_t member = c * per_connection + claims_of[c]++ % per_connection;
      Reply reply = Call(*clients[c], "POST", path, tokens[member], "");
      if (reply.status != 201) return false;
      if (reply.json.HasMember("code") && reply.json["code"].IsString()) {
        std::lock_guard lock(codes_mu);
        codes.emplace_back(reply.json["code"].GetString());
      }
      return true;
    };
  };
  auto ping = [&](int c, size_t) {
    auto res = clients[c]->Get("/ping");
    return res && res->status == 200;
  };
  Drive(connections, 1, connections * 4, ping);
  const Run claims = Drive(connections, seconds, SIZE_MAX, claim(hot));
  const Run baseline = Drive(connections, seconds, SIZE_MAX, ping);

  // Redemptions at the counter: the brand admin redeems claimed coupons at the store, each with
  // its own request id.
  const Run redeems = Drive(connections, seconds, codes.size(), [&](int c, size_t i) {
    Reply reply = Call(*clients[c], "POST", "/api/console/redemptions", staff,
                       R"({"code":")" + codes[i] + R"(","store_id":)" + store +
                           R"(,"order_amount_fen":50000,"request_id":"bench-)" + run + "-" +
                           std::to_string(i) + R"("})");
    return reply.status == 200;
  });

  // Sell-out: more claims than the total, all at once; the 201s must be the total exactly.
  constexpr int64_t kSellOutTotal = 2000;
  const int64_t small =
      CreateActiveStock(console, staff, brand, kSellOutTotal, 100, R"("channels":["claim"])");
  std::fill(claims_of.begin(), claims_of.end(), 0);
  const size_t attempts = static_cast<size_t>(kSellOutTotal) * 2;
  const Run sellout = Drive(connections, 600, attempts, claim(small));
  const int64_t created = static_cast<int64_t>(attempts) - sellout.failed;
  Reply view = Call(console, "GET", "/api/console/stocks/" + std::to_string(small), staff, "");
  int64_t issued = IntField(view.json, "issued");
  if (issued < 0 && view.json.IsObject() && view.json.HasMember("counts")) {
    issued = IntField(view.json["counts"], "issued");
  }

  std::printf("claim %.0f %.2f %.2f %lld\n", claims.rps, claims.p50_ms, claims.p99_ms,
              static_cast<long long>(claims.failed));
  std::printf("ping %.0f %.2f %.2f %lld\n", baseline.rps, baseline.p50_ms, baseline.p99_ms,
              static_cast<long long>(baseline.failed));
  std::printf("redeem %.0f %.2f %.2f %lld\n", redeems.rps, redeems.p50_ms, redeems.p99_ms,
              static_cast<long long>(redeems.failed));
  std::printf("sellout %lld %lld %lld\n", static_cast<long long>(kSellOutTotal),
              static_cast<long long>(created), static_cast<long long>(issued));
  const bool exact = created == kSellOutTotal && issued == kSellOutTotal;
  return claims.failed == 0 && redeems.failed == 0 && exact ? 0 : 1;
}
