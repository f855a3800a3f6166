#include "common/log.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {

void RegisterSessionRoutes(ConsoleRouter& router, org::SessionService& sessions) {
  router.LoginRoute("/api/console/login", [&sessions](const httplib::Request& req,
                                                      httplib::Response& res) {
    Result<rapidjson::Document> body = ParseBody(req, {"username", "password"});
    if (!body.ok()) return WriteError(res, body.status());
    Result<std::string> username = RequiredString(*body, "username");
    if (!username.ok()) return WriteError(res, username.status());
    Result<std::string> password = RequiredString(*body, "password");
    if (!password.ok()) return WriteError(res, password.status());
    Respond(res,
            sessions.Login(*username, *password, req.remote_addr, std::string(CurrentRequestId())),
            200, [](JsonWriter& w, const org::LoginResult& login) {
              w.StartObject();
              w.Key("token");
              WriteString(w, login.token);
              w.Key("expires_at");
              WriteString(w, Rfc3339(login.session.expires_at));
              w.Key("staff");
              WritePrincipal(w, login.session.principal);
              w.EndObject();
            });
  });

  router.Route("POST", "/api/console/logout", org::Action::kSelf,
               [&sessions](const ConsoleRequest& req, httplib::Response& res) {
                 Status status = sessions.Logout(req.actor, req.token);
                 if (!status.ok()) return WriteError(res, status);
                 res.status = 204;
               });

  router.Route("GET", "/api/console/me", org::Action::kSelf,
               [](const ConsoleRequest& req, httplib::Response& res) {
                 WriteJson(res, 200, [&](JsonWriter& w) {
                   w.StartObject();
                   w.Key("staff");
                   WritePrincipal(w, req.session.principal);
                   w.Key("expires_at");
                   WriteString(w, Rfc3339(req.session.expires_at));
                   w.EndObject();
                 });
               });
}

}  // namespace mileage::server
