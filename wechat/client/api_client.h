#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/random.h"
#include "common/result.h"

namespace mileage::wechat::client {

// Where WeChat lives and how patiently to talk to it. The base URLs are the production hosts;
// development and tests point both at a sandbox ("http://127.0.0.1:9090"). A value type.
struct ApiClientOptions {
  // The mini-program / official-account API (code2Session, stable_token, ...).
  std::string api_base_url = "https://api.weixin.qq.com";
  // The merchant API (Pay API v3).
  std::string pay_base_url = "https://api.mch.weixin.qq.com";
  std::chrono::milliseconds connect_timeout{2000};
  // Bounds each read and write of one attempt.
  std::chrono::milliseconds read_timeout{5000};
  // Attempts per call, the first included (1 = never retry).
  int max_attempts = 3;
  // Backoff before retry n (n = 1, 2, ...): initial_backoff * 2^(n-1), capped at max_backoff,
  // times a random factor in [0.5, 1].
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{2000};
  // Idle keep-alive connections kept per host.
  int max_idle_connections = 8;
  // PEM bundle of trusted CAs for https; empty = the system's default store.
  std::string ca_cert_path;
};

// Which configured base URL a call goes to.
enum class Host { kApi, kPay };

// Whether a call may be sent twice. WeChat only sees a request once the connection is up, so a
// failure to connect is always retried; after that, only kIdempotent calls are repeated (on a
// network error or an HTTP 5xx). A 4xx is never retried.
enum class Idempotency { kIdempotent, kNotIdempotent };

// One call: method, path and query (already encoded), body and extra headers.
struct HttpCall {
  Host host = Host::kApi;
  std::string method = "GET";
  std::string target;  // "/sns/jscode2session?appid=..."
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  Idempotency idempotency = Idempotency::kIdempotent;
  // Nothing is attempted past this moment and no attempt's timeouts reach beyond it
  // (e.g. the token refresher's lock lifetime). Unset = only the per-attempt timeouts.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// The final answer of a call. Header names are matched case-insensitively.
struct HttpReply {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  // The first value of a header, or "" when absent.
  std::string Header(std::string_view name) const;
};

// The one HTTP client of Mileage to WeChat (cpp-httplib): base URLs from options, connect and
// read timeouts, keep-alive connections pooled per host, bounded retries with exponential
// backoff and jitter on network errors and 5xx only, never on 4xx and never for a
// non-idempotent call once it may have been sent. The API clients (MiniProgramClient,
// AccessTokenProvider, PayClient) share one per process; it owns its connections. Safe for
// concurrent use. `random` (jitter) must outlive it.
class ApiClient {
 public:
  // InvalidArgument WECHAT_BAD_BASE_URL when a base URL is not http(s)://host[:port] without a
  // path; InvalidArgument when max_attempts < 1 or a timeout is not positive.
  static Result<std::unique_ptr<ApiClient>> Create(ApiClientOptions options, RandomSource& random);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Sends `call`, retrying as described above. Returns the reply for any status below 500 (the
  // caller maps 4xx bodies). Unavailable WECHAT_UNREACHABLE when every attempt failed on the
  // network (or the deadline passed first), Unavailable WECHAT_SERVER_ERROR when the last
  // attempt got a 5xx.
  Result<HttpReply> Send(const HttpCall& call);

  const ApiClientOptions& options() const { return options_; }
  const std::string& base_url(Host host) const;

 private:
  class Pool;
  ApiClient(ApiClientOptions options, RandomSource& random);
  std::chrono::milliseconds Backoff(int retry);

  ApiClientOptions options_;
  RandomSource& random_;
  std::unique_ptr<Pool> api_pool_;
  std::unique_ptr<Pool> pay_pool_;
};

// A base URL split into its parts ("https://api.weixin.qq.com:443").
struct BaseUrl {
  std::string scheme;  // "http" | "https"
  std::string host;
  int port = 0;
};

// InvalidArgument WECHAT_BAD_BASE_URL unless `url` is http(s)://host[:port] with an optional
// trailing "/" and nothing else.
Result<BaseUrl> ParseBaseUrl(std::string_view url);

// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
std::string UrlEncode(std::string_view text);

}  // namespace mileage::wechat::client
