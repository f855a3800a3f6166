#include "org/session_tokens.h"

#include "crypto/constant_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"

namespace mileage::org {
namespace {

constexpr std::string_view kPrefix = "mst1.";
constexpr size_t kRandomHexLength = 64;
constexpr size_t kTagBytes = 16;
constexpr size_t kTokenLength = kPrefix.size() + kRandomHexLength + 1 + 2 * kTagBytes;
constexpr std::string_view kKvPrefix = "console:session:";
constexpr std::string_view kTokenKeyLabel = "mileage/console-session-token/v1";

bool IsLowerHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

SessionTokens::SessionTokens(const crypto::DataKey& data_key, RandomSource& random)
    : random_(random) {
  Result<crypto::Key256> key = data_key.Derive(kTokenKeyLabel);
  if (!key.ok()) {
    setup_ = key.status();
    return;
  }
  mac_ = std::make_unique<crypto::HmacSha256Key>(*key);
}

Result<std::string> SessionTokens::Tag(std::string_view signed_part) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  MILEAGE_ASSIGN_OR_RETURN(crypto::Digest256 mac, mac_->Sign(signed_part));
  return crypto::HexEncode(std::span<const uint8_t>(mac.data(), kTagBytes));
}

Result<MintedToken> SessionTokens::Mint() const {
  std::string token = std::string(kPrefix) + RandomHex(random_, kRandomHexLength / 2);
  MILEAGE_ASSIGN_OR_RETURN(std::string tag, Tag(token));
  token += "." + tag;
  std::string kv_key = std::string(kKvPrefix) + crypto::HexEncode(crypto::Sha256(token));
  return MintedToken{std::move(token), std::move(kv_key)};
}

Result<std::string> SessionTokens::KvKeyOf(std::string_view token) const {
  const Status invalid = UnauthenticatedError("the token is not valid here", "INVALID_TOKEN");
  if (token.size() != kTokenLength || token.substr(0, kPrefix.size()) != kPrefix ||
      token[kPrefix.size() + kRandomHexLength] != '.') {
    return invalid;
  }
  const std::string_view signed_part = token.substr(0, kPrefix.size() + kRandomHexLength);
  const std::string_view tag = token.substr(signed_part.size() + 1);
  if (!IsLowerHex(signed_part.substr(kPrefix.size())) || !IsLowerHex(tag)) return invalid;
  MILEAGE_ASSIGN_OR_RETURN(std::string expected, Tag(signed_part));
  if (!crypto::ConstantTimeEquals(expected, tag)) return invalid;
  return std::string(kKvPrefix) + crypto::HexEncode(crypto::Sha256(token));
}

}  // namespace mileage::org
