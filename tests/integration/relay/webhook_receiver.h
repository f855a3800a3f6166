#pragma once

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mileage::testing {

// HMAC-SHA256 as lowercase hex, straight from OpenSSL (independent of crypto/ and relay/).
inline std::string OpenSslHmacHex(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof(byte), "%02x", mac[i]);
    hex += byte;
  }
  return hex;
}

// What a receiver of Mileage webhooks does (docs/API.md "Verifying a delivery"): recompute
// "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body) and compare it in constant time with
// each comma-separated signature of the header (two while a rotated secret overlaps).
inline bool VerifySignature(const std::string& secret, const std::string& timestamp,
                            const std::string& body, const std::string& header) {
  const std::string expected = "v1=" + OpenSslHmacHex(secret, timestamp + "." + body);
  bool matched = false;
  size_t start = 0;
  while (start <= header.size()) {
    const size_t comma = std::min(header.find(',', start), header.size());
    const std::string one = header.substr(start, comma - start);
    matched |= one.size() == expected.size() &&
               CRYPTO_memcmp(one.data(), expected.data(), expected.size()) == 0;
    start = comma + 1;
  }
  return matched;
}

// One delivery as the receiver saw it.
struct ReceivedDelivery {
  int64_t event_id = 0;
  std::string timestamp;
  std::string signature;
  std::string body;
  int answered = 0;  // the status the receiver answered
};

// What the receiver answers to attempt `attempt` (1, 2, ...) of event `event_id`, and how long
// it waits first.
struct ReceiverAnswer {
  int status = 200;
  std::chrono::milliseconds delay{0};
  size_t body_bytes = 0;  // the answer's body: "{}" when 0, else this many bytes
};
using ReceiverPolicy = std::function<ReceiverAnswer(int64_t event_id, int attempt)>;

// A webhook endpoint under test: an in-process httplib server on a loopback port that records
// every POST /hook and answers by its policy (default 200 at once). It also counts deliveries of
// one event id that overlapped in time (two requests in flight at once), which two relays
// delivering the same event at the same time would cause. Safe for concurrent use.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server_.Post("/hook",
                 [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  void SetPolicy(ReceiverPolicy policy) {
    std::lock_guard lock(mu_);
    policy_ = std::move(policy);
  }
  // Every delivery in arrival order.
  std::vector<ReceivedDelivery> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  // The event ids answered 2xx, in the order they arrived.
  std::vector<int64_t> Delivered() const {
    std::lock_guard lock(mu_);
    std::vector<int64_t> ids;
    for (const ReceivedDelivery& d : received_) {
      if (d.answered >= 200 && d.answered < 300) ids.push_back(d.event_id);
    }
    return ids;
  }
  int overlaps() const {
    std::lock_guard lock(mu_);
    return overlaps_;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    ReceivedDelivery d;
    d.event_id = std::atoll(req.get_header_value("Mileage-Event-Id").c_str());
    d.timestamp = req.get_header_value("Mileage-Timestamp");
    d.signature = req.get_header_value("Mileage-Signature");
    d.body = req.body;
    ReceiverAnswer answer;
    {
      std::lock_guard lock(mu_);
      if (in_flight_.count(d.event_id) > 0) ++overlaps_;
      in_flight_.insert(d.event_id);
      const int attempt = ++attempts_[d.event_id];
      if (policy_) answer = policy_(d.event_id, attempt);
    }
    std::this_thread::sleep_for(answer.delay);
    {
      std::lock_guard lock(mu_);
      in_flight_.erase(in_flight_.find(d.event_id));
      d.answered = answer.status;
      received_.push_back(std::move(d));
    }
    res.status = answer.status;
    res.set_content(answer.body_bytes == 0 ? "{}" : std::string(answer.body_bytes, ' '),
                    "application/json");
  }

  mutable std::mutex mu_;
  ReceiverPolicy policy_;
  std::vector<ReceivedDelivery> received_;
  std::map<int64_t, int> attempts_;
  std::multiset<int64_t> in_flight_;
  int overlaps_ = 0;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace mileage::testing
