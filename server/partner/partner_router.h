#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "members/partner_identities.h"
#include "org/types.h"
#include "points/ledger.h"
#include "points/partner_points.h"
#include "points/partner_reports.h"
#include "server/http/http_server.h"
#include "server/partner/partner_authenticator.h"

namespace mileage::server {

// A partner request that passed PartnerAuthenticator: the HTTP request and the partner that
// signed it, the only partner the handler may act for.
struct PartnerRequest {
  const httplib::Request& http;
  const org::Partner& partner;
};

using PartnerHandler = std::function<void(const PartnerRequest&, httplib::Response&)>;

// A partner route as registered.
struct PartnerRouteInfo {
  std::string method;
  std::string path_template;
};

// The one way to register /api/partner/ routes. Route() authenticates the request's signature
// (PartnerAuthenticator: 401 with its codes, 503 when the database or Kv is down) before the
// handler runs; every response is marked Cache-Control: no-store. routes() lets a test check
// that no /api/partner/ route bypassed this class. Owned by the composition root; register at
// start-up, then safe for concurrent use by the HTTP threads.
class PartnerRouter {
 public:
  static constexpr std::string_view kPrefix = "/api/partner/";

  PartnerRouter(HttpServer& http, const PartnerAuthenticator& authenticator)
      : http_(http), authenticator_(authenticator) {}

  void Route(std::string_view method, std::string_view path_template, PartnerHandler handler);

  const std::vector<PartnerRouteInfo>& routes() const { return routes_; }

 private:
  HttpServer& http_;
  const PartnerAuthenticator& authenticator_;
  std::vector<PartnerRouteInfo> routes_;
};

// The services the partner API's routes call; owned by the composition root.
struct PartnerApi {
  members::PartnerIdentities& identities;
  points::PartnerPoints& points;
  points::MemberPoints& balances;
  points::PartnerReports& reports;
  const Clock& clock;
};

// The partner API's routes (docs/API.md "Partner API"). `api` must outlive the router.
void RegisterPartnerApiRoutes(PartnerRouter& router, const PartnerApi& api);

}  // namespace mileage::server
