#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mileage::relay {

// One signed delivery to send.
struct WebhookRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // application/json
  std::chrono::milliseconds timeout{10000};
};

// What came back: the HTTP status, or 0 with `error` ("timeout", "connection failed", ...) when
// no answer arrived within the timeout.
struct WebhookResponse {
  int status = 0;
  std::string error;
};

// How the relay POSTs a delivery. The relay owns no HTTP client (domain modules never include
// httplib): server/ implements this with httplib, tests with a fake. Implementations must be
// safe for concurrent use and must return within the request's timeout (plus connection set-up).
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual WebhookResponse Send(const WebhookRequest& request) = 0;
};

}  // namespace mileage::relay
