#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/membership_json.h"

namespace mileage::server {

void RegisterMemberRoutes(ConsoleRouter& router, payments::MemberViews& members) {
  router.Route("GET", "/api/console/members", org::Action::kMemberRead,
               [&members](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, members.Search(req.actor, req.http.get_param_value("q")), 200,
                         [](JsonWriter& w, const std::vector<members::Member>& found) {
                           w.StartObject();
                           w.Key("items");
                           w.StartArray();
                           for (const members::Member& member : found) WriteMember(w, member);
                           w.EndArray();
                           w.EndObject();
                         });
               });

  router.Route("GET", "/api/console/members/{id}", org::Action::kMemberRead,
               [&members](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, members.Profile(req.actor, *id), 200, WriteMemberView);
               });

  router.Route("POST", "/api/console/member-codes/scan", org::Action::kMemberRead,
               [&members](const ConsoleRequest& req, httplib::Response& res) {
                 Result<rapidjson::Document> body = ParseBody(req.http, {"code"});
                 if (!body.ok()) return WriteError(res, body.status());
                 Result<std::string> code = RequiredString(*body, "code");
                 if (!code.ok()) return WriteError(res, code.status());
                 Respond(res, members.Scan(req.actor, *code), 200, WriteMemberView);
               });

  router.Route("GET", "/api/console/members/{id}/points", org::Action::kMemberRead,
               [&members](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, members.Points(req.actor, *id, *page), 200,
                         [](JsonWriter& w, const PageOf<points::JournalLine>& lines) {
                           WritePage(w, lines, WriteJournalLine);
                         });
               });
}

}  // namespace mileage::server
