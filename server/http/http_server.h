#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "server/http/client_address.h"
#include "server/http/guarded_server.h"
#include "server/http/metrics.h"

namespace mileage::server {

// A route as registered: method, the readable template ("/api/console/stores/{id}") and the
// regex httplib matches. Exposed so tests can enumerate every route.
struct RouteInfo {
  std::string method;
  std::string path_template;
};

// The HTTP server: cpp-httplib configured for throughput (DESIGN.md section 8: TCP_NODELAY, a
// worker pool sized by config, long keep-alive) and hardened (DESIGN.md section 7): request
// bodies bounded after decoding and refused with the connection closed, a deadline and a byte
// budget for reading each request, a limit on one client's connections, security headers on
// every response (GuardedHttplibServer, ReadRequestBody). A request id on every request (taken
// from a well-formed X-Request-Id header or generated, echoed back, and bound to the handler's
// log lines), JSON error bodies for every error, 404/405 for unknown routes and per-route
// metrics. Owned by the composition root. Register routes, then Bind, then Serve on one thread;
// Stop may be called from any thread.
class HttpServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  HttpServer(const Config& config, Metrics& metrics);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `path_template` segments in braces match one path segment: "/members/{id}" hands the
  // handler req.matches[1]; a final "{rest*}" matches the rest of the path, slashes included
  // (possibly empty). Must be called before Bind.
  void Route(std::string_view method, std::string_view path_template, Handler handler);

  // Binds the listening socket; returns the bound port (useful with port 0).
  // Unavailable when the address cannot be bound.
  Result<int> Bind(const ListenAddress& address);
  // Serves until Stop(); in-flight requests finish before it returns.
  void Serve();
  // Stops accepting; safe to call from any thread (and a signal-watching one) or twice.
  void Stop();

  const std::vector<RouteInfo>& routes() const { return routes_; }

  // The request's client address under the configured trusted_proxies (client_address.h):
  // what rate limits, audit records and logs should name.
  std::string ClientAddress(const httplib::Request& req) const {
    return server::ClientAddress(req, trusted_proxies_);
  }

 private:
  void ConfigureTransport();
  void InstallHooks();
  void AddConnectionMetrics();
  void InstallFallbacks();
  // Registers `handler` for a method whose requests carry a body: the body is read (bounded)
  // into the request before the handler runs.
  void RouteWithBody(std::string_view method, const std::string& regex, Handler handler);
  void FallbackHandler(const httplib::Request& req, httplib::Response& res);
  static void LogAccess(const httplib::Request& req, const httplib::Response& res,
                        std::chrono::nanoseconds latency);

  const Config& config_;
  Metrics& metrics_;
  const TrustedProxies trusted_proxies_;
  GuardedHttplibServer server_;
  std::vector<RouteInfo> routes_;
  std::vector<std::pair<std::string, std::regex>> route_regexes_;  // method, regex
  Metrics::RouteId unmatched_route_ = 0;
  std::mutex lifecycle_mutex_;
  bool stop_requested_ = false;
  bool serving_ = false;
  std::atomic<bool> serve_done_{false};
};

// The path template as the regex httplib matches: "{id}" becomes "([^/]+)", "{rest*}" "(.*)".
std::string PathTemplateToRegex(std::string_view path_template);

}  // namespace mileage::server
