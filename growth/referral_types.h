#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mileage::growth {

// Where a referral stands (docs/API.md "Referrals"). kPending past its expires_at reads as
// kExpired (EffectiveState).
enum class ReferralState { kPending, kRewarded, kCapped, kExpired, kClawedBack };

// "pending", "rewarded", "capped", "expired", "clawed_back"; Parse answers nullopt otherwise.
std::string_view ReferralStateName(ReferralState state);
std::optional<ReferralState> ParseReferralState(std::string_view name);

// A brand's referral rule (one per brand). A value type.
struct ReferralRule {
  static constexpr int64_t kMaxWindowDays = 365;
  static constexpr int64_t kMaxPoints = 1'000'000;
  static constexpr int64_t kMaxMonthlyCap = 1000;
  static constexpr int64_t kMaxAmountFen = 100'000'000;  // 1,000,000 yuan

  int64_t brand_id = 0;
  bool enabled = true;
  int64_t window_days = 30;     // the referee's first payment within this many days of attaching
  int64_t min_amount_fen = 0;   // ... of at least this amount (at least 1 fen)
  int64_t referrer_points = 0;  // what the referrer gets
  int64_t referee_points = 0;   // what the referee gets
  std::optional<int64_t> referrer_stock_id;  // a coupon of this stock (grant channel)
  std::optional<int64_t> referee_stock_id;
  int64_t monthly_cap = 10;  // referrals a referrer is rewarded for per Beijing month
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// One referee's referral. A value type.
struct Referral {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t referrer_member_id = 0;
  int64_t referee_member_id = 0;
  ReferralState state = ReferralState::kPending;  // as stored
  std::string reason;  // why it expired: BELOW_MINIMUM, WINDOW_OVER, PAID_BEFORE_ATTACH, RULE_OFF
  int64_t attached_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> payment_id;  // the referee's first payment, once seen
  int64_t payment_fen = 0;
  int64_t min_amount_fen = 0;  // the rule's minimum when the payment qualified
  std::optional<int64_t> qualified_at;
  std::optional<int64_t> reward_month;  // Beijing yyyymm of the qualifying payment
  int64_t referrer_points = 0;
  int64_t referee_points = 0;
  std::optional<int64_t> referrer_coupon_id;
  std::optional<int64_t> referee_coupon_id;
  std::optional<int64_t> clawed_back_at;
  int64_t updated_at = 0;

  // The state as the member and the console see it at `now`.
  ReferralState EffectiveState(int64_t now) const {
    return state == ReferralState::kPending && now >= expires_at ? ReferralState::kExpired : state;
  }
};

// A member's referral code and the wxacode scene and page that carry it.
struct ReferralCode {
  static constexpr size_t kLength = 10;
  std::string code;
  std::string scene;  // "r=<code>" (<= 32 characters, as wxacode.getUnlimited wants)
};

// The referrals a referrer made, by effective state, and what the referrer kept of its rewards
// (rewarded referrals only: a capped one gave the referrer nothing, a clawed-back one was
// taken back).
struct ReferrerTotals {
  std::map<ReferralState, int64_t> by_state;
  int64_t points = 0;
  int64_t coupons = 0;
};

// A console list's filter.
struct ReferralFilter {
  std::optional<ReferralState> state;  // effective state
  std::optional<int64_t> referrer_member_id;
  std::optional<int64_t> referee_member_id;
};

}  // namespace mileage::growth
