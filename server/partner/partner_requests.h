#pragma once

#include <rapidjson/document.h>

#include <string>

#include "common/result.h"
#include "members/partner_identities.h"
#include "org/types.h"

namespace mileage::server {

// The longest member reference a partner may send (a code is about 90 bytes).
inline constexpr size_t kMaxMemberReference = 128;

// The "member" field of a partner request: an object with exactly one of "code", "plate" or
// "partner_member_id", a string of 1..kMaxMemberReference bytes. InvalidArgument
// MISSING_FIELD (no "member"), INVALID_MEMBER_REFERENCE (not an object, none or two of the
// fields, another field, not a string, empty or too long).
Result<members::MemberReference> ParseMemberReference(const rapidjson::Value& body);

// The canonical JSON of an earning's "detail" for the partner's category (docs/API.md,
// "POST /api/partner/v1/earnings"): the category's fields in a fixed order, so that the same
// detail with its keys in another order is the same request. `detail` null: absent, which only
// the category other may be ({}). InvalidArgument MISSING_FIELD (absent for another category),
// INVALID_DETAIL (not an object, a field of another category or none, a missing field, a
// value of the wrong type or out of range).
Result<std::string> CanonicalDetail(org::PartnerCategory category, const rapidjson::Value* detail);

}  // namespace mileage::server
