#include "server/webhook_http_sender.h"

#include <httplib.h>

#include <string>

namespace mileage::server {

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
  const auto timeout = request.timeout;
  client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client.set_follow_location(false);
  client.set_keep_alive(false);
  client.set_url_encode(false);
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace(name, value);
  httplib::Result result = client.Post(path, headers, request.body, "application/json");
  if (!result) {
    switch (result.error()) {
      case httplib::Error::Read:
      case httplib::Error::Write:
        return {0, "timeout or connection lost"};
      case httplib::Error::ConnectionTimeout:
        return {0, "connect timeout"};
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
