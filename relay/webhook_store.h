#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "relay/webhook_types.h"

namespace mileage::relay {

// An endpoint's row with its sealed secret.
struct SealedEndpoint {
  WebhookEndpoint endpoint;
  std::string sealed_secret;
  std::string previous_sealed_secret;  // '' when none; valid until endpoint.previous_secret_until
};

// A delivery that is due, as the relay reads it.
struct DueDelivery {
  int64_t id = 0;
  int64_t endpoint_id = 0;
  int64_t event_id = 0;
  int64_t attempts = 0;
  int64_t first_attempt_at = 0;
};

// Which deliveries a list shows.
struct DeliveryFilter {
  int64_t brand_id = 0;
  std::optional<int64_t> endpoint_id;  // nullopt: every endpoint of the brand
  std::string state;                   // "" every state
};

// The SQL of webhook_endpoints, webhook_deliveries and the relay's reads and marks of
// outbox_events, on one connection (migration 0027). Lives for one use of its connection; not
// safe for concurrent use. Errors: the db::Connection errors.
class WebhookStore {
 public:
  explicit WebhookStore(db::Connection& conn) : conn_(conn) {}

  // Endpoints.
  Result<int64_t> InsertEndpoint(const WebhookEndpoint& endpoint);
  Status SetSecret(int64_t id, std::string_view sealed, int64_t now);
  // Replaces the secret with `sealed`, keeping the current one as the previous secret until
  // `previous_until` (a rotation within an earlier overlap drops the oldest secret).
  Status RotateSecret(int64_t id, std::string_view sealed, int64_t now, int64_t previous_until);
  Status SetEnabled(int64_t id, bool enabled, int64_t now);
  // Deletes the endpoint and its deliveries.
  Status DeleteEndpoint(int64_t id);
  // `lock`: FOR UPDATE on MySQL (SQLite's write transaction already serializes).
  Result<std::optional<SealedEndpoint>> FindEndpoint(int64_t id, bool lock = false);
  Result<int64_t> CountEndpoints(int64_t brand_id);
  Result<PageOf<WebhookEndpoint>> ListEndpoints(int64_t brand_id, const PageRequest& page);
  Result<std::vector<SealedEndpoint>> EnabledEndpoints();

  // Outbox events.
  // The oldest `limit` events not yet fanned out (published_at = 0), id order.
  Result<std::vector<OutboxRecord>> UnpublishedEvents(int64_t limit);
  // Marks exactly these events (fanned out by the caller) published at `now`.
  Status MarkPublished(std::span<const int64_t> ids, int64_t now);
  Result<std::optional<OutboxRecord>> Event(int64_t id);
  // The brand's events with from_id <= id <= to_id, id order, at most `limit`.
  Result<std::vector<OutboxRecord>> BrandEvents(int64_t brand_id, int64_t from_id, int64_t to_id,
                                                int64_t limit);

  // Deliveries.
  // A pending delivery unless the endpoint has one for the event already; true when inserted.
  Result<bool> AddDelivery(int64_t endpoint_id, int64_t event_id, std::string_view order_key,
                           int64_t now);
  // Makes the endpoint's delivery of the event pending and due at once with no attempts (a
  // replay), creating it when missing.
  Status ResetDelivery(int64_t endpoint_id, int64_t event_id, std::string_view order_key,
                       int64_t now);
  // Pending deliveries of enabled endpoints due at `now`, each the earliest pending one of its
  // (endpoint, order key), event id order, at most `limit`.
  Result<std::vector<DueDelivery>> DueDeliveries(int64_t now, int64_t limit);
  // Records the start of an attempt of a delivery read with `seen_attempts`: one more attempt,
  // first_attempt_at set when it is the first, and next_attempt_at = `hold_until`, so that a
  // crash before the result is recorded leads to a retry then. False when the delivery changed
  // since it was read (another relay or a replay).
  Result<bool> StartAttempt(int64_t id, int64_t seen_attempts, int64_t now, int64_t hold_until);
  // Records the end of the attempt number `attempt`: delivered, retried at `next_attempt_at`,
  // or dead. Nothing when a replay reset the delivery since.
  Status FinishAttempt(int64_t id, int64_t attempt, std::string_view state, int64_t status,
                       std::string_view error, int64_t next_attempt_at, int64_t now);
  Result<PageOf<WebhookDelivery>> ListDeliveries(const DeliveryFilter& filter,
                                                 const PageRequest& page);

  // Lag and counts for /metrics: the created_at of the oldest event not yet fanned out or with a
  // pending delivery (nullopt when none) and the number of dead deliveries.
  Result<std::optional<int64_t>> OldestUndelivered();
  Result<int64_t> DeadCount();

 private:
  db::Connection& conn_;
};

}  // namespace mileage::relay
