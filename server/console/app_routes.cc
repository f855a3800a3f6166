#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

// The POST body of an app: {"appid","kind","name","secret"?}.
Result<org::NewBrandApp> ParseNewApp(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"appid", "kind", "name", "secret"}));
  org::NewBrandApp app;
  MILEAGE_ASSIGN_OR_RETURN(app.appid, RequiredString(body, "appid"));
  MILEAGE_ASSIGN_OR_RETURN(app.kind, RequiredString(body, "kind"));
  MILEAGE_ASSIGN_OR_RETURN(app.name, RequiredString(body, "name"));
  auto secret = body.FindMember("secret");
  if (secret != body.MemberEnd() && !secret->value.IsNull()) {
    MILEAGE_ASSIGN_OR_RETURN(app.secret, RequiredString(body, "secret"));
    if (app.secret.empty()) {
      return InvalidArgumentError("secret must not be empty (leave it out instead)",
                                  "INVALID_FIELD");
    }
  }
  return app;
}

}  // namespace

void RegisterAppRoutes(ConsoleRouter& router, org::BrandAppService& apps) {
  router.Route("POST", "/api/console/apps", org::Action::kAppWrite,
               [&apps](const ConsoleRequest& req, httplib::Response& res) {
                 Result<org::NewBrandApp> app = ParseNewApp(req.http);
                 if (!app.ok()) return WriteError(res, app.status());
                 Respond(res, apps.Create(req.actor, req.session.principal.scope.brand_id, *app),
                         201, WriteBrandApp);
               });

  router.Route("GET", "/api/console/apps", org::Action::kAppRead,
               [&apps](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, apps.List(req.actor, std::nullopt, *page), 200,
                         [](JsonWriter& w, const PageOf<org::BrandApp>& list) {
                           WritePage(w, list, WriteBrandApp);
                         });
               });

  router.Route("GET", "/api/console/apps/{id}", org::Action::kAppRead,
               [&apps](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, apps.Get(req.actor, *id), 200, WriteBrandApp);
               });

  for (const bool active : {false, true}) {
    router.Route(
        "POST", active ? "/api/console/apps/{id}/reactivate" : "/api/console/apps/{id}/deactivate",
        org::Action::kAppWrite, [&apps, active](const ConsoleRequest& req, httplib::Response& res) {
          Result<int64_t> id = PathId(req.http, 1);
          if (!id.ok()) return WriteError(res, id.status());
          Respond(res, apps.SetActive(req.actor, *id, active), 200, WriteBrandApp);
        });
  }
}

}  // namespace mileage::server
