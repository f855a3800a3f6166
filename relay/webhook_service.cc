#include "relay/webhook_service.h"

#include <optional>

#include "org/node_store.h"
#include "org/validation.h"
#include "relay/delivery_rules.h"
#include "relay/outbox_relay.h"
#include "relay/webhook_store.h"

namespace mileage::relay {
namespace {

std::string Label(int64_t id) { return "webhook " + std::to_string(id); }

Status NotFound(int64_t id) { return NotFoundError(Label(id) + " not found", "WEBHOOK_NOT_FOUND"); }

// The authorizer answers NotFound for another brand's endpoint: the same code as an unknown id.
Status AsWebhookError(Status status, int64_t id) {
  if (status.code() == StatusCode::kNotFound) return NotFound(id);
  return status;
}

org::AuditRecord Base(std::string action, std::optional<int64_t> id) {
  org::AuditRecord base;
  base.action = std::move(action);
  base.object_type = "webhook";
  base.object_id = id;
  return base;
}

}  // namespace

Result<std::pair<std::string, std::string>> WebhookService::NewSecret(int64_t id) {
  std::string secret = RandomHex(random_, 32);
  MILEAGE_ASSIGN_OR_RETURN(std::string sealed, cipher_.Seal(secret, WebhookSecretContext(id)));
  return std::make_pair(std::move(secret), std::move(sealed));
}

Result<WebhookEndpoint> WebhookService::Authorized(db::Connection& conn, const org::Actor& actor,
                                                   org::Action action, int64_t id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedEndpoint> found,
                           WebhookStore(conn).FindEndpoint(id, lock));
  if (!found.has_value()) return NotFound(id);
  MILEAGE_RETURN_IF_ERROR(AsWebhookError(
      authorizer_.Check(actor, action, org::NodePath::Brand(found->endpoint.brand_id), Label(id)),
      id));
  return std::move(found->endpoint);
}

Result<WebhookWithSecret> WebhookService::Create(const org::Actor& actor, int64_t brand_id,
                                                 const WebhookInput& input) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateWebhookUrl(input.url, allow_private_urls_));
  MILEAGE_RETURN_IF_ERROR(ValidateTopics(input.topics));
  WebhookWithSecret created;
  const Status written = writer_.Run(
      actor, Base("webhook.create", std::nullopt),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        // The lock on the brand's row serializes the brand's creations: the count below stays
        // true until commit, so racing creations cannot pass the limit together.
        const std::string brand_label = "brand " + std::to_string(brand_id);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> brand,
                                 org::NodeStore(conn).Find(org::NodeType::kBrand, brand_id, true));
        if (!brand.has_value()) return NotFoundError(brand_label + " not found");
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.Check(actor, org::Action::kWebhookWrite, brand->path, brand_label));
        WebhookStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(int64_t count, store.CountEndpoints(brand_id));
        if (count >= kMaxEndpointsPerBrand) {
          return FailedPreconditionError(
              "a brand has at most " + std::to_string(kMaxEndpointsPerBrand) + " webhook endpoints",
              "TOO_MANY_WEBHOOKS");
        }
        WebhookEndpoint& e = created.endpoint;
        e.brand_id = brand_id;
        e.url = input.url;
        e.topics = input.topics;
        e.enabled = true;
        e.created_at = e.updated_at = record.created_at;
        MILEAGE_ASSIGN_OR_RETURN(e.id, store.InsertEndpoint(e));
        MILEAGE_ASSIGN_OR_RETURN(auto secret, NewSecret(e.id));
        MILEAGE_RETURN_IF_ERROR(store.SetSecret(e.id, secret.second, e.created_at));
        created.secret = std::move(secret.first);
        record.brand_id = brand_id;
        record.object_id = e.id;
        record.detail = "url: " + e.url + "; topics: " + JoinTopics(e.topics);
        return Status::Ok();
      });
  if (!written.ok()) return written;
  return created;
}

Result<PageOf<WebhookEndpoint>> WebhookService::List(const org::Actor& actor, int64_t brand_id,
                                                     const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kWebhookRead,
                                            org::NodePath::Brand(brand_id),
                                            "brand " + std::to_string(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return WebhookStore(*conn).ListEndpoints(brand_id, page);
}

Result<WebhookEndpoint> WebhookService::Get(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return Authorized(*conn, actor, org::Action::kWebhookRead, id, false);
}

Result<WebhookEndpoint> WebhookService::SetEnabled(const org::Actor& actor, int64_t id,
                                                   bool enabled) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  WebhookEndpoint endpoint;
  const Status written = writer_.Run(
      actor, Base(enabled ? "webhook.enable" : "webhook.disable", id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(endpoint,
                                 Authorized(conn, actor, org::Action::kWebhookWrite, id, true));
        record.brand_id = endpoint.brand_id;
        if (endpoint.enabled == enabled) {
          record.detail = enabled ? "already enabled" : "already disabled";
          return Status::Ok();
        }
        MILEAGE_RETURN_IF_ERROR(WebhookStore(conn).SetEnabled(id, enabled, record.created_at));
        endpoint.enabled = enabled;
        endpoint.updated_at = record.created_at;
        record.detail = "url: " + endpoint.url;
        return Status::Ok();
      });
  if (!written.ok()) return written;
  return endpoint;
}

