#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "server/sandbox_host.h"
#include "tests/support/test_server.h"
#include "wechat/client/api_client.h"
#include "wechat/client/pay_client.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/notification.h"
#include "wechat/pay/platform_keys.h"
#include "wechat/sandbox/sandbox_config.h"

namespace mileage::testing {

// The value of a Result, or T{} after recording a failure that shows the Status.
template <typename T>
T MustOk(Result<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.status().ToString();
    return T{};
  }
  return std::move(result).value();
}

// Polls `condition` every 10 ms for up to 30 s (generous: sanitizer builds on shared machines).
bool Eventually(const std::function<bool()>& condition);

// What the sandbox exports for a merchant, parsed.
struct MerchantExport {
  std::string mchid;
  std::string appid;
  std::string apiv3_key;
  std::string certificate_serial;
  std::string certificate_pem;
  std::string public_key_id;
  std::string public_key_pem;
  std::string merchant_serial;
  std::string merchant_private_key_pem;
};

// One delivery as GET /sandbox/deliveries/{id} shows it.
struct DeliveryView {
  std::string kind;
  std::string state;
  std::string notification_id;
  std::vector<int> statuses;  // per attempt; 0 = no answer
};

// A WeChat sandbox served in this process on a free loopback port, with its state in a
// temporary directory. Stops on destruction.
class RunningSandbox {
 public:
  // `customize` may change the config (key mode, retry scale, merchants) before it starts.
  explicit RunningSandbox(
      const std::function<void(wechat::sandbox::SandboxConfig&)>& customize = {});
  ~RunningSandbox();

  bool ok() const { return host_ != nullptr; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  server::SandboxHost& host() { return *host_; }
  wechat::sandbox::Sandbox& sandbox() { return host_->sandbox(); }

  // GET/POST against the sandbox's own endpoints; the parsed JSON (null on failure).
  rapidjson::Document GetJson(const std::string& path);
  rapidjson::Document PostJson(const std::string& path, const std::string& body);
  MerchantExport Export(const std::string& mchid = "1900000001");
  DeliveryView Delivery(int64_t id);
  // Waits until delivery `id` is in a final state; returns what it shows then.
  DeliveryView AwaitFinal(int64_t id);

  // A PayClient for `mchid` with the merchant key the sandbox generated, trusting the given
  // platform keys (by default both the certificate and the public key).
  std::unique_ptr<wechat::client::PayClient> PayClientFor(const MerchantExport& merchant);
  wechat::client::ApiClient& api() { return *api_; }

 private:
  TempDir dir_;
  SystemClock clock_;
  OsRandom random_;
  std::unique_ptr<server::SandboxHost> host_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> http_;
  std::unique_ptr<wechat::client::ApiClient> api_;
};

// A merchant's notification endpoint in the test: verifies every notification with the
// wechat library (signature, timestamp, decryption) and answers 401 when that fails, else the
// status its policy gives for the n-th verified notification (0-based).
class Receiver {
 public:
  struct Received {
    Status verification;
    wechat::pay::Notification notification;  // when verified
    std::string serial;
    int answered = 0;
  };

  Receiver(wechat::pay::PlatformKeys keys, const std::string& apiv3_key);
  ~Receiver();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/notify"; }
  void set_policy(std::function<int(int)> policy);
  std::vector<Received> received() const;
  size_t count() const;

 private:
  wechat::pay::PlatformKeys keys_;
  wechat::pay::ApiV3Key apiv3_key_;
  SystemClock clock_;
  mutable std::mutex mutex_;
  std::function<int(int)> policy_;
  int verified_ = 0;
  std::vector<Received> received_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// Platform keys holding what the export names: the certificate, the public key, or both.
wechat::pay::PlatformKeys KeysFor(const MerchantExport& merchant, bool certificate,
                                  bool public_key);

}  // namespace mileage::testing
