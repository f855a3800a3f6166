#include "crypto/signed_tokens.h"

#include <array>
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

// 16 lowercase hex digits, most significant first.
std::string HexOf(uint64_t value) {
  std::array<uint8_t, 8> bytes;
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(value >> (56 - 8 * i));
  return HexEncode(std::span<const uint8_t>(bytes.data(), bytes.size()));
}

// The value of 16 lowercase hex digits (checked by the caller).
uint64_t ParseHex64(std::string_view hex) {
  uint64_t value = 0;
  std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
  return value;
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

Result<uint64_t> SignedTokens::Mask(std::string_view random_hex) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(Digest256 mac, mac_->Sign("mask." + std::string(random_hex)));
  uint64_t mask = 0;
  for (size_t i = 0; i < 8; ++i) mask = (mask << 8) | mac[i];
  return mask;
}

Result<SignedToken> SignedTokens::Mint(int64_t id, int64_t now) const {
  if (id <= 0) return InvalidArgumentError("a signed token names a positive id", "INVALID_ID");
  SignedToken out;
  out.expires_at = now + kind_.lifetime_s;
  const std::string random_hex = RandomHex(random_, kRandomBytes);
  std::string id_part = std::to_string(id);
  if (kind_.hide_id) {
    MILEAGE_ASSIGN_OR_RETURN(uint64_t mask, Mask(random_hex));
    id_part = HexOf(static_cast<uint64_t>(id) ^ mask);
  }
  std::string signed_part = std::string(kind_.prefix) + "." + id_part + "." +
                            std::to_string(out.expires_at) + "." + random_hex;
  MILEAGE_ASSIGN_OR_RETURN(std::string tag, Tag(signed_part));
  out.token = signed_part + "." + tag;
  return out;
}

Result<int64_t> SignedTokens::Verify(std::string_view token, int64_t now) const {
  if (token.size() > kMaxLength) return Invalid();
  const std::vector<std::string_view> parts = Split(token, '.');
  if (parts.size() != 5 || parts[0] != kind_.prefix || !IsLowerHex(parts[3], 2 * kRandomBytes) ||
      !IsLowerHex(parts[4], 2 * kTagBytes) ||
      (kind_.hide_id && !IsLowerHex(parts[1], 2 * sizeof(uint64_t)))) {
    return Invalid();
  }
  const std::string_view signed_part = token.substr(0, token.size() - parts[4].size() - 1);
  MILEAGE_ASSIGN_OR_RETURN(std::string expected, Tag(signed_part));
  if (!ConstantTimeEquals(expected, parts[4])) return Invalid();
  int64_t id = 0;
  int64_t expires_at = 0;
  // A tag we made covers only well-formed numbers; checked anyway.
  if (kind_.hide_id) {
    MILEAGE_ASSIGN_OR_RETURN(uint64_t mask, Mask(parts[3]));
    id = static_cast<int64_t>(ParseHex64(parts[1]) ^ mask);
    if (id <= 0) return Invalid();
  } else if (!ParsePositive(parts[1], &id)) {
    return Invalid();
  }
  if (!ParsePositive(parts[2], &expires_at)) return Invalid();
  if (now >= expires_at) {
    return FailedPreconditionError(std::string(kind_.expired_message),
                                   std::string(kind_.expired_reason));
  }
  return id;
}

}  // namespace mileage::crypto