Result<WebhookWithSecret> WebhookService::RotateSecret(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  WebhookWithSecret rotated;
  const Status written = writer_.Run(
      actor, Base("webhook.secret_rotate", id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(rotated.endpoint,
                                 Authorized(conn, actor, org::Action::kWebhookWrite, id, true));
        MILEAGE_ASSIGN_OR_RETURN(auto secret, NewSecret(id));
        const int64_t previous_until = record.created_at + kSecretOverlapSeconds;
        MILEAGE_RETURN_IF_ERROR(
            WebhookStore(conn).RotateSecret(id, secret.second, record.created_at, previous_until));
        rotated.endpoint.updated_at = record.created_at;
        rotated.endpoint.previous_secret_until = previous_until;
        rotated.secret = std::move(secret.first);
        record.brand_id = rotated.endpoint.brand_id;
        record.detail = "url: " + rotated.endpoint.url;
        return Status::Ok();
      });
  if (!written.ok()) return written;
  return rotated;
}

Status WebhookService::Delete(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  return writer_.Run(actor, Base("webhook.delete", id),
                     [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                       MILEAGE_ASSIGN_OR_RETURN(
                           WebhookEndpoint endpoint,
                           Authorized(conn, actor, org::Action::kWebhookWrite, id, true));
                       record.brand_id = endpoint.brand_id;
                       record.detail = "url: " + endpoint.url;
                       return WebhookStore(conn).DeleteEndpoint(id);
                     });
}

Result<PageOf<WebhookDelivery>> WebhookService::Deliveries(const org::Actor& actor, int64_t id,
                                                           std::string_view state,
                                                           const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (!state.empty() && state != kDeliveryPending && state != kDeliveryDelivered &&
      state != kDeliveryDead) {
    return InvalidArgumentError("state must be pending, delivered or dead", "INVALID_FIELD");
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(WebhookEndpoint endpoint,
                           Authorized(*conn, actor, org::Action::kWebhookRead, id, false));
  return WebhookStore(*conn).ListDeliveries(
      DeliveryFilter{endpoint.brand_id, id, std::string(state)}, page);
}

Result<PageOf<WebhookDelivery>> WebhookService::DeadLetters(const org::Actor& actor,
                                                            int64_t brand_id,
                                                            const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kWebhookRead,
                                            org::NodePath::Brand(brand_id),
                                            "brand " + std::to_string(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return WebhookStore(*conn).ListDeliveries(DeliveryFilter{brand_id, std::nullopt, kDeliveryDead},
                                            page);
}

Result<int64_t> WebhookService::Replay(const org::Actor& actor, int64_t id, int64_t from_event_id,
                                       int64_t to_event_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  if (from_event_id <= 0 || to_event_id < from_event_id ||
      to_event_id - from_event_id >= kMaxReplayEvents) {
    return InvalidArgumentError(
        "the event range must be 0 < from_event_id <= to_event_id and "
        "cover at most " +
            std::to_string(kMaxReplayEvents) + " ids",
        "INVALID_EVENT_RANGE");
  }
  int64_t replayed = 0;
  const Status written = writer_.Run(
      actor, Base("webhook.replay", id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        replayed = 0;
        MILEAGE_ASSIGN_OR_RETURN(WebhookEndpoint endpoint,
                                 Authorized(conn, actor, org::Action::kWebhookWrite, id, true));
        record.brand_id = endpoint.brand_id;
        WebhookStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(
            std::vector<OutboxRecord> events,
            store.BrandEvents(endpoint.brand_id, from_event_id, to_event_id, kMaxReplayEvents));
        for (const OutboxRecord& event : events) {
          if (!TopicMatches(endpoint.topics, event.topic)) continue;
          MILEAGE_RETURN_IF_ERROR(store.ResetDelivery(
              id, event.id, OrderKey(event.aggregate_ref, event.payload), record.created_at));
          ++replayed;
        }
        record.detail = "events " + std::to_string(from_event_id) + ".." +
                        std::to_string(to_event_id) + ": " + std::to_string(replayed) +
                        " deliveries reset";
        return Status::Ok();
      });
  if (!written.ok()) return written;
  return replayed;
}

}  // namespace mileage::relay
