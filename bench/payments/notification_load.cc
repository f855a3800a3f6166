// notification_load: how many WeChat Pay notifications per second a running Mileage verifies
// and durably commits, with p50/p99 latency, next to GET /ping of the same server (the
// trivial-route baseline of the same run). Notifications are signed before the clock starts
// (RSA signing is the load generator's cost, not the server's), each with a new
// transaction_id and one of `payers` openids.
//
// Usage: notification_load HOST PORT[,PORT...] MCHID APPID APIV3_KEY_FILE SERIAL
//                          SIGNING_KEY_PEM CONNECTIONS SECONDS PAYERS
// Several ports (Mileage nodes on one host): connection c goes to the (c mod n)-th port, for
// the notifications and the /ping baseline alike.
// Prints two lines: "notify RPS P50_MS P99_MS FAILED" and "ping RPS P50_MS P99_MS FAILED".
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/load_driver.h"
#include "common/clock.h"
#include "common/random.h"
#include "crypto/rsa.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/transaction.h"

namespace {

using mileage::bench::Drive;
using mileage::bench::Run;
using mileage::wechat::pay::SignedNotification;

// "8080,8081" -> {8080, 8081}; empty when a part is not a port.
std::vector<int> ParsePorts(const std::string& text) {
  std::vector<int> ports;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    const int port = std::atoi(part.c_str());
    if (port < 1 || port > 65535) return {};
    ports.push_back(port);
  }
  return ports;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 11) {
    std::fprintf(stderr,
                 "usage: notification_load HOST PORT[,PORT...] MCHID APPID APIV3_KEY_FILE "
                 "SERIAL SIGNING_KEY_PEM CONNECTIONS SECONDS PAYERS\n");
    return 2;
  }
  const std::string host = argv[1];
  const std::vector<int> ports = ParsePorts(argv[2]);
  if (ports.empty()) {
    std::fprintf(stderr, "notification_load: bad PORT list '%s'\n", argv[2]);
    return 2;
  }
  const std::string mchid = argv[3], appid = argv[4];
  std::string apiv3 = ReadFile(argv[5]);
  while (!apiv3.empty() && (apiv3.back() == '\n' || apiv3.back() == '\r')) apiv3.pop_back();
  const std::string serial = argv[6];
  const int connections = std::stoi(argv[8]);
  const int seconds = std::stoi(argv[9]);
  const int payers = std::stoi(argv[10]);

  auto key = mileage::wechat::pay::ApiV3Key::Create(apiv3);
  auto signing_key = mileage::crypto::RsaPrivateKey::FromPem(ReadFile(argv[7]));
  if (!key.ok() || !signing_key.ok()) {
    std::fprintf(stderr, "notification_load: bad APIv3 key or signing key\n");
    return 2;
  }

  // Sign enough for 6,000/s for the whole run on two threads.
  const size_t count = static_cast<size_t>(6000) * seconds;
  std::vector<SignedNotification> notifications(count);
  const int64_t run_id = mileage::UnixSeconds(mileage::SystemClock().Now());
  std::vector<std::thread> signers;
  std::atomic<bool> sign_failed{false};
  for (int s = 0; s < 2; ++s) {
    signers.emplace_back([&, s] {
      mileage::OsRandom random;
      mileage::SystemClock clock;
      for (size_t i = s; i < count; i += 2) {
        mileage::wechat::pay::Transaction t;
        t.appid = appid;
        t.mchid = mchid;
        t.transaction_id = "42" + std::to_string(run_id) + std::to_string(1000000000 + i);
        t.out_trade_no = "LOAD" + t.transaction_id;
        t.trade_type = "JSAPI";
        t.trade_state = mileage::wechat::pay::TradeState::kSuccess;
        t.success_time = clock.Now();
        t.payer_openid = "load-payer-" + std::to_string(i % payers);
        t.amount = {8800, 8800, "CNY", "CNY"};
        auto signed_notification = mileage::wechat::pay::BuildNotification(
            mileage::wechat::pay::TransactionNotificationSpec("LOAD-" + t.transaction_id, t), *key,
            *signing_key, serial, clock.Now(), random);
        if (!signed_notification.ok()) {
          sign_failed = true;
          return;
        }
        notifications[i] = std::move(signed_notification).value();
      }
    });
  }
  for (auto& t : signers) t.join();
  if (sign_failed) {
    std::fprintf(stderr, "notification_load: signing failed\n");
    return 2;
  }

  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int c = 0; c < connections; ++c) {
    clients.push_back(std::make_unique<httplib::Client>(host, ports[c % ports.size()]));
    clients.back()->set_keep_alive(true);
    // Headers and body go out in two writes: without TCP_NODELAY, Nagle holds the body until
    // the server's delayed ACK (~40 ms), which would measure the client, not the server.
    clients.back()->set_tcp_nodelay(true);
    clients.back()->set_read_timeout(std::chrono::seconds(30));
  }
  const std::string path = "/wechatpay/v3/notify/" + mchid;
  auto post = [&](int c, size_t i) {
    const SignedNotification& n = notifications[i];
    httplib::Headers headers = {{"Wechatpay-Serial", n.headers.serial},
                                {"Wechatpay-Signature", n.headers.signature},
                                {"Wechatpay-Timestamp", n.headers.timestamp},
                                {"Wechatpay-Nonce", n.headers.nonce}};
    auto res = clients[c]->Post(path, headers, n.body, "application/json");
    return res && res->status == 204;
  };
  auto ping = [&](int c, size_t) {
    auto res = clients[c]->Get("/ping");
    return res && res->status == 200;
  };
  // Warm up the connections and the server's caches (merchant keys, statements).
  Drive(connections, 1, connections * 4, ping);
  const Run notify = Drive(connections, seconds, count, post);
  const Run baseline = Drive(connections, seconds, SIZE_MAX, ping);
  std::printf("notify %.0f %.2f %.2f %lld\n", notify.rps, notify.p50_ms, notify.p99_ms,
              static_cast<long long>(notify.failed));
  std::printf("ping %.0f %.2f %.2f %lld\n", baseline.rps, baseline.p50_ms, baseline.p99_ms,
              static_cast<long long>(baseline.failed));
  return notify.failed == 0 ? 0 : 1;
}
