#include "crypto/bearer_tokens.h"

#include "crypto/constant_time.h"
#include "crypto/hex.h"

namespace mileage::crypto {
namespace {

constexpr size_t kRandomHexLength = 64;
constexpr size_t kTagBytes = 16;

bool IsLowerHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

BearerTokens::BearerTokens(const DataKey& data_key, RandomSource& random, BearerTokenKind kind)
    : random_(random), kind_(kind) {
  Result<Key256> key = data_key.Derive(kind_.key_label);
  if (!key.ok()) {
    setup_ = key.status();
    return;
  }
  mac_ = std::make_unique<HmacSha256Key>(*key);
}

size_t BearerTokens::TokenLength() const {
  return kind_.prefix.size() + kRandomHexLength + 1 + 2 * kTagBytes;
}

Result<std::string> BearerTokens::Tag(std::string_view signed_part) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(Digest256 mac, mac_->Sign(signed_part));
  return HexEncode(std::span<const uint8_t>(mac.data(), kTagBytes));
}

Result<MintedToken> BearerTokens::Mint() const {
  std::string token = std::string(kind_.prefix) + RandomHex(random_, kRandomHexLength / 2);
  MILEAGE_ASSIGN_OR_RETURN(std::string tag, Tag(token));
  token += "." + tag;
  std::string kv_key = std::string(kind_.kv_prefix) + HexEncode(Sha256(token));
  return MintedToken{std::move(token), std::move(kv_key)};
}

Result<std::string> BearerTokens::KvKeyOf(std::string_view token) const {
  const Status invalid = UnauthenticatedError("the token is not valid here", "INVALID_TOKEN");
  const size_t prefix = kind_.prefix.size();
  if (token.size() != TokenLength() || token.substr(0, prefix) != kind_.prefix ||
      token[prefix + kRandomHexLength] != '.') {
    return invalid;
  }
  const std::string_view signed_part = token.substr(0, prefix + kRandomHexLength);
  const std::string_view tag = token.substr(signed_part.size() + 1);
  if (!IsLowerHex(signed_part.substr(prefix)) || !IsLowerHex(tag)) return invalid;
  MILEAGE_ASSIGN_OR_RETURN(std::string expected, Tag(signed_part));
  if (!ConstantTimeEquals(expected, tag)) return invalid;
  return std::string(kind_.kv_prefix) + HexEncode(Sha256(token));
}

}  // namespace mileage::crypto
