#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/paging.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "relay/webhook_types.h"

namespace mileage::relay {

// What a new endpoint is given.
struct WebhookInput {
  std::string url;
  std::vector<std::string> topics;  // empty: every topic
};

// A brand's webhook endpoints and their deliveries, for the console (docs/API.md "Webhooks").
// Only brand admins of the endpoint's brand act (org::Action::kWebhookRead / kWebhookWrite): an
// endpoint of another brand answers WEBHOOK_NOT_FOUND like an unknown id. Secrets (64 hex
// digits, the HMAC key of the signatures) are made here, sealed with the data key and shown
// only by Create and RotateSecret. Every write is audited (webhook.create, webhook.enable,
// webhook.disable, webhook.secret_rotate, webhook.delete, webhook.replay) in its transaction.
// Holds no state; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (INVALID_WEBHOOK_URL,
// INVALID_WEBHOOK_TOPICS, INVALID_FIELD, INVALID_PAGE); NotFound WEBHOOK_NOT_FOUND;
// PermissionDenied when the role may not act; storage errors.
class WebhookService {
 public:
  // At most this many endpoints per brand (FailedPrecondition TOO_MANY_WEBHOOKS).
  static constexpr int64_t kMaxEndpointsPerBrand = 20;
  // A replay covers at most this many events (INVALID_EVENT_RANGE beyond).
  static constexpr int64_t kMaxReplayEvents = 1000;

  // `allow_private_urls`: config webhook_allow_private_urls (ValidateWebhookUrl).
  WebhookService(db::Db& db, const Clock& clock, const org::Authorizer& authorizer,
                 org::AuditedWriter& writer, const crypto::FieldCipher& cipher,
                 RandomSource& random, bool allow_private_urls)
      : db_(db),
        clock_(clock),
        authorizer_(authorizer),
        writer_(writer),
        cipher_(cipher),
        random_(random),
        allow_private_urls_(allow_private_urls) {}

  Result<WebhookWithSecret> Create(const org::Actor& actor, int64_t brand_id,
                                   const WebhookInput& input);
  Result<PageOf<WebhookEndpoint>> List(const org::Actor& actor, int64_t brand_id,
                                       const PageRequest& page);
  Result<WebhookEndpoint> Get(const org::Actor& actor, int64_t id);
  // Idempotent. A disabled endpoint gets no deliveries of events published meanwhile; its
  // pending ones wait until it is enabled again.
  Result<WebhookEndpoint> SetEnabled(const org::Actor& actor, int64_t id, bool enabled);
  // A new secret replaces the old one at once (the next delivery is signed with it).
  Result<WebhookWithSecret> RotateSecret(const org::Actor& actor, int64_t id);
  // Deletes the endpoint and its deliveries.
  Status Delete(const org::Actor& actor, int64_t id);
  // The endpoint's deliveries, newest first; `state` "" (all), "pending", "delivered" or "dead".
  Result<PageOf<WebhookDelivery>> Deliveries(const org::Actor& actor, int64_t id,
                                             std::string_view state, const PageRequest& page);
  // The dead deliveries of every endpoint of the brand, newest first.
  Result<PageOf<WebhookDelivery>> DeadLetters(const org::Actor& actor, int64_t brand_id,
                                              const PageRequest& page);
  // Makes the endpoint's deliveries of the brand's events from_event_id..to_event_id that its
  // topic filter matches pending and due at once (created when missing); returns how many.
  // InvalidArgument INVALID_EVENT_RANGE unless 0 < from <= to and to - from < kMaxReplayEvents.
  Result<int64_t> Replay(const org::Actor& actor, int64_t id, int64_t from_event_id,
                         int64_t to_event_id);

 private:
  // The endpoint after the authorizer's check of `action` (inside `conn`).
  Result<WebhookEndpoint> Authorized(db::Connection& conn, const org::Actor& actor,
                                     org::Action action, int64_t id, bool lock);
  // A new secret and its sealed form for endpoint `id`.
  Result<std::pair<std::string, std::string>> NewSecret(int64_t id);

  db::Db& db_;
  const Clock& clock_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  const crypto::FieldCipher& cipher_;
  RandomSource& random_;
  const bool allow_private_urls_;
};

}  // namespace mileage::relay
