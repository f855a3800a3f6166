#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "members/member_sessions.h"
#include "server/http/http_server.h"

namespace mileage::server {

// A member request that passed authentication: the HTTP request, its bearer token and the
// session, whose principal is the only member the handler may act for (a handler never takes a
// member id from the request).
struct MpRequest {
  const httplib::Request& http;
  std::string_view token;
  const members::MemberSession& session;

  const members::MemberPrincipal& member() const { return session.member; }
};

using MpHandler = std::function<void(const MpRequest&, httplib::Response&)>;

// A member route as registered: method, template, and whether it takes a session (false only
// for the login route).
struct MpRouteInfo {
  std::string method;
  std::string path_template;
  bool authenticated = true;
};

// The one way to register /api/mp/ routes (the mini-program's member API). Route()
// authenticates the bearer token with members::MemberSessions before the handler runs (401
// otherwise) and hands the handler the member; every response is marked Cache-Control:
// no-store. routes() lets a test check that no /api/mp/ route bypassed this class. Owned by the
// composition root; register at start-up, then safe for concurrent use by the HTTP threads.
class MpRouter {
 public:
  static constexpr std::string_view kPrefix = "/api/mp/";

  MpRouter(HttpServer& http, members::MemberSessions& sessions)
      : http_(http), sessions_(sessions) {}

  // An authenticated route. Errors answered before the handler: 401 MISSING_TOKEN (no
  // "Authorization: Bearer ..." header) and the MemberSessions::Authenticate errors (401, or
  // 503 when the Kv or database is down).
  void Route(std::string_view method, std::string_view path_template, MpHandler handler);
  // POST `path_template` without a session: only the login route.
  void LoginRoute(std::string_view path_template, HttpServer::Handler handler);

  const std::vector<MpRouteInfo>& routes() const { return routes_; }

  // What per-client limits count a request by: its client address (HttpServer::ClientAddress,
  // so behind trusted_proxies the forwarded one), an IPv6 address by its /64.
  std::string ClientKey(const httplib::Request& req) const;

 private:
  HttpServer& http_;
  members::MemberSessions& sessions_;
  std::vector<MpRouteInfo> routes_;
};

}  // namespace mileage::server
