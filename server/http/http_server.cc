#include "server/http/http_server.h"

#include <chrono>
#include <random>
#include <thread>

#include "common/log.h"
#include "common/random.h"
#include "server/http/error_mapping.h"

namespace mileage::server {
namespace {

using Clock = std::chrono::steady_clock;

// Pending connections the kernel queues for accept (capped by net.core.somaxconn).
constexpr int kListenBacklog = 1024;

// What the pre-routing hook learned about the request this thread is serving; httplib runs
// pre-routing, the handler and the logger of one request on one thread.
struct RequestState {
  bool active = false;
  Clock::time_point start;
  Metrics::RouteId route = 0;
  std::string request_id;
};
thread_local RequestState t_request;

bool IsAcceptableRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// 16 hex characters from a per-thread generator seeded once from the OS: ids only need to be
// unique enough to find a request in the logs, not unguessable.
std::string NewRequestId() {
  thread_local std::mt19937_64 engine = [] {
    uint64_t seed = 0;
    OsRandom().Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&seed), sizeof seed));
    return std::mt19937_64(seed);
  }();
  static constexpr char kDigits[] = "0123456789abcdef";
  uint64_t v = engine();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<size_t>(i)] = kDigits[v & 0xF];
  return id;
}

std::string_view ErrorCodeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 414:
      return "URI_TOO_LONG";
    case 416:
      return "RANGE_NOT_SATISFIABLE";
    case 500:
      return "INTERNAL";
    case 503:
      return "UNAVAILABLE";
    default:
      return "HTTP_ERROR";
  }
}

}  // namespace

std::string PathTemplateToRegex(std::string_view path_template) {
  std::string out;
  size_t i = 0;
  while (i < path_template.size()) {
    char c = path_template[i];
    if (c == '{') {
      size_t close = path_template.find('}', i);
      out += "([^/]+)";
      i = close == std::string_view::npos ? path_template.size() : close + 1;
      continue;
    }
    if (std::string_view(".[]()*+?^$|\\").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
    ++i;
  }
  return out;
}

HttpServer::HttpServer(const Config& config, Metrics& metrics)
    : config_(config), metrics_(metrics) {
  // The config loader refused bad entries already; a Config built in code with one trusts no
  // proxy rather than a wrong one.
  Result<TrustedProxies> proxies = TrustedProxies::Parse(config_.trusted_proxies);
  if (proxies.ok()) {
    trusted_proxies_ = std::move(proxies).value();
  } else {
    MILEAGE_LOG(kError) << "trusted_proxies ignored: " << proxies.status().message();
  }
  size_t threads = static_cast<size_t>(config_.http_threads);
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second instance silently share
  // (and steal traffic from) a busy port; an operator wants "address in use" instead.
  server_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_.set_keep_alive_max_count(static_cast<size_t>(config_.keep_alive_max_count));
  server_.set_keep_alive_timeout(config_.keep_alive_timeout_s);
  server_.set_read_timeout(10, 0);
  server_.set_write_timeout(10, 0);
  server_.set_payload_max_length(static_cast<size_t>(config_.max_body_bytes));
  unmatched_route_ = metrics_.RegisterRoute("ANY", "unmatched");

  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request.active = true;
    t_request.start = Clock::now();
    t_request.route = unmatched_route_;
    std::string given = req.get_header_value("X-Request-Id");
    t_request.request_id = IsAcceptableRequestId(given) ? given : NewRequestId();
    res.set_header("X-Request-Id", t_request.request_id);
    metrics_.AddInFlight(1);
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server_.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        // Routes write their own JSON errors; this fills in httplib's own (413, 414, 400...).
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message = res.status == 413 ? "request body exceeds the limit of this server"
                                                : "the request could not be served";
        res.set_content(ErrorBody(ErrorCodeForHttpStatus(res.status), message), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }));

  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        // Last resort: our code does not throw, but a library or bad_alloc might.
        std::string what = "unknown exception";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        MILEAGE_LOG(kError) << "unhandled exception serving " << req.method << ' ' << req.path
                            << ": " << what;
        res.status = 500;
        res.set_content(ErrorBody("INTERNAL", "internal error; see the server log"),
                        "application/json");
      });

  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    if (!t_request.active) {
      // httplib refused the request before routing (malformed request line, URI too long).
      metrics_.Record(unmatched_route_, res.status, std::chrono::nanoseconds(0));
      return;
    }
    auto latency = Clock::now() - t_request.start;
    metrics_.Record(t_request.route, res.status, latency);
    metrics_.AddInFlight(-1);
    if (res.status >= 500 || GetLogLevel() == LogLevel::kDebug) {
      ScopedRequestId scoped(t_request.request_id);
      LogAccess(req, res, latency);
    }
    t_request.active = false;
  });
}

