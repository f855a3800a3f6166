#include "relay/outbox_relay.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/log.h"
#include "relay/webhook_store.h"

namespace mileage::relay {
namespace {

// An endpoint as one pass uses it: its URL and opened secret.
struct OpenEndpoint {
  std::string url;
  std::vector<std::string> secrets;  // the current one, then the previous one while it overlaps
};

bool IsSuccess(int status) { return status >= 200 && status <= 299; }

std::string ErrorOf(const WebhookResponse& response) {
  if (response.status != 0) return "http " + std::to_string(response.status);
  return response.error.empty() ? "no answer" : response.error;
}

// The due deliveries of a pass with their endpoints and events, read on one connection.
struct DueWork {
  std::vector<DueDelivery> due;
  std::map<int64_t, std::optional<OpenEndpoint>> endpoints;
  std::map<int64_t, OutboxRecord> events;
};

// The endpoint's URL and opened secrets at `now`; nullopt when it is gone or a secret does not
// open (logged: the data key it was sealed with is not configured).
Result<std::optional<OpenEndpoint>> OpenedEndpoint(WebhookStore& store,
                                                   const crypto::FieldCipher& cipher, int64_t id,
                                                   int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedEndpoint> found, store.FindEndpoint(id));
  if (!found.has_value()) return std::optional<OpenEndpoint>();
  std::vector<std::string_view> sealed = {found->sealed_secret};
  if (found->endpoint.previous_secret_until > now) sealed.push_back(found->previous_sealed_secret);
  OpenEndpoint open{found->endpoint.url, {}};
  for (std::string_view one : sealed) {
    Result<std::string> secret = cipher.Open(one, WebhookSecretContext(id));
    if (!secret.ok()) {
      MILEAGE_LOG(kError) << "relay: a secret of webhook endpoint " << id
                          << " does not open with the configured data keys";
      return std::optional<OpenEndpoint>();
    }
    open.secrets.push_back(std::move(*secret));
  }
  return std::optional<OpenEndpoint>(std::move(open));
}

Result<DueWork> LoadDue(db::Db& db, const crypto::FieldCipher& cipher, int64_t now, int64_t batch) {
  DueWork work;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db.Acquire());
  WebhookStore store(*conn);
  MILEAGE_ASSIGN_OR_RETURN(work.due, store.DueDeliveries(now, batch));
  for (const DueDelivery& delivery : work.due) {
    if (!work.endpoints.contains(delivery.endpoint_id)) {
      MILEAGE_ASSIGN_OR_RETURN(work.endpoints[delivery.endpoint_id],
                               OpenedEndpoint(store, cipher, delivery.endpoint_id, now));
    }
    MILEAGE_ASSIGN_OR_RETURN(std::optional<OutboxRecord> event, store.Event(delivery.event_id));
    if (event.has_value()) work.events[delivery.event_id] = std::move(*event);
  }
  return work;
}

}  // namespace

std::string WebhookSecretContext(int64_t endpoint_id) {
  return "webhooks.secret:" + std::to_string(endpoint_id);
}

std::vector<org::SealedColumn> WebhookSealedColumns() {
  const auto context = [](const db::Row& row) { return WebhookSecretContext(row.Int(0)); };
  return {{"webhook_endpoints", "secret_sealed", "id", context, "", nullptr},
          {"webhook_endpoints", "previous_secret_sealed", "id", context, "", nullptr}};
}

Result<RelayPass> OutboxRelay::RunOnce(const db::Fence& fence) {
  RelayPass pass;
  MILEAGE_RETURN_IF_ERROR(FanOut(fence, pass));
  MILEAGE_RETURN_IF_ERROR(Deliver(fence, pass));
  return pass;
}

Status OutboxRelay::FanOut(const db::Fence& fence, RelayPass& pass) {
  std::vector<OutboxRecord> events;
  std::vector<SealedEndpoint> endpoints;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    WebhookStore store(*conn);
    MILEAGE_ASSIGN_OR_RETURN(events, store.UnpublishedEvents(policy_.batch));
    if (events.empty()) return Status::Ok();
    MILEAGE_ASSIGN_OR_RETURN(endpoints, store.EnabledEndpoints());
  }
  std::vector<int64_t> ids;
  ids.reserve(events.size());
  for (const OutboxRecord& event : events) ids.push_back(event.id);
  const int64_t now = Now();
  const Status fanned = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    WebhookStore store(conn);
    for (const OutboxRecord& event : events) {
      std::optional<std::string> order_key;
      for (const SealedEndpoint& sealed : endpoints) {
        const WebhookEndpoint& endpoint = sealed.endpoint;
        if (endpoint.brand_id != event.brand_id || !TopicMatches(endpoint.topics, event.topic)) {
          continue;
        }
        if (!order_key.has_value()) order_key = OrderKey(event.aggregate_ref, event.payload);
        MILEAGE_RETURN_IF_ERROR(store.AddDelivery(endpoint.id, event.id, *order_key, now).status());
      }
    }
    return store.MarkPublished(ids, now);
  });
  MILEAGE_RETURN_IF_ERROR(fanned);
  pass.events_fanned_out += static_cast<int64_t>(events.size());
  return Status::Ok();
}

