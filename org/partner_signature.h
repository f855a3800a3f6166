#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "org/partner_service.h"

namespace mileage::org {

// The request signature of the partner API (docs/API.md "Partner API"): lowercase hex of
// HMAC-SHA256 under the secret's 64 characters (as text, not decoded) over the canonical string
// METHOD "\n" PATH_AND_QUERY "\n" TIMESTAMP "\n" NONCE "\n" BODY.

// The canonical string of a request: its method, its request target exactly as sent (path and
// query, percent-encoding untouched), the Mileage-Timestamp and Mileage-Nonce header values and
// the body's bytes.
std::string PartnerCanonicalString(std::string_view method, std::string_view path_and_query,
                                   std::string_view timestamp, std::string_view nonce,
                                   std::string_view body);

// 64 lowercase hex digits: the signature of `canonical` under `secret`.
std::string PartnerSignature(std::string_view secret, std::string_view canonical);

// The id of the active secret under which `signature` signs `canonical`, or nullopt when none
// does. Every secret is tried and compared in constant time.
std::optional<int64_t> MatchingPartnerSecret(const PartnerCredentials& credentials,
                                             std::string_view canonical,
                                             std::string_view signature);

}  // namespace mileage::org
