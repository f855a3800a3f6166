#include "server/mp/mp_routes.h"

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// {"appid","code"}: the appid comes in the body, not a header. Login is the one request that
// needs it (the session remembers it), it is checked with the rest of the body, and it is not
// a credential: WeChat binds the code to its app, so a wrong appid only fails code2Session.
struct LoginBody {
  std::string appid;
  std::string code;
};

Result<LoginBody> ParseLogin(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"appid", "code"}));
  LoginBody login;
  MILEAGE_ASSIGN_OR_RETURN(login.appid, RequiredString(body, "appid"));
  MILEAGE_ASSIGN_OR_RETURN(login.code, RequiredString(body, "code"));
  return login;
}

}  // namespace

void WriteOwnMember(JsonWriter& w, const members::Member& member) {
  w.StartObject();
  WriteInt(w, "id", member.id);
  WriteText(w, "number", member.number);
  WriteText(w, "tier", member.tier);
  WriteText(w, "status", member.status);
  WriteTime(w, "enrolled_at", member.created_at);
  w.EndObject();
}

void RegisterMemberSessionRoutes(MpRouter& router, members::MemberLogin& login,
                                 members::MemberSessions& sessions,
                                 members::MemberAccounts& accounts) {
  router.LoginRoute(
      "/api/mp/login", [&router, &login](const httplib::Request& req, httplib::Response& res) {
        Result<LoginBody> body = ParseLogin(req);
        if (!body.ok()) return WriteError(res, body.status());
        std::chrono::seconds retry_after{0};
        Result<members::MemberLoginResult> result =
            login.Login({body->appid, body->code, router.ClientKey(req)}, &retry_after);
        SetRetryAfter(res, result.status(), retry_after);
        Respond(res, result, 200, [](JsonWriter& w, const members::MemberLoginResult& done) {
          w.StartObject();
          WriteText(w, "token", done.token);
          WriteText(w, "expires_at", Rfc3339(done.session.expires_at));
          w.Key("member");
          WriteOwnMember(w, done.member);
          w.EndObject();
        });
      });

  router.Route("POST", "/api/mp/logout", [&sessions](const MpRequest& req, httplib::Response& res) {
    Status status = sessions.Logout(req.token);
    if (!status.ok()) return WriteError(res, status);
    res.status = 204;
  });

  router.Route("GET", "/api/mp/me", [&accounts](const MpRequest& req, httplib::Response& res) {
    Respond(res, accounts.Get(req.member().member_id), 200,
            [&req](JsonWriter& w, const members::Member& member) {
              w.StartObject();
              w.Key("member");
              WriteOwnMember(w, member);
              WriteText(w, "appid", req.member().appid);
              WriteText(w, "expires_at", Rfc3339(req.session.expires_at));
              w.EndObject();
            });
  });
}

}  // namespace mileage::server
