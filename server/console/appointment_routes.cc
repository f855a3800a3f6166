#include "server/console/care_json.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/coupon_requests.h"

namespace mileage::server {
namespace {

// A store's schedule and slots.
void RegisterScheduleRoutes(ConsoleRouter& router, care::ScheduleService& schedules,
                            const Clock& clock) {
  router.Route("GET", "/api/console/stores/{id}/schedule", org::Action::kAppointmentRead,
               [&schedules](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Respond(res, schedules.Get(req.actor, *store), 200, WriteSchedule);
               });

  router.Route("PUT", "/api/console/stores/{id}/schedule", org::Action::kScheduleWrite,
               [&schedules, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<care::Schedule> schedule = ParseSchedule(req.http, *store);
                 if (!schedule.ok()) return WriteError(res, schedule.status());
                 Respond(res, schedules.Put(req.actor, *schedule, UnixSeconds(clock.Now())), 200,
                         WriteSchedule);
               });

  router.Route("POST", "/api/console/stores/{id}/slots/generate", org::Action::kScheduleWrite,
               [&schedules, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<civil::DayRange> range = ParseGenerate(req.http);
                 if (!range.ok()) return WriteError(res, range.status());
                 Respond(res,
                         schedules.Generate(req.actor, *store, *range, UnixSeconds(clock.Now())),
                         200, [](JsonWriter& w, int64_t created) {
                           w.StartObject();
                           WriteInt(w, "created", created);
                           w.EndObject();
                         });
               });

  router.Route("POST", "/api/console/stores/{id}/slots", org::Action::kScheduleWrite,
               [&schedules, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<care::NewSlot> slot = ParseNewSlot(req.http);
                 if (!slot.ok()) return WriteError(res, slot.status());
                 Respond(res,
                         schedules.CreateSlot(req.actor, *store, *slot, UnixSeconds(clock.Now())),
                         201, WriteSlot);
               });

  router.Route("GET", "/api/console/stores/{id}/slots", org::Action::kAppointmentRead,
               [&schedules, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<civil::DayRange> range = QueryDayRange(req.http);
                 if (!range.ok()) return WriteError(res, range.status());
                 Respond(res,
                         schedules.StoreSlots(req.actor, *store, *range, UnixSeconds(clock.Now())),
                         200, WriteSlots);
               });
}

}  // namespace

void RegisterAppointmentRoutes(ConsoleRouter& router, care::CareModule& care, const Clock& clock) {
  RegisterScheduleRoutes(router, care.schedules(), clock);
  care::AppointmentService& appointments = care.appointments();

  router.Route(
      "GET", "/api/console/stores/{id}/appointments", org::Action::kAppointmentRead,
      [&appointments, &clock](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> store = PathId(req.http, 1);
        if (!store.ok()) return WriteError(res, store.status());
        Result<PageRequest> page = PageParams(req.http);
        if (!page.ok()) return WriteError(res, page.status());
        Result<std::optional<civil::Date>> day = QueryDay(req.http);
        if (!day.ok()) return WriteError(res, day.status());
        Respond(res,
                appointments.StoreDay(req.actor, *store, *day, *page, UnixSeconds(clock.Now())),
                200, [](JsonWriter& w, const PageOf<care::AppointmentListing>& list) {
                  WritePage(w, list, WriteAppointmentListing);
                });
      });

  router.Route("POST", "/api/console/appointments/{id}/check-in", org::Action::kAppointmentWrite,
               [&appointments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<std::string> code = ParseMemberCode(req.http);
                 if (!code.ok()) return WriteError(res, code.status());
                 Respond(res, appointments.CheckIn(req.actor, *id, *code, UnixSeconds(clock.Now())),
                         200, WriteAppointment);
               });

  router.Route("POST", "/api/console/appointments/{id}/cancel", org::Action::kAppointmentWrite,
               [&appointments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, appointments.CancelByStaff(req.actor, *id, UnixSeconds(clock.Now())),
                         200, WriteAppointment);
               });

  router.Route("POST", "/api/console/appointments/{id}/complete", org::Action::kAppointmentWrite,
               [&appointments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, appointments.Complete(req.actor, *id, UnixSeconds(clock.Now())), 200,
                         WriteAppointment);
               });
}

}  // namespace mileage::server
