#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "org/resealer.h"
#include "relay/delivery_rules.h"
#include "relay/webhook_sender.h"
#include "relay/webhook_store.h"

namespace mileage::relay {

// How the relay delivers.
struct RelayPolicy {
  RetryPolicy retry;
  // A delivery without an answer within this is a failure.
  std::chrono::milliseconds timeout{10000};
  // Events fanned out and deliveries attempted per pass.
  int64_t batch = 100;
};

// What one pass did.
struct RelayPass {
  int64_t events_fanned_out = 0;
  int64_t delivered = 0;
  int64_t failed = 0;         // failed attempts that will be retried
  int64_t dead_lettered = 0;  // failed attempts that were final
};

// The outbox relay: moves outbox_events to the brands' webhook endpoints, at least once and in
// order per member (docs/OPERATIONS.md "Outbox relay"). A pass has two steps:
//  1. fan-out: for the oldest events not yet published, a pending delivery (webhook_deliveries)
//     for every enabled endpoint of the event's brand whose topic filter matches, then
//     outbox_events.published_at = now, in one transaction per batch;
//  2. delivery: each due delivery that is the earliest pending one of its (endpoint, order key)
//     is claimed (attempts + 1, next_attempt_at pushed past the timeout, so that a crash before
//     the result leads to a redelivery), POSTed with the signed envelope, and its result recorded:
//     2xx delivered; anything else, a timeout or a connection error a retry after RetryDelay, or
//     dead once retry.dead_after_s passed since the first attempt. An endpoint that gave no
//     answer (timeout, connection error) is not tried again in the same pass.
// Every transaction first runs the caller's `fence` (the relay's lease): a process that lost the
// lease records nothing and sends nothing more in that pass. Secrets are opened with `cipher`.
// Holds no state between passes; one pass at a time per object (the runner's thread), while any
// number of relays on one database are kept apart by the lease.
class OutboxRelay {
 public:
  OutboxRelay(db::Db& db, const crypto::FieldCipher& cipher, WebhookSender& sender,
              const Clock& clock, RandomSource& random, RelayPolicy policy)
      : db_(db),
        cipher_(cipher),
        sender_(sender),
        clock_(clock),
        random_(random),
        policy_(policy) {}

  // One pass (both steps). Errors: the fence's (FailedPrecondition LEASE_LOST) and the db's;
  // what the pass did before the error stays done. A failed delivery is not an error.
  Result<RelayPass> RunOnce(const db::Fence& fence = {});

 private:
  Status FanOut(const db::Fence& fence, RelayPass& pass);
  Status Deliver(const db::Fence& fence, RelayPass& pass);
  // Claims, sends and records one delivery; the receiver's answer, or nullopt when the delivery
  // changed since it was read (nothing sent). Errors: the fence's and the db's.
  Result<std::optional<WebhookResponse>> DeliverOne(const db::Fence& fence,
                                                    const DueDelivery& delivery,
                                                    const std::string& url,
                                                    const std::vector<std::string>& secrets,
                                                    const OutboxRecord& event, RelayPass& pass);
  int64_t Now() const { return UnixSeconds(clock_.Now()); }

  db::Db& db_;
  const crypto::FieldCipher& cipher_;
  WebhookSender& sender_;
  const Clock& clock_;
  RandomSource& random_;
  const RelayPolicy policy_;
};

// The crypto::FieldCipher context of an endpoint's secret.
std::string WebhookSecretContext(int64_t endpoint_id);

// The endpoints' sealed secrets (the current one and the one kept through a secret rotation's
// overlap), for the data key rotation's re-sealing (org::ResealColumn).
std::vector<org::SealedColumn> WebhookSealedColumns();

}  // namespace mileage::relay