Status OutboxRelay::Deliver(const db::Fence& fence, RelayPass& pass) {
  MILEAGE_ASSIGN_OR_RETURN(DueWork work, LoadDue(db_, cipher_, Now(), policy_.batch));
  // Endpoints that did not answer in this pass: their other deliveries wait for the next pass,
  // so that one unreachable endpoint costs a pass one timeout, not one per delivery.
  std::set<int64_t> unreachable;
  for (const DueDelivery& delivery : work.due) {
    const std::optional<OpenEndpoint>& endpoint = work.endpoints[delivery.endpoint_id];
    const auto event = work.events.find(delivery.event_id);
    if (!endpoint.has_value() || event == work.events.end()) continue;
    if (unreachable.contains(delivery.endpoint_id)) continue;
    MILEAGE_ASSIGN_OR_RETURN(
        std::optional<WebhookResponse> response,
        DeliverOne(fence, delivery, endpoint->url, endpoint->secrets, event->second, pass));
    if (response.has_value() && response->status == 0) unreachable.insert(delivery.endpoint_id);
  }
  return Status::Ok();
}

Result<std::optional<WebhookResponse>> OutboxRelay::DeliverOne(
    const db::Fence& fence, const DueDelivery& delivery, const std::string& url,
    const std::vector<std::string>& secrets, const OutboxRecord& event, RelayPass& pass) {
  const int64_t started = Now();
  const int64_t timeout_s =
      std::chrono::duration_cast<std::chrono::seconds>(policy_.timeout).count() + 1;
  bool claimed = false;
  const Status claim = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    MILEAGE_ASSIGN_OR_RETURN(
        claimed, WebhookStore(conn).StartAttempt(delivery.id, delivery.attempts, started,
                                                 started + timeout_s + policy_.retry.base_s));
    return Status::Ok();
  });
  MILEAGE_RETURN_IF_ERROR(claim);
  if (!claimed) return std::optional<WebhookResponse>();  // a replay changed it since it was read

  WebhookRequest request;
  request.url = url;
  request.body = EnvelopeJson(event);
  request.timeout = policy_.timeout;
  request.headers = {{kEventIdHeader, std::to_string(delivery.event_id)},
                     {kTimestampHeader, std::to_string(started)},
                     {kSignatureHeader, WebhookSignatures(secrets, started, request.body)}};
  const WebhookResponse response = sender_.Send(request);

  const int64_t finished = Now();
  const int64_t attempt = delivery.attempts + 1;
  const int64_t first = delivery.first_attempt_at != 0 ? delivery.first_attempt_at : started;
  std::string state = kDeliveryDelivered;
  int64_t next = 0;
  if (!IsSuccess(response.status)) {
    if (finished - first >= policy_.retry.dead_after_s) {
      state = kDeliveryDead;
    } else {
      state = kDeliveryPending;
      next = finished + RetryDelay(policy_.retry, attempt, random_);
    }
  }
  const Status recorded = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    return WebhookStore(conn).FinishAttempt(delivery.id, attempt, state, response.status,
                                            IsSuccess(response.status) ? "" : ErrorOf(response),
                                            next, finished);
  });
  MILEAGE_RETURN_IF_ERROR(recorded);
  if (state == kDeliveryDelivered) {
    ++pass.delivered;
  } else if (state == kDeliveryDead) {
    ++pass.dead_lettered;
    MILEAGE_LOG(kWarn) << "relay: event " << delivery.event_id << " dead-lettered for webhook "
                       << "endpoint " << delivery.endpoint_id << " after " << attempt
                       << " attempts (" << ErrorOf(response) << ")";
  } else {
    ++pass.failed;
  }
  return std::optional<WebhookResponse>(response);
}

}  // namespace mileage::relay
