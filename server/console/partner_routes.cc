#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {

void RegisterPartnerRoutes(ConsoleRouter& router, org::PartnerService& partners) {
  router.Route(
      "POST", "/api/console/partners", org::Action::kPartnerWrite,
      [&partners](const ConsoleRequest& req, httplib::Response& res) {
        Result<rapidjson::Document> body = ParseBody(req.http, {"name", "category"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<std::string> name = RequiredString(*body, "name");
        if (!name.ok()) return WriteError(res, name.status());
        Result<std::string> category = RequiredString(*body, "category");
        if (!category.ok()) return WriteError(res, category.status());
        Respond(res,
                partners.Create(req.actor, req.session.principal.scope.brand_id, *name, *category),
                201, [](JsonWriter& w, const org::CreatedPartner& created) {
                  w.StartObject();
                  w.Key("partner");
                  WritePartner(w, created.partner);
                  w.Key("secret");
                  WriteString(w, created.secret);
                  w.EndObject();
                });
      });

  router.Route("GET", "/api/console/partners", org::Action::kPartnerRead,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, partners.List(req.actor, *page), 200,
                         [](JsonWriter& w, const PageOf<org::Partner>& list) {
                           WritePage(w, list, WritePartner);
                         });
               });

  router.Route("GET", "/api/console/partners/{id}", org::Action::kPartnerRead,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.Get(req.actor, *id), 200, WritePartner);
               });

  router.Route("POST", "/api/console/partners/{id}/deactivate", org::Action::kPartnerWrite,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.Deactivate(req.actor, *id), 200, WritePartner);
               });

  router.Route("POST", "/api/console/partners/{id}/reactivate", org::Action::kPartnerWrite,
               [&partners](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, partners.Reactivate(req.actor, *id), 200, WritePartner);
               });
}

}  // namespace mileage::server
