#include "server/console/console_router.h"

#include "common/log.h"
#include "server/http/bearer_token.h"
#include "server/http/json.h"

namespace mileage::server {

void ConsoleRouter::Refuse(const org::Actor& actor, org::Action action, std::string_view method,
                           std::string_view path_template, httplib::Response& res) {
  const std::string_view name = org::ActionName(action);
  Status refusal =
      PermissionDeniedError("your role may not do " + std::string(name) + " (" +
                            std::string(method) + " " + std::string(path_template) + ")");
  if (!org::IsReadAction(action)) {
    org::AuditRecord base;
    base.action = std::string(name);
    base.object_type = std::string(name.substr(0, name.find('.')));
    refusal = writer_.Refuse(actor, base, std::move(refusal));
  }
  WriteError(res, refusal);
}

void ConsoleRouter::Route(std::string_view method, std::string_view path_template,
                          org::Action action, ConsoleHandler handler) {
  routes_.push_back({std::string(method), std::string(path_template), action});
  http_.Route(
      method, path_template,
      [this, action, method = std::string(method), path_template = std::string(path_template),
       handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        MarkPrivate(res);
        const std::string_view token = BearerToken(req);
        if (token.empty()) {
          return WriteAuthenticationError(
              res, UnauthenticatedError("send the session token as Authorization: Bearer "
                                        "<token> (POST /api/console/login)",
                                        "MISSING_TOKEN"));
        }
        Result<org::Session> session = sessions_.Authenticate(token);
        if (!session.ok()) return WriteAuthenticationError(res, session.status());
        ConsoleRequest request{
            req, token, *session,
            org::Actor::ForStaff(session->principal, std::string(CurrentRequestId()),
                                 http_.ClientAddress(req))};
        if (!authorizer_.CheckRole(request.actor, action).ok()) {
          return Refuse(request.actor, action, method, path_template, res);
        }
        handler(request, res);
      });
}

void ConsoleRouter::LoginRoute(std::string_view path_template, HttpServer::Handler handler) {
  routes_.push_back({"POST", std::string(path_template), std::nullopt});
  http_.Route("POST", path_template,
              [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
                MarkPrivate(res);
                handler(req, res);
              });
}

}  // namespace mileage::server
