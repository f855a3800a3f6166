#pragma once

#include <httplib.h>

#include <string_view>

#include "common/status.h"

namespace mileage::server {

// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive); empty when
// the header is absent or uses another scheme.
std::string_view BearerToken(const httplib::Request& req);

// Cache-Control: no-store, for every response of a route that takes or gives a session token.
void MarkPrivate(httplib::Response& res);

// Writes the error of a failed authentication; a 401 also carries WWW-Authenticate: Bearer.
void WriteAuthenticationError(httplib::Response& res, const Status& status);

}  // namespace mileage::server
