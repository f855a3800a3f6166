#pragma once

#include <httplib.h>

#include <chrono>

#include "common/clock.h"
#include "common/result.h"
#include "kv/kv.h"
#include "org/partner_service.h"

namespace mileage::server {

// Verifies the signed requests of the partner API (docs/API.md "Partner API"): the four
// Mileage-* headers, the timestamp window, the partner's key and active secrets, the partner's
// state and the nonce, in an order that lets no caller without a secret learn more than whether
// a key exists, or spend a partner's nonces. The secret lookup and opening are
// org::PartnerService's; the signature is org/partner_signature.h's. Owned by the composition
// root; safe for concurrent use.
class PartnerAuthenticator {
 public:
  // How far a request's timestamp may be from the server's clock, either way.
  static constexpr std::chrono::seconds kWindow{300};

  PartnerAuthenticator(org::PartnerService& partners, kv::Kv& kv, const Clock& clock)
      : partners_(partners), kv_(kv), clock_(clock) {}

  // The partner that signed `req` (its body already read). Errors, in the order checked, all
  // Unauthenticated unless noted: MISSING_SIGNATURE_HEADER (a Mileage-* header absent),
  // MALFORMED_SIGNATURE_HEADER (one malformed or repeated), TIMESTAMP_SKEW (more than kWindow
  // from now), UNKNOWN_KEY, SIGNATURE_INVALID (no active secret signs the request),
  // PARTNER_INACTIVE (only once the signature holds), NONCE_REUSED (the partner sent the nonce
  // within the window; recorded only once the signature holds, set-if-absent so two concurrent
  // requests cannot both pass); Unavailable when the database or Kv cannot be reached;
  // Internal (logged) when a secret does not open with the configured data keys.
  Result<org::Partner> Authenticate(const httplib::Request& req) const;

 private:
  org::PartnerService& partners_;
  kv::Kv& kv_;
  const Clock& clock_;
};

}  // namespace mileage::server
