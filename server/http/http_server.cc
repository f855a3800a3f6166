#include "server/http/http_server.h"

#include <chrono>
#include <random>
#include <thread>

#include "common/log.h"
#include "common/random.h"
#include "server/http/error_mapping.h"
#include "server/http/request_body.h"
#include "server/http/worker_pool.h"

namespace mileage::server {
namespace {

using Clock = std::chrono::steady_clock;

// Pending connections the kernel queues for accept (capped by net.core.somaxconn).
constexpr int kListenBacklog = 1024;
// Workers above http_threads leave after this long without a connection to serve.
constexpr std::chrono::milliseconds kIdleWorkerTimeout{30000};
// The longest wait for the next byte of a request, or for room to send the response.
constexpr std::chrono::milliseconds kIoTimeout{10000};
// What the request line and headers of one request may take.
constexpr size_t kMaxHeaderBytes = 64 * 1024;

// Every response is JSON or text that no browser should render, frame or send a referrer from.
constexpr const char* kContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
// What an HTML response (a page served by a route) may load: its own origin only.
constexpr const char* kHtmlContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

httplib::Headers SecurityHeaders() {
  return {{"X-Content-Type-Options", "nosniff"},
          {"Content-Security-Policy", kContentSecurityPolicy},
          {"X-Frame-Options", "DENY"},
          {"Referrer-Policy", "no-referrer"}};
}

TrustedProxies TrustedProxiesOf(const Config& config) {
  Result<TrustedProxies> proxies = TrustedProxies::Parse(config.trusted_proxies);
  if (proxies.ok()) return std::move(proxies).value();
  // The config loader refuses bad entries; a Config built in code with one trusts no proxy
  // rather than a wrong one.
  MILEAGE_LOG(kError) << "trusted_proxies ignored: " << proxies.status().message();
  return TrustedProxies();
}

ConnectionLimits ConnectionLimitsOf(const Config& config) {
  ConnectionLimits limits;
  limits.stream.request_deadline = std::chrono::milliseconds(config.request_deadline_ms);
  limits.stream.io_timeout = kIoTimeout;
  limits.stream.max_header_bytes = kMaxHeaderBytes;
  // On the wire a body may be larger than decoded: chunk framing, incompressible data.
  limits.stream.max_body_wire_bytes = 2 * static_cast<size_t>(config.max_body_bytes);
  limits.keep_alive_max_count = static_cast<size_t>(config.keep_alive_max_count);
  limits.keep_alive_timeout = std::chrono::seconds(config.keep_alive_timeout_s);
  limits.max_connections_per_client = config.max_connections_per_client;
  return limits;
}

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
    case 408:
      return "REQUEST_TIMEOUT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 414:
      return "URI_TOO_LONG";
    case 416:
      return "RANGE_NOT_SATISFIABLE";
    case 431:
      return "HEADERS_TOO_LARGE";
    case 500:
      return "INTERNAL";
    case 503:
      return "UNAVAILABLE";
    default:
      return "HTTP_ERROR";
  }
}

std::string_view ErrorMessageForHttpStatus(int status) {
  switch (status) {
    case 400:
      return "the request could not be parsed";
    case 408:
      return "the request did not arrive within the request deadline";
    case 413:
      return "the request body exceeds the limit of this server";
    case 414:
      return "the request target is too long";
    case 431:
      return "the request headers are too large";
    default:
      return "the request could not be served";
  }
}

// Ends the connection once the current response is written: the rest of what the client sent
// is not going to be read.
void CloseConnectionAfterResponse(httplib::Response& res) {
  if (ServedConnection* connection = ServedConnection::Current()) connection->CloseAfterResponse();
  res.set_header("Connection", "close");
}

void RefuseBody(httplib::Response& res, const BodyRefusal& refusal) {
  CloseConnectionAfterResponse(res);
  res.status = refusal.http_status;
  res.set_content(ErrorBody(refusal.code, refusal.message), "application/json");
}

