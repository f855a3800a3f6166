#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "care/subscribe_store.h"
#include "care/subscribe_types.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// How the subscribe relay sends.
struct SubscribePolicy {
  // A send without an answer within this is a transient failure; a claimed message is retried
  // after it (plus hold_extra_s) when its result was never recorded (a crash).
  int64_t timeout_s = 10;
  int64_t hold_extra_s = 10;
  // After this long since the first attempt a transient failure is final (failed, gave_up).
  int64_t give_up_after_s = 86400;
  // The wait before retry number `failures` (1 after the first failed attempt), in seconds.
  std::function<int64_t(int64_t failures)> retry_delay = [](int64_t) { return int64_t{10}; };
  // Events and messages per pass.
  int64_t batch = 100;
};

// What one pass did.
struct SubscribePass {
  int64_t events = 0;  // outbox events looked at
  int64_t sent = 0;
  int64_t skipped = 0;  // no_consent, no_subscription, template_deleted
  int64_t failed = 0;   // final failures (refused, no_openid, gave_up, WeChat's rejections)
  int64_t retried = 0;  // transient failures that will be retried
  int64_t Total() const { return events + sent + skipped + failed + retried; }
};

// Moves outbox events to WeChat subscribe messages, at least once and independently of the
// webhooks (docs/OPERATIONS.md "Subscribe messages"). A pass has two steps:
//  1. fan-out: for the oldest events not yet messaged (outbox_events.messaged_at = 0), a pending
//     message for every template of the event's brand and topic when the payload names a
//     member_id, then messaged_at = now, in one transaction per batch;
//  2. delivery: each due pending message is claimed (attempts + 1, next_attempt_at pushed past
//     the timeout: a crash before the result leads to a retry) and, when it holds no grant yet,
//     takes one in the same transaction with a conditional update (remaining > 0) of a grant
//     under an app where the member has an openid; a marketing template needs the member's
//     latest marketing consent to be a grant (else skipped no_consent, no grant taken); no grant
//     left: skipped no_subscription. Then it is sent through the SubscribeSender and the result
//     recorded: sent; a transient failure pending again after retry_delay, still holding its
//     one grant (never a second); refused (43101) or rejected failed, not retried.
// Every transaction first runs the caller's `fence` (the relay lease). Holds no state between
// passes; one pass at a time per object, while concurrent relays on one database (with or
// without the lease) never send one message twice at once nor take more grants than exist:
// the claim and the grant are conditional updates in one transaction.
class SubscribeRelay {
 public:
  SubscribeRelay(db::Db& db, SubscribeSender& sender, const Clock& clock, RandomSource& random,
                 SubscribePolicy policy)
      : db_(db), sender_(sender), clock_(clock), random_(random), policy_(std::move(policy)) {}

  // One pass (both steps). Errors: the fence's and the db's; what the pass did before stays
  // done. A failed send is not an error.
  Result<SubscribePass> RunOnce(const db::Fence& fence = {});

 private:
  Status FanOut(const db::Fence& fence, SubscribePass& pass);
  Status Deliver(const db::Fence& fence, SubscribePass& pass);
  // Claims one message and decides its grant; the delivery to send, or nullopt when it was
  // finished (skipped) or taken by another relay.
  Result<std::optional<SubscribeDelivery>> ClaimOne(const db::Fence& fence,
                                                    const SubscribeMessage& message,
                                                    SubscribePass& pass);
  Status Record(const db::Fence& fence, const SubscribeMessage& message, const SendResult& result,
                SubscribePass& pass);
  int64_t Now() const { return UnixSeconds(clock_.Now()); }

  db::Db& db_;
  SubscribeSender& sender_;
  const Clock& clock_;
  RandomSource& random_;
  const SubscribePolicy policy_;
};

}  // namespace mileage::care
