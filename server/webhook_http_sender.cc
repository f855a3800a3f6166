#include "server/webhook_http_sender.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "relay/delivery_rules.h"

namespace mileage::server {
namespace {

constexpr uint64_t kMaxAnswerBytes = 64 * 1024;

// The host of `base` ("scheme://host[:port]", IPv6 in brackets), without brackets.
std::string HostOf(const std::string& base) {
  std::string authority = base.substr(base.find("://") + 3);
  if (authority.starts_with("[")) return authority.substr(1, authority.find(']') - 1);
  return authority.substr(0, authority.find(':'));
}

// The address to connect to for `host`: itself for an IP literal, else the first address it
// resolves to; nullopt (with `error` set) when it does not resolve or when any of its
// addresses is loopback, private or link-local.
std::optional<std::string> PublicAddressOf(const std::string& host, std::string& error) {
  if (std::optional<bool> is_private = relay::IsPrivateAddress(host); is_private) {
    if (*is_private) error = "private address";
    return *is_private ? std::nullopt : std::optional<std::string>(host);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    error = "host not found";
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  std::optional<std::string> first;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[NI_MAXHOST] = {};
    if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof(text), nullptr, 0, NI_NUMERICHOST) !=
        0) {
      continue;
    }
    if (relay::IsPrivateAddress(text).value_or(true)) {
      error = "private address";
      return std::nullopt;
    }
    if (!first) first = text;
  }
  if (!first) error = "host not found";
  return first;
}

}  // namespace

relay::WebhookResponse WebhookHttpSender::Send(const relay::WebhookRequest& request) {
  // The URL was checked at registration (relay::ValidateWebhookUrl): scheme://authority[path].
  const size_t scheme_end = request.url.find("://");
  if (scheme_end == std::string::npos) return {0, "bad url"};
  const size_t path_start = request.url.find_first_of("/?#", scheme_end + 3);
  const std::string base = request.url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : request.url.substr(path_start);
  if (path[0] != '/') path.insert(0, "/");
  if (const size_t fragment = path.find('#'); fragment != std::string::npos) path.resize(fragment);

  httplib::Client client(base);
  if (!client.is_valid()) return {0, "bad url"};
  if (!allow_private_) {
    const std::string host = HostOf(base);
    std::string error;
    std::optional<std::string> address = PublicAddressOf(host, error);
    if (!address) return {0, error};
    client.set_hostname_addr_map({{host, *address}});
  }
  const auto timeout = request.timeout;
  client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client.set_follow_location(false);
  client.set_keep_alive(false);
  client.set_url_encode(false);
  httplib::Request post;
  post.method = "POST";
  post.path = path;
  for (const auto& [name, value] : request.headers) post.headers.emplace(name, value);
  post.headers.emplace("Content-Type", "application/json");
  post.body = request.body;
  // The answer's body is read and dropped, and a longer one than kMaxAnswerBytes ends the
  // attempt: an endpoint must not make the relay hold (or wait for) a large answer.
  uint64_t answer_bytes = 0;
  post.content_receiver = [&answer_bytes](const char*, size_t length, uint64_t, uint64_t) {
    answer_bytes += length;
    return answer_bytes <= kMaxAnswerBytes;
  };
  httplib::Result result = client.send(post);
  if (!result) {
    switch (result.error()) {
      case httplib::Error::Read:
      case httplib::Error::Write:
        return {0, "timeout or connection lost"};
      case httplib::Error::ConnectionTimeout:
        return {0, "connect timeout"};
      case httplib::Error::Canceled:
        return {0, "answer too large"};
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLServerVerification:
      case httplib::Error::SSLLoadingCerts:
        return {0, "tls failed"};
      default:
        return {0, "connection failed"};
    }
  }
  return {result->status, ""};
}

}  // namespace mileage::server
