#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "relay/webhook_types.h"

namespace mileage::relay {

// The pure rules of a webhook delivery: what is sent, how it is signed, which events an endpoint
// takes, which events keep their order, and when a failed delivery is tried again. Stateless.

// Headers of a delivery.
inline constexpr const char* kEventIdHeader = "Mileage-Event-Id";
inline constexpr const char* kTimestampHeader = "Mileage-Timestamp";
inline constexpr const char* kSignatureHeader = "Mileage-Signature";

// The body of a delivery: {"id","topic","brand_id","aggregate_ref","created_at" (RFC 3339 UTC),
// "data" (the payload object as the outbox holds it)}.
std::string EnvelopeJson(const OutboxRecord& event);

// "v1=" + lowercase hex of HMAC-SHA256(key = `secret`, message = `timestamp` + "." + `body`).
std::string WebhookSignature(std::string_view secret, int64_t timestamp, std::string_view body);
// The signature header under each of `secrets` (the current one first, then the one a rotation
// replaced while it overlaps), joined by ",": "v1=<hex>" or "v1=<hex>,v1=<hex>". A receiver
// accepts the delivery when one of them matches its secret.
std::string WebhookSignatures(const std::vector<std::string>& secrets, int64_t timestamp,
                              std::string_view body);

// Whether `topic` matches one of `filter` ("payment.recorded" exactly, or "payment.*" for every
// topic that starts with "payment."); an empty filter matches every topic.
bool TopicMatches(const std::vector<std::string>& filter, std::string_view topic);

// Parses a topic filter list; InvalidArgument INVALID_WEBHOOK_TOPICS unless there are at most
// kMaxTopics entries, each 1..64 characters of [a-z0-9_.] with an optional trailing ".*", no
// duplicates.
inline constexpr size_t kMaxTopics = 20;
Status ValidateTopics(const std::vector<std::string>& topics);

// The topics column text ("a,b") and back.
std::string JoinTopics(const std::vector<std::string>& topics);
std::vector<std::string> SplitTopics(std::string_view column);

// What orders an event's deliveries to one endpoint: "m:<member_id>" when the payload has an
// integer member_id at its top level (every event about a member, whatever its aggregate: a
// payment, a coupon, the member itself), else "a:<aggregate_ref>". Deliveries with the same key
// go out in event id order.
std::string OrderKey(std::string_view aggregate_ref, std::string_view payload);

// When a failed delivery is tried again.
struct RetryPolicy {
  int64_t base_s = 10;           // the first retry waits up to this
  int64_t max_s = 3600;          // the ceiling of the doubling
  int64_t dead_after_s = 86400;  // after this long since the first attempt, a failure is final
};

// The wait before retry number `failures` (1 after the first failed attempt): full jitter,
// uniform in [1, min(max_s, base_s * 2^(failures-1))] seconds, drawn from `random`.
int64_t RetryDelay(const RetryPolicy& policy, int64_t failures, RandomSource& random);

// Whether an IPv4 or IPv6 literal (no brackets; IPv4-mapped IPv6 as its IPv4) is loopback,
// private, carrier-grade NAT, link-local or unspecified; nullopt when `host` is not an IP
// literal. Pure.
std::optional<bool> IsPrivateAddress(const std::string& host);

// Checks a webhook URL: http:// or https://, at most kMaxUrlLength bytes, a host, an optional
// numeric port, no user or password, no whitespace or control characters. Unless
// `allow_private`, a host that is "localhost" or a loopback, private, link-local or unspecified
// IP literal is refused too (a host name that resolves to one is refused when the delivery
// connects: server::WebhookHttpSender).
// InvalidArgument INVALID_WEBHOOK_URL.
inline constexpr size_t kMaxUrlLength = 2048;
Status ValidateWebhookUrl(std::string_view url, bool allow_private);

}  // namespace mileage::relay
