#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/signed_tokens.h"

namespace mileage::members {

// The member code on the owner card, as the counter scans it.
using MemberCode = crypto::SignedToken;

// Short-lived signed member codes that identify a member at the counter and at partners:
// "mc2.<16 hex masked member id>.<expires unix s>.<16 hex random>.<32 hex tag>", a
// crypto::SignedTokens kind (the construction of the coupon QR tokens) with a hidden id, under
// DataKey::Derive("mileage/member-code/v1/brand:<brand id>"), so a code is bound to its member
// (in the signed text) and to its brand (in the key), and whoever scans it (a partner) does not
// learn the member id, which would link the member across partners. A code of one brand is
// refused by another brand's check like any forgery. Valid kLifetimeS. Holds one
// prepared key per brand it has seen (a deployment has few brands). Owned by the composition
// root; safe for concurrent use (the random source must be too).
class MemberCodes {
 public:
  static constexpr int64_t kLifetimeS = 60;

  MemberCodes(const crypto::DataKey& data_key, RandomSource& random)
      : data_key_(data_key), random_(random) {}

  // A code for `member_id` of `brand_id`, valid until now + kLifetimeS. InvalidArgument
  // INVALID_ID for an id <= 0; Internal when OpenSSL fails.
  Result<MemberCode> Mint(int64_t brand_id, int64_t member_id, int64_t now);
  // The member id of a code minted for `brand_id` by this deployment. InvalidArgument
  // INVALID_MEMBER_CODE for a malformed, altered or foreign code (another deployment's, another
  // brand's, a coupon QR token); FailedPrecondition MEMBER_CODE_EXPIRED once now >= its expiry;
  // InvalidArgument INVALID_ID for a brand id <= 0; Internal when OpenSSL fails.
  Result<int64_t> Verify(int64_t brand_id, std::string_view code, int64_t now);

  // The MAC key label of a brand's codes.
  static std::string KeyLabel(int64_t brand_id);

 private:
  Result<const crypto::SignedTokens*> ForBrand(int64_t brand_id);

  const crypto::DataKey data_key_;
  RandomSource& random_;
  std::mutex mu_;
  std::map<int64_t, std::unique_ptr<crypto::SignedTokens>> by_brand_;  // guarded by mu_
};

}  // namespace mileage::members
