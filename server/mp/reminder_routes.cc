#include "server/mp/reminder_routes.h"

#include "server/console/console_json.h"
#include "server/console/maintenance_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {

void RegisterMemberReminderRoutes(MpRouter& router, care::MaintenanceService& maintenance,
                                  const Clock& clock) {
  router.Route("GET", "/api/mp/reminders",
               [&maintenance, &clock](const MpRequest& req, httplib::Response& res) {
                 Respond(res, maintenance.Reminders(req.member(), UnixSeconds(clock.Now())), 200,
                         WriteMemberReminders);
               });

  router.Route("POST", "/api/mp/reminders/{id}/dismiss",
               [&maintenance, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 const Status dismissed =
                     maintenance.Dismiss(req.member(), *id, UnixSeconds(clock.Now()));
                 if (!dismissed.ok()) return WriteError(res, dismissed);
                 WriteJson(res, 200, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteInt(w, "id", *id);
                   WriteBool(w, "dismissed", true);
                   w.EndObject();
                 });
               });
}

}  // namespace mileage::server
