#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "care/subscribe_relay.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "relay/outbox_relay.h"
#include "relay/webhook_sender.h"
#include "server/http/metrics.h"
#include "server/jobs.h"

namespace mileage::server {

// The name of the relay's lease in job_leases (apart from the periodic jobs' lease, so that
// the relay and the jobs may run on different nodes).
inline constexpr std::string_view kRelayLeaseName = "outbox_relay";

// The relay's policy from the config (relay_*; the timeout at most job_lease_ttl_s / 2).
relay::RelayPolicy RelayPolicyOf(const Config& config);
// The subscribe relay's policy from the same keys (timeout, retries, dead_after_s as give-up).
// `random` draws the retry jitter and must outlive the policy.
care::SubscribePolicy SubscribePolicyOf(const Config& config, RandomSource& random);

// Runs the OutboxRelay and, with a subscribe sender, the care::SubscribeRelay (WeChat subscribe
// messages, independently of the webhooks) on its own thread while `serve` (or `mileage relay`)
// runs, only while this node holds the JobLease kRelayLeaseName (config node_id, job_lease_ttl_s):
// of several nodes one relays, and another takes over within job_lease_ttl_s * 4 / 3 after it dies.
// Every transaction of a pass is fenced with the lease. After a pass that did something the next
// one starts at once; otherwise the thread waits relay_poll_ms. Counts what this process delivered
// for /metrics. Owned by the App or the relay command; Start and Stop from one thread (Stop
// releases the lease), the counters from any.
class RelayRunner {
 public:
  // `config`, `cipher`, `sender`, `subscribe_sender` and `clock` must outlive it; without a
  // `subscribe_sender` no subscribe messages are sent.
  RelayRunner(db::Db& db, const Config& config, const crypto::FieldCipher& cipher,
              relay::WebhookSender& sender, const Clock& clock, RandomSource& random,
              care::SubscribeSender* subscribe_sender = nullptr);
  ~RelayRunner() { Stop(); }
  RelayRunner(const RelayRunner&) = delete;
  RelayRunner& operator=(const RelayRunner&) = delete;

  // Nothing when config relay_poll_ms is 0.
  void Start();
  void Stop();

  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }
  int64_t dead_lettered() const { return dead_lettered_.load(); }
  int64_t messages_sent() const { return messages_sent_.load(); }
  int64_t messages_skipped() const { return messages_skipped_.load(); }
  int64_t messages_failed() const { return messages_failed_.load(); }
  // The token of the relay lease this node holds since its last look; 0 when none.
  int64_t lease_token() const { return lease_token_.load(); }

 private:
  // One look: takes or renews the lease, runs a pass under it. True when the pass did work.
  bool Step();

  const std::chrono::milliseconds poll_;
  const Clock& clock_;
  JobLease lease_;
  relay::OutboxRelay relay_;
  std::optional<care::SubscribeRelay> subscribe_;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> messages_sent_{0};
  std::atomic<int64_t> messages_skipped_{0};
  std::atomic<int64_t> messages_failed_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> dead_lettered_{0};
  std::atomic<int64_t> lease_token_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// Adds the relay's gauges to `metrics`: mileage_relay_lag_seconds (the age of the oldest event
// not yet delivered or dead-lettered everywhere, 0 when none) and mileage_relay_dead_letters
// (read from the database at each scrape, so that every node shows them whichever relays), and,
// with a `runner`, this process's counters mileage_relay_delivered_total,
// mileage_relay_failed_attempts_total and mileage_relay_dead_lettered_total; and the subscribe
// messages' gauge mileage_subscribe_messages_pending (database) and counters
// mileage_subscribe_messages_sent_total, mileage_subscribe_messages_skipped_total and
// mileage_subscribe_messages_failed_total (this process).
void AddRelayMetrics(Metrics& metrics, db::Db& db, const Clock& clock, const RelayRunner* runner);

}  // namespace mileage::server
