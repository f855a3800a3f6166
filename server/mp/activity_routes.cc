#include "server/mp/activity_routes.h"

#include "server/console/activity_json.h"
#include "server/console/console_json.h"

namespace mileage::server {

void RegisterMemberActivityRoutes(MpRouter& router, care::ActivityService& activities,
                                  const Clock& clock) {
  router.Route("GET", "/api/mp/activities",
               [&activities, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res,
                         activities.OpenForMember(req.member(), *page, UnixSeconds(clock.Now())),
                         200, [](JsonWriter& w, const PageOf<care::Activity>& list) {
                           WritePage(w, list, WriteActivity);
                         });
               });

  router.Route("GET", "/api/mp/activities/{id}",
               [&activities](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, activities.GetForMember(req.member(), *id), 200, WriteActivity);
               });

  router.Route("POST", "/api/mp/activities/{id}/signups",
               [&activities, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, activities.SignUp(req.member(), *id, UnixSeconds(clock.Now())), 201,
                         WriteSignup);
               });

  router.Route("GET", "/api/mp/activity-signups",
               [&activities](const MpRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, activities.MySignups(req.member(), *page), 200,
                         [](JsonWriter& w, const PageOf<care::Signup>& list) {
                           WritePage(w, list, WriteSignup);
                         });
               });

  router.Route("GET", "/api/mp/activity-signups/{id}",
               [&activities](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, activities.GetSignup(req.member(), *id), 200, WriteSignup);
               });

  router.Route("POST", "/api/mp/activity-signups/{id}/cancel",
               [&activities, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, activities.CancelSignup(req.member(), *id, UnixSeconds(clock.Now())),
                         200, WriteSignup);
               });
}

}  // namespace mileage::server
