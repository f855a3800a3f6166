#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "wechat/pay/signature.h"

namespace mileage::wechat::sandbox {

// WeChat Pay's retry schedule after a failed notification: 15 retries over about 24 hours.
inline constexpr std::array<std::chrono::seconds, 15> kRetrySchedule = {
    std::chrono::seconds(15), std::chrono::seconds(15), std::chrono::seconds(30),
    std::chrono::minutes(3),  std::chrono::minutes(10), std::chrono::minutes(20),
    std::chrono::minutes(30), std::chrono::minutes(30), std::chrono::minutes(30),
    std::chrono::minutes(60), std::chrono::hours(3),    std::chrono::hours(3),
    std::chrono::hours(3),    std::chrono::hours(6),    std::chrono::hours(6)};

enum class DeliveryKind {
  kNotification,  // the first delivery of a notification
  kDuplicate,     // the same notification again, on request
  kProbe,         // a WECHATPAY/SIGNTEST/ probe: must be rejected; sent once
};
enum class DeliveryState {
  kPending,        // waiting for its next attempt
  kDelivered,      // the receiver answered 2xx
  kGaveUp,         // 16 attempts failed
  kProbeRejected,  // the receiver refused the probe (correct)
  kProbeAccepted,  // the receiver answered 2xx to a probe (it does not verify signatures)
};

std::string_view DeliveryKindName(DeliveryKind kind);
std::string_view DeliveryStateName(DeliveryState state);

// One try: when, and the HTTP status (0 when there was no answer, with the error).
struct DeliveryAttempt {
  TimePoint at;
  int http_status = 0;
  std::string error;
};

// One notification on its way to a receiver. A value type.
struct Delivery {
  int64_t id = 0;
  DeliveryKind kind = DeliveryKind::kNotification;
  std::string mchid;
  std::string notification_id;
  std::string event_type;
  std::string url;
  std::string body;
  std::string out_trade_no;
  std::string out_refund_no;
  DeliveryState state = DeliveryState::kPending;
  std::vector<DeliveryAttempt> attempts;
};

// Signs a notification body at the moment of an attempt (so a retry a day later still carries
// a fresh timestamp); `probe` asks for a WECHATPAY/SIGNTEST/ signature.
using BodySigner = std::function<Result<pay::WechatpayHeaders>(std::string_view mchid,
                                                               std::string_view body, bool probe)>;

// Delivers notifications on one background thread: POSTs each to its URL with fresh signature
// headers, and after a failure (no 2xx, a network error or a timeout) tries again after
// kRetrySchedule[n] * retry_scale, giving up after the 15th retry. Probes are sent once. Keeps
// every delivery and its attempts in memory for inspection. Owned by the Sandbox; the clock
// (attempt times) and signer must outlive it. Safe for concurrent use.
class NotificationDispatcher {
 public:
  NotificationDispatcher(const Clock& clock, BodySigner signer, double retry_scale,
                         std::chrono::milliseconds attempt_timeout);
  ~NotificationDispatcher();
  NotificationDispatcher(const NotificationDispatcher&) = delete;
  NotificationDispatcher& operator=(const NotificationDispatcher&) = delete;

  // Queues `delivery` for an attempt now; returns its id (ignoring delivery.id).
  int64_t Enqueue(Delivery delivery);

  std::vector<Delivery> List() const;
  std::optional<Delivery> Find(int64_t id) const;

  // Stops the thread; pending deliveries stay pending. Idempotent, and safe to call from
  // several threads at once.
  void Stop();

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Due {
    SteadyTime at;
    int64_t id;
    bool operator>(const Due& other) const { return at > other.at; }
  };

  void Run();
  DeliveryAttempt Attempt(const Delivery& delivery);
  std::chrono::steady_clock::duration RetryDelay(size_t retry) const;

  const Clock& clock_;
  const BodySigner signer_;
  const double retry_scale_;
  const std::chrono::milliseconds attempt_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int64_t next_id_ = 1;
  std::map<int64_t, Delivery> deliveries_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> queue_;
  std::mutex join_mutex_;  // serialises joining thread_
  std::thread thread_;
};

}  // namespace mileage::wechat::sandbox
