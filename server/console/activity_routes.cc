#include "server/console/activity_json.h"
#include "server/console/care_json.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {

void RegisterActivityRoutes(ConsoleRouter& router, care::ActivityService& activities,
                            const Clock& clock) {
  router.Route("POST", "/api/console/activities", org::Action::kActivityWrite,
               [&activities, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<care::NewActivity> request = ParseNewActivity(req.http);
                 if (!request.ok()) return WriteError(res, request.status());
                 Respond(res, activities.Create(req.actor, *request, UnixSeconds(clock.Now())), 201,
                         WriteActivity);
               });

  router.Route("GET", "/api/console/activities", org::Action::kActivityRead,
               [&activities](const ConsoleRequest& req, httplib::Response& res) {
                 Result<std::pair<org::NodeType, int64_t>> node = QueryNode(req.http);
                 if (!node.ok()) return WriteError(res, node.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, activities.OfNode(req.actor, node->first, node->second, *page), 200,
                         [](JsonWriter& w, const PageOf<care::Activity>& list) {
                           WritePage(w, list, WriteActivity);
                         });
               });

  router.Route("GET", "/api/console/activities/{id}", org::Action::kActivityRead,
               [&activities](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, activities.Get(req.actor, *id), 200, WriteActivity);
               });

  router.Route("POST", "/api/console/activities/{id}/cancel", org::Action::kActivityWrite,
               [&activities, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, activities.Cancel(req.actor, *id, UnixSeconds(clock.Now())), 200,
                         WriteActivity);
               });

  router.Route("GET", "/api/console/activities/{id}/signups", org::Action::kActivityRead,
               [&activities](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, activities.Signups(req.actor, *id, *page), 200,
                         [](JsonWriter& w, const PageOf<care::Signup>& list) {
                           WritePage(w, list, WriteSignup);
                         });
               });

  router.Route(
      "POST", "/api/console/activities/{id}/signups/{signup_id}/cancel",
      org::Action::kActivityWrite,
      [&activities, &clock](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<int64_t> signup = PathId(req.http, 2);
        if (!signup.ok()) return WriteError(res, signup.status());
        Respond(res,
                activities.CancelSignupForStaff(req.actor, *id, *signup, UnixSeconds(clock.Now())),
                200, WriteSignup);
      });

  router.Route("POST", "/api/console/activities/{id}/check-in", org::Action::kActivityWrite,
               [&activities, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<std::string> code = ParseMemberCode(req.http);
                 if (!code.ok()) return WriteError(res, code.status());
                 Respond(res, activities.CheckIn(req.actor, *id, *code, UnixSeconds(clock.Now())),
                         200, WriteSignup);
               });
}

}  // namespace mileage::server
