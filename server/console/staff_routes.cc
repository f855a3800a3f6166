#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

// {"username","password","role","scope":{"type","id"}}
Result<org::NewStaff> ParseNewStaff(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"username", "password", "role", "scope"}));
  org::NewStaff staff;
  MILEAGE_ASSIGN_OR_RETURN(staff.username, RequiredString(body, "username"));
  MILEAGE_ASSIGN_OR_RETURN(staff.password, RequiredString(body, "password"));
  MILEAGE_ASSIGN_OR_RETURN(staff.role, RequiredString(body, "role"));
  auto scope = body.FindMember("scope");
  if (scope == body.MemberEnd() || scope->value.IsNull()) {
    return InvalidArgumentError("field \"scope\" is required", "MISSING_FIELD");
  }
  if (!scope->value.IsObject()) {
    return InvalidArgumentError("scope must be {\"type\":...,\"id\":...}", "INVALID_SCOPE");
  }
  MILEAGE_ASSIGN_OR_RETURN(staff.scope_type, RequiredString(scope->value, "type"));
  MILEAGE_ASSIGN_OR_RETURN(staff.scope_id, RequiredId(scope->value, "id"));
  return staff;
}

}  // namespace

void RegisterStaffRoutes(ConsoleRouter& router, org::StaffService& staff) {
  router.Route("POST", "/api/console/staff", org::Action::kStaffWrite,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<org::NewStaff> account = ParseNewStaff(req.http);
                 if (!account.ok()) return WriteError(res, account.status());
                 Respond(res, staff.Create(req.actor, *account), 201, WriteStaff);
               });

  router.Route("GET", "/api/console/staff", org::Action::kStaffRead,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, staff.List(req.actor, *page), 200,
                         [](JsonWriter& w, const PageOf<org::Staff>& list) {
                           WritePage(w, list, WriteStaff);
                         });
               });

  router.Route("GET", "/api/console/staff/{id}", org::Action::kStaffRead,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, staff.Get(req.actor, *id), 200, WriteStaff);
               });

  router.Route("POST", "/api/console/staff/{id}/deactivate", org::Action::kStaffWrite,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, staff.Deactivate(req.actor, *id), 200, WriteStaff);
               });
}

}  // namespace mileage::server
