#include "server/relay_runner.h"

#include <algorithm>

#include "care/subscribe_store.h"
#include "common/log.h"
#include "relay/delivery_rules.h"
#include "relay/webhook_store.h"

namespace mileage::server {

relay::RelayPolicy RelayPolicyOf(const Config& config) {
  relay::RelayPolicy policy;
  policy.retry.base_s = config.relay_retry_base_s;
  policy.retry.max_s = std::max(config.relay_retry_max_s, config.relay_retry_base_s);
  policy.retry.dead_after_s = config.relay_dead_after_s;
  policy.timeout = std::chrono::seconds(
      std::max(1, std::min(config.relay_timeout_s, config.job_lease_ttl_s / 2)));
  return policy;
}

care::SubscribePolicy SubscribePolicyOf(const Config& config, RandomSource& random) {
  const relay::RelayPolicy relay = RelayPolicyOf(config);
  care::SubscribePolicy policy;
  policy.timeout_s = std::chrono::duration_cast<std::chrono::seconds>(relay.timeout).count() + 1;
  policy.hold_extra_s = relay.retry.base_s;
  policy.give_up_after_s = relay.retry.dead_after_s;
  policy.batch = relay.batch;
  policy.retry_delay = [retry = relay.retry, &random](int64_t failures) {
    return relay::RetryDelay(retry, failures, random);
  };
  return policy;
}

RelayRunner::RelayRunner(db::Db& db, const Config& config, const crypto::FieldCipher& cipher,
                         relay::WebhookSender& sender, const Clock& clock, RandomSource& random,
                         care::SubscribeSender* subscribe_sender)
    : poll_(config.relay_poll_ms),
      clock_(clock),
      lease_(db, std::string(kRelayLeaseName),
             config.node_id.empty() ? DefaultNodeId() : config.node_id, config.job_lease_ttl_s),
      relay_(db, cipher, sender, clock, random, RelayPolicyOf(config)) {
  if (subscribe_sender != nullptr) {
    subscribe_.emplace(db, *subscribe_sender, clock, random, SubscribePolicyOf(config, random));
  }
}

void RelayRunner::Start() {
  if (poll_.count() <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      const bool busy = Step();
      lock.lock();
      if (!busy) wake_.wait_for(lock, poll_, [this] { return stopping_; });
    }
  });
}

bool RelayRunner::Step() {
  const int64_t now = UnixSeconds(clock_.Now());
  Result<std::optional<int64_t>> held = lease_.Acquire(now);
  if (!held.ok()) {
    MILEAGE_LOG(kError) << "relay: taking the lease failed: " << held.status().ToString();
    return false;
  }
  const int64_t token = held->value_or(0);
  const int64_t before = lease_token_.exchange(token);
  if (token != before && token != 0) {
    MILEAGE_LOG(kInfo) << "relay: " << lease_.holder() << " holds the relay lease (token " << token
                       << ")";
  } else if (token == 0 && before != 0) {
    MILEAGE_LOG(kWarn) << "relay: " << lease_.holder() << " lost the relay lease to another node";
  }
  if (token == 0) return false;
  const db::Fence fence = [this, token](db::Connection& conn) {
    return lease_.Fence(conn, token, UnixSeconds(clock_.Now()));
  };
  bool busy = false;
  Result<relay::RelayPass> pass = relay_.RunOnce(fence);
  if (pass.ok()) {
    delivered_ += pass->delivered;
    failed_ += pass->failed;
    dead_lettered_ += pass->dead_lettered;
    busy = pass->events_fanned_out + pass->delivered + pass->failed + pass->dead_lettered > 0;
  } else {
    MILEAGE_LOG(kError) << "relay: a pass failed: " << pass.status().ToString();
  }
  // Subscribe messages do not wait for the webhooks: a failed webhook pass does not stop them.
  if (subscribe_.has_value()) {
    Result<care::SubscribePass> messages = subscribe_->RunOnce(fence);
    if (messages.ok()) {
      messages_sent_ += messages->sent;
      messages_skipped_ += messages->skipped;
      messages_failed_ += messages->failed;
      busy = busy || messages->Total() > 0;
    } else {
      MILEAGE_LOG(kError) << "relay: a subscribe-message pass failed: "
                          << messages.status().ToString();
    }
  }
  return busy;
}

void RelayRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  const int64_t token = lease_token_.exchange(0);
  if (token != 0) {
    Status released = lease_.Release(token);
    if (!released.ok()) {
      MILEAGE_LOG(kError) << "relay: releasing the lease failed (another node takes it when it "
                          << "expires): " << released.ToString();
    }
  }
}

void AddRelayMetrics(Metrics& metrics, db::Db& db, const Clock& clock, const RelayRunner* runner) {
  metrics.AddGauge(
      "mileage_relay_lag_seconds",
      "Age of the oldest outbox event not yet delivered or dead-lettered.",
      [&db, &clock]() -> double {
        Result<db::PooledConnection> conn = db.Acquire();
        if (!conn.ok()) return -1;
        Result<std::optional<int64_t>> oldest = relay::WebhookStore(**conn).OldestUndelivered();
        if (!oldest.ok()) return -1;
        if (!oldest->has_value()) return 0;
        return static_cast<double>(std::max<int64_t>(0, UnixSeconds(clock.Now()) - **oldest));
      });
  metrics.AddGauge("mileage_relay_dead_letters", "Webhook deliveries dead-lettered.",
                   [&db]() -> double {
                     Result<db::PooledConnection> conn = db.Acquire();
                     if (!conn.ok()) return -1;
                     Result<int64_t> dead = relay::WebhookStore(**conn).DeadCount();
                     return dead.ok() ? static_cast<double>(*dead) : -1;
                   });
  metrics.AddGauge("mileage_subscribe_messages_pending",
                   "WeChat subscribe messages waiting to be sent or retried.", [&db]() -> double {
                     Result<db::PooledConnection> conn = db.Acquire();
                     if (!conn.ok()) return -1;
                     Result<int64_t> pending =
                         care::SubscribeStore(**conn).CountMessages(care::kMessagePending);
                     return pending.ok() ? static_cast<double>(*pending) : -1;
                   });
  if (runner == nullptr) return;
  metrics.AddCounter("mileage_subscribe_messages_sent_total",
                     "WeChat subscribe messages this process sent.",
                     [runner] { return static_cast<double>(runner->messages_sent()); });
  metrics.AddCounter(
      "mileage_subscribe_messages_skipped_total",
      "WeChat subscribe messages this process skipped (no subscription, no consent, no template).",
      [runner] { return static_cast<double>(runner->messages_skipped()); });
  metrics.AddCounter("mileage_subscribe_messages_failed_total",
                     "WeChat subscribe messages this process gave up on (refused, rejected).",
                     [runner] { return static_cast<double>(runner->messages_failed()); });
  metrics.AddCounter("mileage_relay_delivered_total", "Webhook deliveries this process delivered.",
                     [runner] { return static_cast<double>(runner->delivered()); });
  metrics.AddCounter("mileage_relay_failed_attempts_total",
                     "Webhook delivery attempts of this process that failed and will be retried.",
                     [runner] { return static_cast<double>(runner->failed()); });
  metrics.AddCounter("mileage_relay_dead_lettered_total",
                     "Webhook deliveries this process dead-lettered.",
                     [runner] { return static_cast<double>(runner->dead_lettered()); });
}

}  // namespace mileage::server
