#include "wechat/client/api_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

using SteadyClock = std::chrono::steady_clock;

// True when httplib failed before the request could reach the server.
bool FailedBeforeSending(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::BindIPAddress:
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::ConnectionTimeout:
      return true;
    default:
      return false;
  }
}

// The path without its query: targets carry secrets and tokens in the query, logs must not.
std::string_view LoggablePath(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string HttpReply::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

Result<BaseUrl> ParseBaseUrl(std::string_view url) {
  auto bad = [&url](const char* why) {
    return InvalidArgumentError("base URL \"" + std::string(url) + "\" " + why,
                                reason::kBadBaseUrl);
  };
  BaseUrl out;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    out.scheme = "https";
    out.port = 443;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    out.scheme = "http";
    out.port = 80;
    rest.remove_prefix(7);
  } else {
    return bad("must start with http:// or https://");
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return bad("must be scheme://host[:port] without a path");
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("has an unterminated [IPv6] host");
    out.host = std::string(rest.substr(0, close + 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("has junk after the host");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("has an empty port");
    }
  } else {
    size_t colon = rest.find(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return bad("has an empty port");
    }
  }
  if (out.host.empty()) return bad("has no host");
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return bad("has a bad port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return bad("has a bad port");
    out.port = port;
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// Idle keep-alive connections to one host. A connection is used by one call at a time.
class ApiClient::Pool {
 public:
  Pool(std::string base_url, const ApiClientOptions& options)
      : base_url_(std::move(base_url)), options_(options) {}

  std::unique_ptr<httplib::Client> Acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<httplib::Client> client = std::move(idle_.back());
        idle_.pop_back();
        return client;
      }
    }
    auto client = std::make_unique<httplib::Client>(base_url_);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    client->set_url_encode(false);  // targets arrive encoded (UrlEncode) and signed as sent
    if (!options_.ca_cert_path.empty()) client->set_ca_cert_path(options_.ca_cert_path);
    return client;
  }

  void Release(std::unique_ptr<httplib::Client> client) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < static_cast<size_t>(std::max(0, options_.max_idle_connections))) {
      idle_.push_back(std::move(client));
    }
  }

  const std::string& base_url() const { return base_url_; }

 private:
  const std::string base_url_;
  const ApiClientOptions& options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
};

Result<std::unique_ptr<ApiClient>> ApiClient::Create(ApiClientOptions options,
                                                     RandomSource& random) {
  MILEAGE_ASSIGN_OR_RETURN(BaseUrl api, ParseBaseUrl(options.api_base_url));
  MILEAGE_ASSIGN_OR_RETURN(BaseUrl pay, ParseBaseUrl(options.pay_base_url));
  if (options.max_attempts < 1) return InvalidArgumentError("max_attempts must be at least 1");
  if (options.connect_timeout.count() <= 0 || options.read_timeout.count() <= 0 ||
      options.initial_backoff.count() < 0 || options.max_backoff.count() < 0) {
    return InvalidArgumentError("timeouts must be positive and backoffs not negative");
  }
  auto normalized = [](const BaseUrl& url) {
    return url.scheme + "://" + url.host + ":" + std::to_string(url.port);
  };
  std::unique_ptr<ApiClient> client(new ApiClient(std::move(options), random));
  client->api_pool_ = std::make_unique<Pool>(normalized(api), client->options_);
  client->pay_pool_ = std::make_unique<Pool>(normalized(pay), client->options_);
  return client;
}

ApiClient::ApiClient(ApiClientOptions options, RandomSource& random)
    : options_(std::move(options)), random_(random) {}

ApiClient::~ApiClient() = default;

const std::string& ApiClient::base_url(Host host) const {
  return host == Host::kApi ? api_pool_->base_url() : pay_pool_->base_url();
}

std::chrono::milliseconds ApiClient::Backoff(int retry) {
  int64_t base = options_.initial_backoff.count();
  for (int i = 1; i < retry && base < options_.max_backoff.count(); ++i) base *= 2;
  base = std::min<int64_t>(base, options_.max_backoff.count());
  if (base <= 1) return std::chrono::milliseconds(base);
  uint32_t r = 0;
  random_.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&r), sizeof r));
  int64_t half = base / 2;
  return std::chrono::milliseconds(half +
                                   static_cast<int64_t>(r % static_cast<uint32_t>(half + 1)));
}

Result<HttpReply> ApiClient::Send(const HttpCall& call) {
  Pool& pool = call.host == Host::kApi ? *api_pool_ : *pay_pool_;
  httplib::Request request;
  request.method = call.method;
  request.path = call.target;
  request.body = call.body;
  request.set_header("Accept", "application/json");
  request.set_header("User-Agent", "mileage/1 (+cpp-httplib)");
  if (!call.body.empty() || call.method == "POST") {
    request.set_header("Content-Type", call.content_type);
  }
  for (const auto& [name, value] : call.headers) request.set_header(name, value);

  const bool idempotent = call.idempotency == Idempotency::kIdempotent;
  std::string last_problem = "no attempt was made before the deadline";
  bool last_was_5xx = false;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto connect_timeout = options_.connect_timeout;
    auto read_timeout = options_.read_timeout;
    if (call.deadline) {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(*call.deadline -
                                                                             SteadyClock::now());
      if (remaining.count() <= 0) break;
      connect_timeout = std::min(connect_timeout, remaining);
      read_timeout = std::min(read_timeout, remaining);
    }
    std::unique_ptr<httplib::Client> client = pool.Acquire();
    client->set_connection_timeout(connect_timeout);
    client->set_read_timeout(read_timeout);
    client->set_write_timeout(read_timeout);
    httplib::Result result = client->send(request);
    bool retryable = false;
    if (!result) {
      httplib::Error error = result.error();
      last_problem = "network error: " + httplib::to_string(error);
      last_was_5xx = false;
      retryable = idempotent || FailedBeforeSending(error);
    } else if (result->status >= 500) {
      last_problem = "HTTP " + std::to_string(result->status);
      last_was_5xx = true;
      retryable = idempotent;
      pool.Release(std::move(client));
    } else {
      HttpReply reply;
      reply.status = result->status;
      reply.body = std::move(result->body);
      for (const auto& [name, value] : result->headers) reply.headers.emplace(Lower(name), value);
      pool.Release(std::move(client));
      return reply;
    }
    if (!retryable || attempt == options_.max_attempts) break;
    std::chrono::milliseconds pause = Backoff(attempt);
    if (call.deadline && SteadyClock::now() + pause >= *call.deadline) break;
    MILEAGE_LOG(kWarn) << "WeChat " << call.method << ' ' << LoggablePath(call.target) << ": "
                       << last_problem << "; retry " << attempt << " in " << pause.count() << " ms";
    std::this_thread::sleep_for(pause);
  }
  std::string message = "WeChat " + call.method + " " + std::string(LoggablePath(call.target)) +
                        " failed: " + last_problem;
  if (last_was_5xx) return UnavailableError(std::move(message), reason::kServerError);
  return UnavailableError(std::move(message), reason::kUnreachable);
}

}  // namespace mileage::wechat::client
