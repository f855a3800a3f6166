#pragma once

#include "relay/webhook_sender.h"

namespace mileage::server {

// relay::WebhookSender over httplib: one POST per delivery on a fresh connection (endpoints are
// many and deliveries sparse), the request's timeout for connecting, writing and reading each,
// no redirects followed (a redirect is a non-2xx answer), https verified against the system CAs;
// the answer's body is dropped, and one above 64 KiB ends the attempt as a failure.
// Stateless; safe for concurrent use.
class WebhookHttpSender final : public relay::WebhookSender {
 public:
  relay::WebhookResponse Send(const relay::WebhookRequest& request) override;
};

}  // namespace mileage::server
