#include "server/mp/mp_router.h"

#include "server/http/bearer_token.h"
#include "server/http/client_address.h"

namespace mileage::server {

void MpRouter::Route(std::string_view method, std::string_view path_template, MpHandler handler) {
  routes_.push_back({std::string(method), std::string(path_template), true});
  http_.Route(
      method, path_template,
      [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        MarkPrivate(res);
        const std::string_view token = BearerToken(req);
        if (token.empty()) {
          return WriteAuthenticationError(
              res, UnauthenticatedError("send the member token as Authorization: Bearer "
                                        "<token> (POST /api/mp/login)",
                                        "MISSING_TOKEN"));
        }
        Result<members::MemberSession> session = sessions_.Authenticate(token);
        if (!session.ok()) return WriteAuthenticationError(res, session.status());
        handler(MpRequest{req, token, *session}, res);
      });
}

void MpRouter::LoginRoute(std::string_view path_template, HttpServer::Handler handler) {
  routes_.push_back({"POST", std::string(path_template), false});
  http_.Route("POST", path_template,
              [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
                MarkPrivate(res);
                handler(req, res);
              });
}

std::string MpRouter::ClientKey(const httplib::Request& req) const {
  const std::string address = http_.ClientAddress(req);
  std::optional<IpAddress> parsed = IpAddress::Parse(address);
  return parsed.has_value() ? ConnectionKey(*parsed) : address;
}

}  // namespace mileage::server