// Runs after the request id is assigned, before routing: methods the server does not implement
// (PRI, whose body httplib would read without a limit, among them) are refused, and a body
// sent with a method that has none is left unread, so the connection ends after the answer.
httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res) {
  const std::string& m = req.method;
  const bool with_body = m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE";
  if (!with_body && m != "GET" && m != "HEAD" && m != "OPTIONS") {
    CloseConnectionAfterResponse(res);
    res.status = 501;
    res.set_content(ErrorBody("NOT_IMPLEMENTED", "method " + m + " is not implemented"),
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (!with_body && AnnouncesBody(req)) CloseConnectionAfterResponse(res);
  return httplib::Server::HandlerResponse::Unhandled;
}

// Routes write their own JSON errors; this fills in httplib's own (a request it could not
// read: malformed, too long, cut off by the deadline or the byte budget), which also end the
// connection: what follows on it is not a request boundary httplib can trust.
httplib::Server::HandlerResponse FillHttplibError(const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  if (const ServedConnection* connection = ServedConnection::Current()) {
    if (connection->read_failure() == RequestStream::ReadFailure::kDeadline) res.status = 408;
    if (connection->read_failure() == RequestStream::ReadFailure::kTooLarge) res.status = 431;
  }
  CloseConnectionAfterResponse(res);
  res.set_content(
      ErrorBody(ErrorCodeForHttpStatus(res.status), ErrorMessageForHttpStatus(res.status)),
      "application/json");
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

std::string PathTemplateToRegex(std::string_view path_template) {
  std::string out;
  size_t i = 0;
  while (i < path_template.size()) {
    char c = path_template[i];
    if (c == '{') {
      size_t close = path_template.find('}', i);
      // "{rest*}" takes the rest of the path, slashes included (a static file tree).
      const bool rest =
          close != std::string_view::npos && close > i && path_template[close - 1] == '*';
      out += rest ? "(.*)" : "([^/]+)";
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
    : config_(config),
      metrics_(metrics),
      trusted_proxies_(TrustedProxiesOf(config)),
      server_(ConnectionLimitsOf(config), trusted_proxies_, SecurityHeaders()) {
  ConfigureTransport();
  InstallHooks();
  AddConnectionMetrics();
}

void HttpServer::ConfigureTransport() {
  const size_t threads = static_cast<size_t>(config_.http_threads);
  const size_t max_threads = static_cast<size_t>(config_.max_connections);
  server_.new_task_queue = [threads, max_threads] {
    return new WorkerPool(threads, max_threads, kIdleWorkerTimeout);
  };
  server_.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second instance silently share
  // (and steal traffic from) a busy port; an operator wants "address in use" instead.
  server_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // GuardedHttplibServer applies the keep-alive limits itself (ConnectionLimitsOf); httplib
  // only announces them in its Keep-Alive header. It also checks Content-Length against the
  // payload limit, which ReadRequestBody checks first.
  server_.set_keep_alive_max_count(static_cast<size_t>(config_.keep_alive_max_count));
  server_.set_keep_alive_timeout(config_.keep_alive_timeout_s);
  server_.set_payload_max_length(static_cast<size_t>(config_.max_body_bytes));
  server_.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    // A route that chose its own policy (the console's pages) keeps it.
    if (res.get_header_value("Content-Type").starts_with("text/html") &&
        res.get_header_value("Content-Security-Policy") == kContentSecurityPolicy) {
      res.headers.erase("Content-Security-Policy");
      res.set_header("Content-Security-Policy", kHtmlContentSecurityPolicy);
    }
  });
}

void HttpServer::InstallHooks() {
  unmatched_route_ = metrics_.RegisterRoute("ANY", "unmatched");
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request.active = true;
    t_request.start = Clock::now();
    t_request.route = unmatched_route_;
    std::string given = req.get_header_value("X-Request-Id");
    t_request.request_id = IsAcceptableRequestId(given) ? given : NewRequestId();
    res.set_header("X-Request-Id", t_request.request_id);
    metrics_.AddInFlight(1);
    return PreRoute(req, res);
  });
  server_.set_error_handler(httplib::Server::HandlerWithResponse(FillHttplibError));
  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        // Last resort: our code does not throw, but a library, a RapidJSON contract
        // (cmake/rapidjson_assert.h) or bad_alloc might.
        ScopedRequestId scoped(t_request.request_id);
        MILEAGE_LOG(kError) << "unhandled exception serving " << req.method << ' ' << req.path
                            << ": " << DescribeException(error);
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

void HttpServer::AddConnectionMetrics() {
  const GuardedHttplibServer* server = &server_;
  metrics_.AddGauge("mileage_http_connections_open", "HTTP connections being served.",
                    [server] { return static_cast<double>(server->open_connections()); });
  metrics_.AddCounter(
      "mileage_http_connections_refused_total",
      "Connections refused because their client address held max_connections_per_client.",
      [server] { return static_cast<double>(server->refused_connections()); });
  metrics_.AddCounter("mileage_http_requests_cut_off_total",
                      "Requests whose reading passed request_deadline_ms or the byte budget.",
                      [server] { return static_cast<double>(server->cut_off_requests()); });
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
  Handler wrapped = [id, handler = std::move(handler)](const httplib::Request& req,
                                                       httplib::Response& res) {
    t_request.route = id;
    ScopedRequestId scoped(t_request.request_id);
    handler(req, res);
  };
  if (method == "GET") {
    server_.Get(regex, std::move(wrapped));
  } else {
    RouteWithBody(method, regex, std::move(wrapped));
  }
}

void HttpServer::RouteWithBody(std::string_view method, const std::string& regex, Handler handler) {
  const size_t max_bytes = static_cast<size_t>(config_.max_body_bytes);
  httplib::Server::HandlerWithContentReader reading =
      [max_bytes, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                                const httplib::ContentReader& reader) {
        std::string body;
        if (std::optional<BodyRefusal> refusal = ReadRequestBody(req, reader, max_bytes, &body)) {
          return RefuseBody(res, *refusal);
        }
        // httplib hands content-reader handlers its own (non-const) Request as const; the body
        // goes in once, before the route sees the request, as httplib does for other handlers.
        const_cast<httplib::Request&>(req).body = std::move(body);
        handler(req, res);
      };
  if (method == "POST") {
    server_.Post(regex, std::move(reading));
  } else if (method == "PUT") {
    server_.Put(regex, std::move(reading));
  } else if (method == "PATCH") {
    server_.Patch(regex, std::move(reading));
  } else if (method == "DELETE") {
    server_.Delete(regex, std::move(reading));
  }
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
  server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    FallbackHandler(req, res);
  });
  // Unknown routes of the body methods never read the body: the connection closes instead.
  httplib::Server::HandlerWithContentReader unread =
      [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
        if (AnnouncesBody(req)) CloseConnectionAfterResponse(res);
        FallbackHandler(req, res);
      };
  server_.Post(".*", unread);
  server_.Put(".*", unread);
  server_.Patch(".*", unread);
  server_.Delete(".*", unread);
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
  server_.WakeIdleConnections();
}

}  // namespace mileage::server
