#include "server/mp/appointment_routes.h"

#include "server/console/care_json.h"
#include "server/console/console_json.h"

namespace mileage::server {

void RegisterMemberAppointmentRoutes(MpRouter& router, care::CareModule& care, const Clock& clock) {
  care::ScheduleService& schedules = care.schedules();
  care::AppointmentService& appointments = care.appointments();

  router.Route(
      "GET", "/api/mp/stores/{id}/slots",
      [&schedules, &clock](const MpRequest& req, httplib::Response& res) {
        Result<int64_t> store = PathId(req.http, 1);
        if (!store.ok()) return WriteError(res, store.status());
        Result<civil::DayRange> range = QueryDayRange(req.http);
        if (!range.ok()) return WriteError(res, range.status());
        Respond(res,
                schedules.BookableSlots(req.member(), *store, *range, UnixSeconds(clock.Now())),
                200, WriteSlots);
      });

  router.Route("POST", "/api/mp/appointments",
               [&appointments, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<care::BookRequest> request = ParseBook(req.http);
                 if (!request.ok()) return WriteError(res, request.status());
                 Respond(res, appointments.Book(req.member(), *request, UnixSeconds(clock.Now())),
                         201, WriteAppointment);
               });

  router.Route("GET", "/api/mp/appointments",
               [&appointments](const MpRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, appointments.List(req.member(), *page), 200,
                         [](JsonWriter& w, const PageOf<care::Appointment>& list) {
                           WritePage(w, list, WriteAppointment);
                         });
               });

  router.Route("GET", "/api/mp/appointments/{id}",
               [&appointments](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, appointments.Get(req.member(), *id), 200, WriteAppointment);
               });

  router.Route(
      "POST", "/api/mp/appointments/{id}/reschedule",
      [&appointments, &clock](const MpRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<int64_t> slot = ParseRescheduleSlot(req.http);
        if (!slot.ok()) return WriteError(res, slot.status());
        Respond(res, appointments.Reschedule(req.member(), *id, *slot, UnixSeconds(clock.Now())),
                200, WriteAppointment);
      });

  router.Route("POST", "/api/mp/appointments/{id}/cancel",
               [&appointments, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, appointments.Cancel(req.member(), *id, UnixSeconds(clock.Now())), 200,
                         WriteAppointment);
               });
}

}  // namespace mileage::server
