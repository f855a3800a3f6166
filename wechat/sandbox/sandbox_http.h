#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mileage::wechat::sandbox {

// An HTTP request as the sandbox's handlers see it, independent of the HTTP library: the
// server that hosts the sandbox (server/sandbox_host.h) fills it in. A value type.
struct SandboxRequest {
  std::string method;
  std::string target;                    // path and query exactly as sent: what a merchant signs
  std::string path;                      // decoded path
  std::vector<std::string> path_params;  // the {placeholders} of the route, in order
  std::map<std::string, std::string> query;    // decoded; first value of each name
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
  // `name` in lower case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// What a handler answers. A value type.
struct SandboxResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// One route: method, path template ("/sandbox/deliveries/{id}") and handler. Handlers are safe
// to call concurrently.
struct SandboxRoute {
  std::string method;
  std::string path_template;
  std::function<SandboxResponse(const SandboxRequest&)> handler;
};

}  // namespace mileage::wechat::sandbox
