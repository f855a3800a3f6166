#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/signed_tokens.h"

namespace mileage::coupons {

// A redemption token as the mini-program shows it (a QR code).
using QrToken = crypto::SignedToken;

// Short-lived signed redemption tokens: "cq1.<coupon id>.<expires unix s>.<16 hex random>.<32
// hex tag>", a crypto::SignedTokens kind under DataKey::Derive("mileage/coupon-qr-token/v1").
// A token names its coupon and nothing else: whether the coupon can be redeemed is the
// redemption's decision, so a token of a redeemed coupon answers ALREADY_REDEEMED there.
// Immutable; safe for concurrent use (the random source must be too).
class QrTokens {
 public:
  static constexpr int64_t kLifetimeS = 60;
  static constexpr size_t kMaxLength = crypto::SignedTokens::kMaxLength;

  // A key derivation failure surfaces as Internal from Mint and Verify.
  QrTokens(const crypto::DataKey& data_key, RandomSource& random);

  // A token for `coupon_id` valid until now + kLifetimeS. Internal when OpenSSL fails.
  Result<QrToken> Mint(int64_t coupon_id, int64_t now) const {
    return tokens_.Mint(coupon_id, now);
  }
  // The coupon id of a token this deployment minted. InvalidArgument INVALID_QR_TOKEN for a
  // malformed, altered or foreign token (the tag is compared in constant time before anything
  // else is believed); FailedPrecondition QR_TOKEN_EXPIRED once now >= its expiry; Internal
  // when OpenSSL fails.
  Result<int64_t> Verify(std::string_view token, int64_t now) const {
    return tokens_.Verify(token, now);
  }

 private:
  crypto::SignedTokens tokens_;
};

}  // namespace mileage::coupons