void HttpServer::LogAccess(const httplib::Request& req, const httplib::Response& res,
                           std::chrono::nanoseconds latency) {
  if (res.status >= 500) {
    MILEAGE_LOG(kWarn) << req.method << ' ' << req.path << " -> " << res.status;
  } else {
    MILEAGE_LOG(kDebug) << req.method << ' ' << req.path << " -> " << res.status << " in "
                        << std::chrono::duration_cast<std::chrono::microseconds>(latency).count()
                        << "us";
  }
}

void HttpServer::Route(std::string_view method, std::string_view path_template, Handler handler) {
  std::string regex = PathTemplateToRegex(path_template);
  Metrics::RouteId id = metrics_.RegisterRoute(std::string(method), std::string(path_template));
  routes_.push_back({std::string(method), std::string(path_template)});
  route_regexes_.emplace_back(std::string(method), std::regex(regex));
  auto wrapped = [id, handler = std::move(handler)](const httplib::Request& req,
                                                    httplib::Response& res) {
    t_request.route = id;
    ScopedRequestId scoped(t_request.request_id);
    handler(req, res);
  };
  if (method == "GET")
    server_.Get(regex, wrapped);
  else if (method == "POST")
    server_.Post(regex, wrapped);
  else if (method == "PUT")
    server_.Put(regex, wrapped);
  else if (method == "PATCH")
    server_.Patch(regex, wrapped);
  else if (method == "DELETE")
    server_.Delete(regex, wrapped);
}

void HttpServer::FallbackHandler(const httplib::Request& req, httplib::Response& res) {
  for (const auto& [method, regex] : route_regexes_) {
    if (method != req.method && std::regex_match(req.path, regex)) {
      res.status = 405;
      res.set_content(
          ErrorBody("METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path),
          "application/json");
      return;
    }
  }
  res.status = 404;
  res.set_content(ErrorBody("NOT_FOUND", "no route for " + req.method + " " + req.path),
                  "application/json");
}

void HttpServer::InstallFallbacks() {
  auto fallback = [this](const httplib::Request& req, httplib::Response& res) {
    FallbackHandler(req, res);
  };
  server_.Get(".*", fallback);
  server_.Post(".*", fallback);
  server_.Put(".*", fallback);
  server_.Patch(".*", fallback);
  server_.Delete(".*", fallback);
}

Result<int> HttpServer::Bind(const ListenAddress& address) {
  InstallFallbacks();
  int port = address.port;
  if (port == 0) {
    port = server_.bind_to_any_port(address.host);
    if (port < 0) return UnavailableError("cannot bind " + address.host + ":0");
  } else if (!server_.bind_to_port(address.host, port)) {
    return UnavailableError("cannot bind " + address.host + ":" + std::to_string(port) +
                            " (in use, or not an address of this machine)");
  }
  server_.RaiseListenBacklog(kListenBacklog);
  return port;
}

void HttpServer::Serve() {
  {
    std::lock_guard lock(lifecycle_mutex_);
    if (stop_requested_) return;
    serving_ = true;
  }
  server_.listen_after_bind();
  serve_done_ = true;
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(lifecycle_mutex_);
    stop_requested_ = true;
    if (!serving_) return;  // Serve will see the flag and return at once
  }
  // httplib's stop() is a no-op until listen has marked itself running; wait for that moment.
  while (!server_.is_running() && !serve_done_) std::this_thread::yield();
  server_.stop();
}

}  // namespace mileage::server
