#pragma once

#include "relay/webhook_sender.h"

namespace mileage::server {

// relay::WebhookSender over httplib: one POST per delivery on a fresh connection (endpoints are
// many and deliveries sparse), the request's timeout for connecting, writing and reading each,
// no redirects followed (a redirect is a non-2xx answer), https verified against the system CAs;
// the answer's body is dropped, and one above 64 KiB ends the attempt as a failure. Unless
// `allow_private` (config webhook_allow_private_urls), the host name is resolved here and the
// delivery refused ("private address") when any of its addresses is loopback, private or
// link-local; otherwise it connects to the address that was checked, so a name that changes
// its answer between the check and the connect (DNS rebinding) cannot reach the internal
// network. Holds only that flag; safe for concurrent use.
class WebhookHttpSender final : public relay::WebhookSender {
 public:
  explicit WebhookHttpSender(bool allow_private) : allow_private_(allow_private) {}
  relay::WebhookResponse Send(const relay::WebhookRequest& request) override;

 private:
  const bool allow_private_;
};

}  // namespace mileage::server
