#include "wechat/sandbox/notification_dispatcher.h"

#include <httplib.h>

#include "common/log.h"
#include "wechat/client/api_client.h"

namespace mileage::wechat::sandbox {

std::string_view DeliveryKindName(DeliveryKind kind) {
  switch (kind) {
    case DeliveryKind::kNotification:
      return "notification";
    case DeliveryKind::kDuplicate:
      return "duplicate";
    case DeliveryKind::kProbe:
      return "signtest";
  }
  return "notification";
}

std::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kGaveUp:
      return "gave_up";
    case DeliveryState::kProbeRejected:
      return "probe_rejected";
    case DeliveryState::kProbeAccepted:
      return "probe_accepted";
  }
  return "pending";
}

NotificationDispatcher::NotificationDispatcher(const Clock& clock, BodySigner signer,
                                               double retry_scale,
                                               std::chrono::milliseconds attempt_timeout)
    : clock_(clock),
      signer_(std::move(signer)),
      retry_scale_(retry_scale),
      attempt_timeout_(attempt_timeout),
      thread_([this] { Run(); }) {}

NotificationDispatcher::~NotificationDispatcher() { Stop(); }

void NotificationDispatcher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // Two threads may stop at once (a signal watcher and the main thread): one joins.
  std::lock_guard join_lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

int64_t NotificationDispatcher::Enqueue(Delivery delivery) {
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    delivery.id = id;
    delivery.state = DeliveryState::kPending;
    delivery.attempts.clear();
    deliveries_.emplace(id, std::move(delivery));
    queue_.push(Due{std::chrono::steady_clock::now(), id});
  }
  wake_.notify_all();
  return id;
}

std::vector<Delivery> NotificationDispatcher::List() const {
  std::lock_guard lock(mutex_);
  std::vector<Delivery> out;
  out.reserve(deliveries_.size());
  for (const auto& [id, delivery] : deliveries_) out.push_back(delivery);
  return out;
}

std::optional<Delivery> NotificationDispatcher::Find(int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) return std::nullopt;
  return it->second;
}

std::chrono::steady_clock::duration NotificationDispatcher::RetryDelay(size_t retry) const {
  std::chrono::duration<double> scaled(static_cast<double>(kRetrySchedule[retry].count()) *
                                       retry_scale_);
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(scaled);
}

DeliveryAttempt NotificationDispatcher::Attempt(const Delivery& delivery) {
  DeliveryAttempt attempt;
  attempt.at = clock_.Now();
  size_t scheme_end = delivery.url.find("://");
  size_t path_start =
      scheme_end == std::string::npos ? std::string::npos : delivery.url.find('/', scheme_end + 3);
  std::string_view base = std::string_view(delivery.url).substr(0, path_start);
  Result<client::BaseUrl> url = client::ParseBaseUrl(base);
  if (!url.ok()) {
    attempt.error = "bad notify_url: " + url.status().message();
    return attempt;
  }
  Result<pay::WechatpayHeaders> headers =
      signer_(delivery.mchid, delivery.body, delivery.kind == DeliveryKind::kProbe);
  if (!headers.ok()) {
    attempt.error = "signing failed: " + headers.status().ToString();
    return attempt;
  }
  httplib::Client http(url->scheme + "://" + url->host + ":" + std::to_string(url->port));
  http.set_connection_timeout(attempt_timeout_);
  http.set_read_timeout(attempt_timeout_);
  http.set_write_timeout(attempt_timeout_);
  httplib::Headers request_headers = {
      {pay::kHeaderSerial, headers->serial},
      {pay::kHeaderSignature, headers->signature},
      {pay::kHeaderTimestamp, headers->timestamp},
      {pay::kHeaderNonce, headers->nonce},
      {"User-Agent", "Mozilla/4.0 (Mileage WeChat Pay sandbox)"},
  };
  std::string path = path_start == std::string::npos ? "/" : delivery.url.substr(path_start);
  httplib::Result result = http.Post(path, request_headers, delivery.body, "application/json");
  if (!result) {
    attempt.error = httplib::to_string(result.error());
  } else {
    attempt.http_status = result->status;
  }
  return attempt;
}

void NotificationDispatcher::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    Due next = queue_.top();
    if (next.at > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, next.at);
      continue;
    }
    queue_.pop();
    auto it = deliveries_.find(next.id);
    if (it == deliveries_.end()) continue;
    Delivery snapshot = it->second;
    lock.unlock();
    DeliveryAttempt attempt = Attempt(snapshot);
    lock.lock();
    Delivery& delivery = deliveries_.at(next.id);
    bool success = attempt.http_status >= 200 && attempt.http_status < 300;
    delivery.attempts.push_back(std::move(attempt));
    size_t retries_so_far = delivery.attempts.size() - 1;
    if (delivery.kind == DeliveryKind::kProbe) {
      delivery.state = success ? DeliveryState::kProbeAccepted : DeliveryState::kProbeRejected;
    } else if (success) {
      delivery.state = DeliveryState::kDelivered;
    } else if (retries_so_far >= kRetrySchedule.size()) {
      delivery.state = DeliveryState::kGaveUp;
      MILEAGE_LOG(kWarn) << "sandbox: gave up delivering notification " << delivery.notification_id
                         << " to " << delivery.url;
    } else {
      queue_.push(Due{std::chrono::steady_clock::now() + RetryDelay(retries_so_far), next.id});
    }
  }
}

}  // namespace mileage::wechat::sandbox
