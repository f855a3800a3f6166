#include "members/member_codes.h"

namespace mileage::members {
namespace {

constexpr crypto::SignedTokenKind kMemberCodeKind = {
    .prefix = "mc2",
    .key_label = "",  // per brand: MemberCodes::KeyLabel
    .lifetime_s = MemberCodes::kLifetimeS,
    .invalid_reason = "INVALID_MEMBER_CODE",
    .invalid_message = "the member code is not valid here",
    .expired_reason = "MEMBER_CODE_EXPIRED",
    .expired_message = "the member code has expired; show a new one",
    .hide_id = true,  // partners scan it too: the member id would link them (issue 13)
};

}  // namespace

std::string MemberCodes::KeyLabel(int64_t brand_id) {
  return "mileage/member-code/v1/brand:" + std::to_string(brand_id);
}

Result<const crypto::SignedTokens*> MemberCodes::ForBrand(int64_t brand_id) {
  if (brand_id <= 0) return InvalidArgumentError("brand_id must be positive", "INVALID_ID");
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<crypto::SignedTokens>& tokens = by_brand_[brand_id];
  // Preparing the HMAC key fetches the algorithm (slow, a global lock in OpenSSL): once a brand.
  if (tokens == nullptr) {
    tokens = std::make_unique<crypto::SignedTokens>(data_key_, KeyLabel(brand_id), random_,
                                                    kMemberCodeKind);
  }
  return tokens.get();
}

Result<MemberCode> MemberCodes::Mint(int64_t brand_id, int64_t member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(const crypto::SignedTokens* tokens, ForBrand(brand_id));
  return tokens->Mint(member_id, now);
}

Result<int64_t> MemberCodes::Verify(int64_t brand_id, std::string_view code, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(const crypto::SignedTokens* tokens, ForBrand(brand_id));
  return tokens->Verify(code, now);
}

}  // namespace mileage::members
