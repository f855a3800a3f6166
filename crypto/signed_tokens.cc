#include "crypto/signed_tokens.h"

#include <charconv>
#include <span>
#include <vector>

#include "crypto/constant_time.h"
#include "crypto/hex.h"

namespace mileage::crypto {
namespace {

constexpr size_t kRandomBytes = 8;
constexpr size_t kTagBytes = 16;

bool IsLowerHex(std::string_view s, size_t length) {
  return s.size() == length && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// A positive decimal without sign or leading zero, within int64.
bool ParsePositive(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 19 || s[0] == '0' ||
      s.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return error == std::errc() && end == s.data() + s.size() && *out > 0;
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t at = s.find(separator, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

SignedTokens::SignedTokens(const DataKey& data_key, RandomSource& random, SignedTokenKind kind)
    : SignedTokens(data_key, kind.key_label, random, kind) {}

SignedTokens::SignedTokens(const DataKey& data_key, std::string_view key_label,
                           RandomSource& random, SignedTokenKind kind)
    : random_(random), kind_(kind) {
  Result<Key256> key = data_key.Derive(key_label);
  if (!key.ok()) {
    setup_ = key.status();
    return;
  }
  mac_ = std::make_unique<HmacSha256Key>(*key);
}

Status SignedTokens::Invalid() const {
  return InvalidArgumentError(std::string(kind_.invalid_message),
                              std::string(kind_.invalid_reason));
}

Result<std::string> SignedTokens::Tag(std::string_view signed_part) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(Digest256 mac, mac_->Sign(signed_part));
  return HexEncode(std::span<const uint8_t>(mac.data(), kTagBytes));
}

Result<SignedToken> SignedTokens::Mint(int64_t id, int64_t now) const {
  if (id <= 0) return InvalidArgumentError("a signed token names a positive id", "INVALID_ID");
  SignedToken out;
  out.expires_at = now + kind_.lifetime_s;
  std::string signed_part = std::string(kind_.prefix) + "." + std::to_string(id) + "." +
                            std::to_string(out.expires_at) + "." + RandomHex(random_, kRandomBytes);
  MILEAGE_ASSIGN_OR_RETURN(std::string tag, Tag(signed_part));
  out.token = signed_part + "." + tag;
  return out;
}

Result<int64_t> SignedTokens::Verify(std::string_view token, int64_t now) const {
  if (token.size() > kMaxLength) return Invalid();
  const std::vector<std::string_view> parts = Split(token, '.');
  if (parts.size() != 5 || parts[0] != kind_.prefix || !IsLowerHex(parts[3], 2 * kRandomBytes) ||
      !IsLowerHex(parts[4], 2 * kTagBytes)) {
    return Invalid();
  }
  const std::string_view signed_part = token.substr(0, token.size() - parts[4].size() - 1);
  MILEAGE_ASSIGN_OR_RETURN(std::string expected, Tag(signed_part));
  if (!ConstantTimeEquals(expected, parts[4])) return Invalid();
  int64_t id = 0;
  int64_t expires_at = 0;
  // A tag we made covers only well-formed numbers; checked anyway.
  if (!ParsePositive(parts[1], &id) || !ParsePositive(parts[2], &expires_at)) return Invalid();
  if (now >= expires_at) {
    return FailedPreconditionError(std::string(kind_.expired_message),
                                   std::string(kind_.expired_reason));
  }
  return id;
}

}  // namespace mileage::crypto
