#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mileage::relay {

// A brand's webhook endpoint as the console shows it (never its secret). A value type.
struct WebhookEndpoint {
  int64_t id = 0;
  int64_t brand_id = 0;
  std::string url;
  std::vector<std::string> topics;  // empty: every topic
  bool enabled = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // Until when deliveries are also signed with the secret before the last rotation; 0: none.
  int64_t previous_secret_until = 0;
};

// How long a rotated secret keeps signing deliveries next to the new one.
inline constexpr int64_t kSecretOverlapSeconds = 24 * 3600;

// An endpoint and its secret, shown this once (create and rotate).
struct WebhookWithSecret {
  WebhookEndpoint endpoint;
  std::string secret;
};

// The states of a delivery (webhook_deliveries.state).
inline constexpr const char* kDeliveryPending = "pending";
inline constexpr const char* kDeliveryDelivered = "delivered";
inline constexpr const char* kDeliveryDead = "dead";

// One event's delivery to one endpoint, with the event's topic. A value type.
struct WebhookDelivery {
  int64_t id = 0;
  int64_t endpoint_id = 0;
  int64_t event_id = 0;
  std::string topic;
  std::string state;  // kDeliveryPending, kDeliveryDelivered or kDeliveryDead
  int64_t attempts = 0;
  int64_t first_attempt_at = 0;  // 0: not tried yet
  int64_t last_attempt_at = 0;
  int64_t next_attempt_at = 0;  // while pending
  int64_t last_status = 0;      // the receiver's HTTP status; 0 when none answered
  std::string last_error;       // "timeout", "connection failed", "http 500", ...
  int64_t finished_at = 0;      // when delivered or dead-lettered
  int64_t created_at = 0;
};

// One outbox event as the relay reads it (outbox_events).
struct OutboxRecord {
  int64_t id = 0;
  std::string topic;
  int64_t brand_id = 0;
  std::string aggregate_ref;
  std::string payload;  // a JSON object text (db::PayloadJson)
  int64_t created_at = 0;
};

}  // namespace mileage::relay
