#include "server/partner/partner_router.h"

#include "server/http/bearer_token.h"
#include "server/http/json.h"

namespace mileage::server {

void PartnerRouter::Route(std::string_view method, std::string_view path_template,
                          PartnerHandler handler) {
  routes_.push_back({std::string(method), std::string(path_template)});
  http_.Route(
      method, path_template,
      [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        MarkPrivate(res);
        Result<org::Partner> partner = authenticator_.Authenticate(req);
        if (!partner.ok()) return WriteError(res, partner.status());
        handler(PartnerRequest{req, *partner}, res);
      });
}

}  // namespace mileage::server
