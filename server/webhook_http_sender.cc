#include "server/webhook_http_sender.h"

#include <httplib.h>

#include <string>

namespace mileage::server {
namespace {

constexpr uint64_t kMaxAnswerBytes = 64 * 1024;

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
