#include "common/log.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {

namespace {

// {"username","password","brand_id"?}
struct LoginBody {
  std::string username;
  std::string password;
  std::optional<int64_t> brand_id;
};

Result<LoginBody> ParseLogin(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"username", "password", "brand_id"}));
  LoginBody login;
  MILEAGE_ASSIGN_OR_RETURN(login.username, RequiredString(body, "username"));
  MILEAGE_ASSIGN_OR_RETURN(login.password, RequiredString(body, "password"));
  if (body.HasMember("brand_id") && !body["brand_id"].IsNull()) {
    MILEAGE_ASSIGN_OR_RETURN(login.brand_id, RequiredId(body, "brand_id"));
  }
  return login;
}

}  // namespace

void RegisterSessionRoutes(ConsoleRouter& router, org::SessionService& sessions) {
  router.LoginRoute("/api/console/login", [&router, &sessions](const httplib::Request& req,
                                                               httplib::Response& res) {
    Result<LoginBody> body = ParseLogin(req);
    if (!body.ok()) return WriteError(res, body.status());
    const org::LoginRequest attempt{body->username, body->password, body->brand_id,
                                    router.ClientAddress(req), std::string(CurrentRequestId())};
    std::chrono::seconds retry_after{0};
    Result<org::LoginResult> result = sessions.Login(attempt, &retry_after);
    SetRetryAfter(res, result.status(), retry_after);
    Respond(res, result, 200, [](JsonWriter& w, const org::LoginResult& login) {
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
