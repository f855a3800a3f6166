#include <optional>
#include <string>
#include <utility>

#include "common/civil_time.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

// ?from= or ?to= as a day YYYY-MM-DD, nullopt when absent: INVALID_FIELD when malformed.
Result<std::optional<civil::Date>> QueryDate(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<civil::Date>();
  std::optional<civil::Date> day = civil::ParseDate(req.get_param_value(name));
  if (!day.has_value()) {
    return InvalidArgumentError(std::string(name) + " must be a day YYYY-MM-DD", "INVALID_FIELD");
  }
  return day;
}

// ?action=&staff_id=&object_type=&object_id=&outcome=&from=&to= (other parameters are ignored,
// as on every console list). Ids malformed: INVALID_ID; days malformed or a text parameter
// given empty: INVALID_FIELD. The values' rules are org::AuditService's.
Result<org::AuditQuery> ParseAuditQuery(const httplib::Request& req) {
  org::AuditQuery query;
  MILEAGE_ASSIGN_OR_RETURN(query.staff_id, QueryId(req, "staff_id"));
  MILEAGE_ASSIGN_OR_RETURN(query.object_id, QueryId(req, "object_id"));
  MILEAGE_ASSIGN_OR_RETURN(query.from, QueryDate(req, "from"));
  MILEAGE_ASSIGN_OR_RETURN(query.to, QueryDate(req, "to"));
  for (auto [name, text] :
       {std::pair{"action", &query.action}, std::pair{"object_type", &query.object_type},
        std::pair{"outcome", &query.outcome}}) {
    if (!req.has_param(name)) continue;
    *text = req.get_param_value(name);
    if (text->empty()) {
      return InvalidArgumentError(std::string(name) + " must not be empty", "INVALID_FIELD");
    }
  }
  return query;
}

}  // namespace

void RegisterAuditRoutes(ConsoleRouter& router, org::AuditService& audit) {
  router.Route("GET", "/api/console/audit", org::Action::kAuditRead,
               [&audit](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Result<org::AuditQuery> query = ParseAuditQuery(req.http);
                 if (!query.ok()) return WriteError(res, query.status());
                 Respond(res, audit.List(req.actor, *query, *page), 200,
                         [](JsonWriter& w, const PageOf<org::AuditRecord>& records) {
                           WritePage(w, records, WriteAuditRecord);
                         });
               });
}

}  // namespace mileage::server
