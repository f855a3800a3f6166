#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/session_record.h"
#include "org/session_service.h"
#include "server/http/http_server.h"

namespace mileage::server {

// A console request that passed authentication: the HTTP request, its bearer token, the
// session, and the caller as an org::Actor (staff, request id, client address) for services.
struct ConsoleRequest {
  const httplib::Request& http;
  std::string_view token;
  const org::Session& session;
  org::Actor actor;
};

using ConsoleHandler = std::function<void(const ConsoleRequest&, httplib::Response&)>;

// A console route as registered: method, template and the declared action (nullopt only for
// the login route, the one console route without a session).
struct ConsoleRouteInfo {
  std::string method;
  std::string path_template;
  std::optional<org::Action> action;
};

// The one way to register /api/console/ routes. Route() requires the action the route performs,
// authenticates the bearer token (401 before the handler runs) and refuses a role that never
// has the action (403 before the handler runs, org::Authorizer::CheckRole; a refused write is
// audited as denied) before handing the handler the caller; the services the handler calls ask
// the org::Authorizer about the object. Every console response is marked Cache-Control:
// no-store. routes() lets a test check that no console route bypassed this class. Owned by the
// App; register at start-up, then safe for concurrent use by the HTTP threads.
class ConsoleRouter {
 public:
  static constexpr std::string_view kPrefix = "/api/console/";

  ConsoleRouter(HttpServer& http, org::SessionService& sessions, const org::Authorizer& authorizer,
                org::AuditedWriter& writer)
      : http_(http), sessions_(sessions), authorizer_(authorizer), writer_(writer) {}

  // An authenticated route. Errors answered before the handler: 401 MISSING_TOKEN (no
  // "Authorization: Bearer ..." header) and the SessionService::Authenticate errors; 503 when
  // the Kv or database is down; 403 PERMISSION_DENIED when the caller's role never has
  // `action`.
  void Route(std::string_view method, std::string_view path_template, org::Action action,
             ConsoleHandler handler);
  // POST `path_template` without a session: only the login route.
  void LoginRoute(std::string_view path_template, HttpServer::Handler handler);

  const std::vector<ConsoleRouteInfo>& routes() const { return routes_; }

  // The client address of a request (HttpServer::ClientAddress), for the login route.
  std::string ClientAddress(const httplib::Request& req) const { return http_.ClientAddress(req); }

 private:
  // The 403 of a role without the route's action; a write is audited as denied.
  void Refuse(const org::Actor& actor, org::Action action, std::string_view method,
              std::string_view path_template, httplib::Response& res);

  HttpServer& http_;
  org::SessionService& sessions_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  std::vector<ConsoleRouteInfo> routes_;
};

}  // namespace mileage::server
