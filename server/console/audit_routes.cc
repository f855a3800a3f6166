#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {

void RegisterAuditRoutes(ConsoleRouter& router, org::AuditService& audit) {
  router.Route("GET", "/api/console/audit", org::Action::kAuditRead,
               [&audit](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, audit.List(req.actor, *page), 200,
                         [](JsonWriter& w, const PageOf<org::AuditRecord>& records) {
                           WritePage(w, records, WriteAuditRecord);
                         });
               });
}

}  // namespace mileage::server
