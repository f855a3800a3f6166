#include <string>
#include <vector>

#include "care/subscribe_service.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/subscription_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// {"topic","template_id","title","marketing"?,"page"?,"fields":{"thing1":"service_type",...}}.
Result<care::TemplateInput> ParseTemplate(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"topic", "template_id", "title", "marketing", "page", "fields"}));
  care::TemplateInput input;
  MILEAGE_ASSIGN_OR_RETURN(input.topic, RequiredString(body, "topic"));
  MILEAGE_ASSIGN_OR_RETURN(input.template_id, RequiredString(body, "template_id"));
  MILEAGE_ASSIGN_OR_RETURN(input.title, RequiredString(body, "title"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<bool> marketing, OptionalBool(body, "marketing"));
  input.marketing = marketing.value_or(false);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> page, OptionalString(body, "page"));
  input.page = page.value_or("");
  auto fields = body.FindMember("fields");
  if (fields == body.MemberEnd() || fields->value.IsNull()) {
    return InvalidArgumentError("field \"fields\" is required", "MISSING_FIELD");
  }
  if (!fields->value.IsObject()) {
    return InvalidArgumentError("field \"fields\" must be an object of keyword: payload field",
                                "INVALID_FIELD");
  }
  for (const auto& member : fields->value.GetObject()) {
    if (!member.value.IsString()) {
      return InvalidArgumentError("each of \"fields\" must name a payload field (a string)",
                                  "INVALID_FIELD");
    }
    input.fields.push_back({std::string(member.name.GetString(), member.name.GetStringLength()),
                            std::string(member.value.GetString(), member.value.GetStringLength())});
  }
  return input;
}

}  // namespace

void WriteSubscribeTemplate(JsonWriter& w, const care::SubscribeTemplate& t) {
  w.StartObject();
  WriteInt(w, "id", t.id);
  WriteInt(w, "brand_id", t.brand_id);
  WriteText(w, "topic", t.topic);
  WriteText(w, "template_id", t.template_id);
  WriteText(w, "title", t.title);
  WriteBool(w, "marketing", t.marketing);
  WriteText(w, "page", t.page);
  w.Key("fields");
  w.StartObject();
  for (const care::TemplateField& f : t.fields) WriteText(w, f.keyword, f.field);
  w.EndObject();
  WriteTime(w, "created_at", t.created_at);
  WriteTime(w, "updated_at", t.updated_at);
  w.EndObject();
}

void WriteMemberSubscriptions(JsonWriter& w, const std::vector<care::MemberSubscription>& list) {
  w.StartObject();
  WriteArray(w, "items", list, [&w](const care::MemberSubscription& s) {
    w.StartObject();
    WriteText(w, "template_id", s.template_id);
    WriteText(w, "title", s.title);
    WriteText(w, "topic", s.topic);
    WriteBool(w, "marketing", s.marketing);
    WriteInt(w, "remaining", s.remaining);
    w.EndObject();
  });
  w.EndObject();
}

void RegisterSubscriptionRoutes(ConsoleRouter& router, care::SubscribeService& subscriptions) {
  router.Route("GET", "/api/console/subscribe-templates", org::Action::kSubscriptionRead,
               [&subscriptions](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, subscriptions.List(req.actor, req.session.principal.scope.brand_id),
                         200, [](JsonWriter& w, const std::vector<care::SubscribeTemplate>& list) {
                           w.StartObject();
                           WriteArray(w, "items", list, [&w](const care::SubscribeTemplate& t) {
                             WriteSubscribeTemplate(w, t);
                           });
                           w.EndObject();
                         });
               });
  router.Route(
      "POST", "/api/console/subscribe-templates", org::Action::kSubscriptionWrite,
      [&subscriptions](const ConsoleRequest& req, httplib::Response& res) {
        Result<care::TemplateInput> input = ParseTemplate(req.http);
        if (!input.ok()) return WriteError(res, input.status());
        Respond(res, subscriptions.Create(req.actor, req.session.principal.scope.brand_id, *input),
                201, WriteSubscribeTemplate);
      });
  router.Route("GET", "/api/console/subscribe-templates/{id}", org::Action::kSubscriptionRead,
               [&subscriptions](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, subscriptions.Get(req.actor, *id), 200, WriteSubscribeTemplate);
               });
  router.Route("PUT", "/api/console/subscribe-templates/{id}", org::Action::kSubscriptionWrite,
               [&subscriptions](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<care::TemplateInput> input = ParseTemplate(req.http);
                 if (!input.ok()) return WriteError(res, input.status());
                 Respond(res, subscriptions.Update(req.actor, *id, *input), 200,
                         WriteSubscribeTemplate);
               });
  router.Route("DELETE", "/api/console/subscribe-templates/{id}", org::Action::kSubscriptionWrite,
               [&subscriptions](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Status deleted = subscriptions.Delete(req.actor, *id);
                 if (!deleted.ok()) return WriteError(res, deleted);
                 res.status = 204;
               });
}

}  // namespace mileage::server
