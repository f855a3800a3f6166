#include <string>
#include <vector>

#include "relay/webhook_service.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status InvalidTopicsShape() {
  return InvalidArgumentError("field \"topics\" must be an array of strings", "INVALID_FIELD");
}

// "topics":["payment.recorded", "coupon.*", ...]; absent or null = every topic.
Result<std::vector<std::string>> Topics(const rapidjson::Value& body) {
  std::vector<std::string> topics;
  auto it = body.FindMember("topics");
  if (it == body.MemberEnd() || it->value.IsNull()) return topics;
  if (!it->value.IsArray()) return InvalidTopicsShape();
  for (const rapidjson::Value& topic : it->value.GetArray()) {
    if (!topic.IsString()) return InvalidTopicsShape();
    topics.emplace_back(topic.GetString(), topic.GetStringLength());
  }
  return topics;
}

// WEBHOOK: {"id","brand_id","url","topics":[...],"enabled","created_at","updated_at",
// "overlap_until"}; never the secret.
void WriteWebhook(JsonWriter& w, const relay::WebhookEndpoint& e) {
  w.StartObject();
  WriteInt(w, "id", e.id);
  WriteInt(w, "brand_id", e.brand_id);
  WriteText(w, "url", e.url);
  w.Key("topics");
  w.StartArray();
  for (const std::string& topic : e.topics) WriteString(w, topic);
  w.EndArray();
  WriteBool(w, "enabled", e.enabled);
  WriteTime(w, "created_at", e.created_at);
  WriteTime(w, "updated_at", e.updated_at);
  WriteOptionalTime(w, "overlap_until", e.previous_secret_until);
  w.EndObject();
}

// {"webhook": WEBHOOK, "secret"}: the one answer that shows a secret.
void WriteWebhookWithSecret(JsonWriter& w, const relay::WebhookWithSecret& created) {
  w.StartObject();
  w.Key("webhook");
  WriteWebhook(w, created.endpoint);
  w.Key("secret");
  WriteString(w, created.secret);
  w.EndObject();
}

// DELIVERY: {"id","webhook_id","event_id","topic","state","attempts","first_attempt_at",
// "last_attempt_at","next_attempt_at" (null unless pending),"last_status","last_error",
// "finished_at","created_at"}; times null when not yet.
void WriteDelivery(JsonWriter& w, const relay::WebhookDelivery& d) {
  w.StartObject();
  WriteInt(w, "id", d.id);
  WriteInt(w, "webhook_id", d.endpoint_id);
  WriteInt(w, "event_id", d.event_id);
  WriteText(w, "topic", d.topic);
  WriteText(w, "state", d.state);
  WriteInt(w, "attempts", d.attempts);
  WriteOptionalTime(w, "first_attempt_at", d.first_attempt_at);
  WriteOptionalTime(w, "last_attempt_at", d.last_attempt_at);
  if (d.state == relay::kDeliveryPending) {
    WriteTime(w, "next_attempt_at", d.next_attempt_at);
  } else {
    WriteOptionalTime(w, "next_attempt_at", 0);
  }
  WriteInt(w, "last_status", d.last_status);
  WriteText(w, "last_error", d.last_error);
  WriteOptionalTime(w, "finished_at", d.finished_at);
  WriteTime(w, "created_at", d.created_at);
  w.EndObject();
}

void WriteDeliveries(JsonWriter& w, const PageOf<relay::WebhookDelivery>& page) {
  WritePage(w, page, WriteDelivery);
}

void RegisterEndpointRoutes(ConsoleRouter& router, relay::WebhookService& webhooks) {
  router.Route("POST", "/api/console/webhooks", org::Action::kWebhookWrite,
               [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<rapidjson::Document> body = ParseBody(req.http, {"url", "topics"});
                 if (!body.ok()) return WriteError(res, body.status());
                 relay::WebhookInput input;
                 Result<std::string> url = RequiredString(*body, "url");
                 if (!url.ok()) return WriteError(res, url.status());
                 input.url = std::move(*url);
                 Result<std::vector<std::string>> topics = Topics(*body);
                 if (!topics.ok()) return WriteError(res, topics.status());
                 input.topics = std::move(*topics);
                 Respond(res,
                         webhooks.Create(req.actor, req.session.principal.scope.brand_id, input),
                         201, WriteWebhookWithSecret);
               });
  router.Route("GET", "/api/console/webhooks", org::Action::kWebhookRead,
               [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, webhooks.List(req.actor, req.session.principal.scope.brand_id, *page),
                         200, [](JsonWriter& w, const PageOf<relay::WebhookEndpoint>& list) {
                           WritePage(w, list, WriteWebhook);
                         });
               });
  router.Route("GET", "/api/console/webhooks/{id}", org::Action::kWebhookRead,
               [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, webhooks.Get(req.actor, *id), 200, WriteWebhook);
               });
  for (const bool enable : {true, false}) {
    router.Route(
        "POST", enable ? "/api/console/webhooks/{id}/enable" : "/api/console/webhooks/{id}/disable",
        org::Action::kWebhookWrite,
        [&webhooks, enable](const ConsoleRequest& req, httplib::Response& res) {
          Result<int64_t> id = PathId(req.http, 1);
          if (!id.ok()) return WriteError(res, id.status());
          Respond(res, webhooks.SetEnabled(req.actor, *id, enable), 200, WriteWebhook);
        });
  }
  router.Route("POST", "/api/console/webhooks/{id}/secret", org::Action::kWebhookWrite,
               [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, webhooks.RotateSecret(req.actor, *id), 201, WriteWebhookWithSecret);
               });
  router.Route("DELETE", "/api/console/webhooks/{id}", org::Action::kWebhookWrite,
               [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Status deleted = webhooks.Delete(req.actor, *id);
                 if (!deleted.ok()) return WriteError(res, deleted);
                 res.status = 204;
               });
}

}  // namespace

void RegisterWebhookRoutes(ConsoleRouter& router, relay::WebhookService& webhooks) {
  RegisterEndpointRoutes(router, webhooks);
  router.Route(
      "GET", "/api/console/webhooks/{id}/deliveries", org::Action::kWebhookRead,
      [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<PageRequest> page = PageParams(req.http);
        if (!page.ok()) return WriteError(res, page.status());
        Respond(res, webhooks.Deliveries(req.actor, *id, req.http.get_param_value("state"), *page),
                200, WriteDeliveries);
      });
  router.Route(
      "GET", "/api/console/webhook-dead-letters", org::Action::kWebhookRead,
      [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
        Result<PageRequest> page = PageParams(req.http);
        if (!page.ok()) return WriteError(res, page.status());
        Respond(res, webhooks.DeadLetters(req.actor, req.session.principal.scope.brand_id, *page),
                200, WriteDeliveries);
      });
  router.Route(
      "POST", "/api/console/webhooks/{id}/replay", org::Action::kWebhookWrite,
      [&webhooks](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<rapidjson::Document> body = ParseBody(req.http, {"from_event_id", "to_event_id"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<int64_t> from = RequiredInt(*body, "from_event_id");
        if (!from.ok()) return WriteError(res, from.status());
        Result<std::optional<int64_t>> to = OptionalInt(*body, "to_event_id");
        if (!to.ok()) return WriteError(res, to.status());
        Respond(res, webhooks.Replay(req.actor, *id, *from, to->value_or(*from)), 200,
                [](JsonWriter& w, int64_t replayed) {
                  w.StartObject();
                  WriteInt(w, "replayed", replayed);
                  w.EndObject();
                });
      });
}

}  // namespace mileage::server
