#include "growth/referral_types.h"

#include <array>
#include <utility>

namespace mileage::growth {
namespace {

constexpr std::array<std::pair<ReferralState, std::string_view>, 5> kNames = {{
    {ReferralState::kPending, "pending"},
    {ReferralState::kRewarded, "rewarded"},
    {ReferralState::kCapped, "capped"},
    {ReferralState::kExpired, "expired"},
    {ReferralState::kClawedBack, "clawed_back"},
}};

}  // namespace

std::string_view ReferralStateName(ReferralState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "pending";
}

std::optional<ReferralState> ParseReferralState(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

}  // namespace mileage::growth
