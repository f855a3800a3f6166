#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

// {"type","id"} of a staff body's "scope": MISSING_FIELD when absent, INVALID_SCOPE when not an
// object, UNKNOWN_FIELD for another member.
Status ParseScope(const rapidjson::Value& body, std::string* type, int64_t* id) {
  auto scope = body.FindMember("scope");
  if (scope == body.MemberEnd() || scope->value.IsNull()) {
    return InvalidArgumentError("field \"scope\" is required", "MISSING_FIELD");
  }
  if (!scope->value.IsObject()) {
    return InvalidArgumentError("scope must be {\"type\":...,\"id\":...}", "INVALID_SCOPE");
  }
  MILEAGE_RETURN_IF_ERROR(CheckMembers(scope->value, {"type", "id"}, "scope"));
  MILEAGE_ASSIGN_OR_RETURN(*type, RequiredString(scope->value, "type"));
  MILEAGE_ASSIGN_OR_RETURN(*id, RequiredId(scope->value, "id"));
  return Status::Ok();
}

// {"username","password","role","scope":{"type","id"}}
Result<org::NewStaff> ParseNewStaff(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"username", "password", "role", "scope"}));
  org::NewStaff staff;
  MILEAGE_ASSIGN_OR_RETURN(staff.username, RequiredString(body, "username"));
  MILEAGE_ASSIGN_OR_RETURN(staff.password, RequiredString(body, "password"));
  MILEAGE_ASSIGN_OR_RETURN(staff.role, RequiredString(body, "role"));
  MILEAGE_RETURN_IF_ERROR(ParseScope(body, &staff.scope_type, &staff.scope_id));
  return staff;
}

// {"role"?, "scope"?:{"type","id"}}
Result<org::StaffChange> ParseStaffChange(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"role", "scope"}));
  org::StaffChange change;
  MILEAGE_ASSIGN_OR_RETURN(change.role, OptionalString(body, "role"));
  if (body.HasMember("scope") && !body["scope"].IsNull()) {
    std::string type;
    MILEAGE_RETURN_IF_ERROR(ParseScope(body, &type, &change.scope_id));
    change.scope_type = std::move(type);
  }
  return change;
}

// {"password"}
Result<std::string> ParseNewPassword(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"password"}));
  return RequiredString(body, "password");
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

  router.Route("PATCH", "/api/console/staff/{id}", org::Action::kStaffWrite,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<org::StaffChange> change = ParseStaffChange(req.http);
                 if (!change.ok()) return WriteError(res, change.status());
                 Respond(res, staff.Change(req.actor, *id, *change), 200, WriteStaff);
               });

  router.Route("POST", "/api/console/staff/{id}/password", org::Action::kStaffWrite,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<std::string> password = ParseNewPassword(req.http);
                 if (!password.ok()) return WriteError(res, password.status());
                 Respond(res, staff.ResetPassword(req.actor, *id, *password), 200, WriteStaff);
               });

  router.Route("POST", "/api/console/staff/{id}/deactivate", org::Action::kStaffWrite,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, staff.Deactivate(req.actor, *id), 200, WriteStaff);
               });

  router.Route("POST", "/api/console/staff/{id}/reactivate", org::Action::kStaffWrite,
               [&staff](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, staff.Reactivate(req.actor, *id), 200, WriteStaff);
               });
}

}  // namespace mileage::server
