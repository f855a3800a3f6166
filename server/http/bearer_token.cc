#include "server/http/bearer_token.h"

#include <strings.h>

#include "server/http/json.h"

namespace mileage::server {

std::string_view BearerToken(const httplib::Request& req) {
  auto it = req.headers.find("Authorization");
  if (it == req.headers.end()) return {};
  std::string_view value = it->second;
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      strncasecmp(value.data(), kScheme.data(), kScheme.size()) != 0) {
    return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

void MarkPrivate(httplib::Response& res) { res.set_header("Cache-Control", "no-store"); }

void WriteAuthenticationError(httplib::Response& res, const Status& status) {
  if (status.code() == StatusCode::kUnauthenticated) {
    res.set_header("WWW-Authenticate", "Bearer");
  }
  WriteError(res, status);
}

}  // namespace mileage::server
