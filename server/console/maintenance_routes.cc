#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/maintenance_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {

void RegisterMaintenanceRoutes(ConsoleRouter& router, care::MaintenanceService& maintenance,
                               const Clock& clock) {
  router.Route("GET", "/api/console/service-intervals", org::Action::kServiceIntervalRead,
               [&maintenance](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, maintenance.Intervals(req.actor), 200, WriteServiceIntervals);
               });

  router.Route("PUT", "/api/console/service-intervals", org::Action::kServiceIntervalWrite,
               [&maintenance, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<care::ServiceInterval> interval = ParseServiceInterval(req.http);
                 if (!interval.ok()) return WriteError(res, interval.status());
                 Respond(res,
                         maintenance.PutInterval(req.actor, *interval, UnixSeconds(clock.Now())),
                         200, WriteServiceInterval);
               });

  // The model is a query parameter (?model=, empty for the brand default): models hold spaces
  // and slashes that a path segment would not carry plainly.
  router.Route("DELETE", "/api/console/service-intervals", org::Action::kServiceIntervalWrite,
               [&maintenance](const ConsoleRequest& req, httplib::Response& res) {
                 if (!req.http.has_param("model")) {
                   return WriteError(res, InvalidArgumentError("query parameter model is required",
                                                               "MISSING_FIELD"));
                 }
                 const std::string model = req.http.get_param_value("model");
                 const Status deleted = maintenance.DeleteInterval(req.actor, model);
                 if (!deleted.ok()) return WriteError(res, deleted);
                 WriteJson(res, 200, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteText(w, "model", model);
                   WriteBool(w, "deleted", true);
                   w.EndObject();
                 });
               });

  router.Route("PUT", "/api/console/stores/{id}/service", org::Action::kServiceIntervalWrite,
               [&maintenance, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<bool> service = ParseServiceFlag(req.http);
                 if (!service.ok()) return WriteError(res, service.status());
                 const Status set = maintenance.SetServiceStore(req.actor, *store, *service,
                                                                UnixSeconds(clock.Now()));
                 if (!set.ok()) return WriteError(res, set);
                 WriteJson(res, 200, [&](JsonWriter& w) {
                   w.StartObject();
                   WriteInt(w, "store_id", *store);
                   WriteBool(w, "service", *service);
                   w.EndObject();
                 });
               });
}

}  // namespace mileage::server
