#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"

namespace mileage::crypto {

// What tells one kind of signed short token from another (coupon QR tokens, member codes): its
// prefix, the label of its MAC key (DataKey::Derive), its lifetime and the machine codes of its
// refusals. Distinct kinds must have distinct prefixes and labels.
struct SignedTokenKind {
  std::string_view prefix;          // e.g. "cq1"
  std::string_view key_label;       // e.g. "mileage/coupon-qr-token/v1"
  int64_t lifetime_s = 60;          // a minted token is refused from now + lifetime_s on
  std::string_view invalid_reason;  // e.g. "INVALID_QR_TOKEN"
  std::string_view invalid_message;
  std::string_view expired_reason;  // e.g. "QR_TOKEN_EXPIRED"
  std::string_view expired_message;
  // Whether the token hides its id from whoever reads it (a member code shown to partners,
  // who must not learn the member id): the id part is then 16 hex digits, the id XOR the
  // first 8 bytes of HMAC-SHA256("mask." + the random part) under the same key.
  bool hide_id = false;
};

// A minted token and when it stops being accepted.
struct SignedToken {
  std::string token;
  int64_t expires_at = 0;  // Unix seconds; the token is refused from then on
};

// Short-lived signed tokens that name one positive id (a coupon, a member) until they expire:
// "<prefix>.<id>.<expires unix s>.<16 hex random>.<32 hex tag>", the tag being the first 16
// bytes of HMAC-SHA256 over everything before its dot, under DataKey::Derive(key_label) (with
// `hide_id`, the id part is masked as SignedTokenKind says). The random part makes two tokens of
// one id and second differ. The one home of this construction
// (coupons::QrTokens, members::MemberCodes). Immutable; safe for concurrent use (the random
// source must be too). The strings of `kind` must outlive it.
class SignedTokens {
 public:
  static constexpr size_t kMaxLength = 128;

  // A key derivation failure surfaces as Internal from Mint and Verify.
  SignedTokens(const DataKey& data_key, RandomSource& random, SignedTokenKind kind);
  // The same, under a key label built by the caller (e.g. one per brand); `kind.key_label` is
  // ignored.
  SignedTokens(const DataKey& data_key, std::string_view key_label, RandomSource& random,
               SignedTokenKind kind);

  // A token for `id` (> 0) valid until now + lifetime_s. Internal when OpenSSL fails.
  Result<SignedToken> Mint(int64_t id, int64_t now) const;
  // The id of a token minted under this kind and key. InvalidArgument `invalid_reason` for a
  // malformed, altered or foreign token (the tag is compared in constant time before anything
  // in the token is believed); FailedPrecondition `expired_reason` once now >= its expiry;
  // Internal when OpenSSL fails.
  Result<int64_t> Verify(std::string_view token, int64_t now) const;

 private:
  Result<std::string> Tag(std::string_view signed_part) const;
  // The 64-bit mask of a hidden id (SignedTokenKind::hide_id) for a token's random part.
  Result<uint64_t> Mask(std::string_view random_hex) const;
  Status Invalid() const;

  RandomSource& random_;
  const SignedTokenKind kind_;
  Status setup_;
  std::unique_ptr<HmacSha256Key> mac_;
};

}  // namespace mileage::crypto
