#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "members/member_drift.h"

namespace mileage::growth {

// A brand's churn thresholds and win-back rule (docs/API.md "Win-back"): an owner is drifting
// after drift_days without a visit, or post_warranty_days once their newest vehicle is more
// than warranty_years old; when enabled, the job grants one coupon of stock_id (none: the
// message only) and sends one message to each drifting owner once per drift episode, and not
// within cooldown_days of that owner's previous win-back. A brand without a row has the
// defaults below, disabled. A value type.
struct WinbackSettings {
  int64_t brand_id = 0;
  int64_t drift_days = 60;
  int64_t warranty_years = 3;
  int64_t post_warranty_days = 120;
  int64_t cooldown_days = 90;
  std::optional<int64_t> stock_id;
  bool enabled = false;
  int64_t updated_at = 0;  // 0: never written (the defaults)

  static constexpr int64_t kMaxDays = 3650;
  static constexpr int64_t kMaxWarrantyYears = 30;
};

// A change to the settings; unset fields stay. `stock_id` holding nullopt removes the stock.
struct WinbackSettingsPatch {
  std::optional<int64_t> drift_days;
  std::optional<int64_t> warranty_years;
  std::optional<int64_t> post_warranty_days;
  std::optional<int64_t> cooldown_days;
  std::optional<std::optional<int64_t>> stock_id;
  std::optional<bool> enabled;
};

// The cut of `settings` at `now`: drifting after drift_days (post_warranty_days once the
// newest vehicle was bought warranty_years or more before the Beijing date of `now`).
members::DriftCut CutOf(const WinbackSettings& settings, int64_t now);

// A drifting owner as the console lists them: the member, their last visit's store and its
// dealer, the threshold that applies to them and how long they have been away.
struct DriftingOwner {
  members::DriftingMember member;
  int64_t dealer_id = 0;  // 0 when the last visit's store is unknown
  std::string store_name;
  std::string dealer_name;
  bool out_of_warranty = false;
  int64_t threshold_days = 0;
  int64_t days_away = 0;  // whole days since the last visit
};

// What GET /api/console/winback/drifting filters on.
struct DriftFilter {
  std::optional<int64_t> dealer_id;
  std::optional<int64_t> store_id;
  std::optional<std::pair<int64_t, int64_t>> after;  // the cursor: (last_visit_at, member id)
  int64_t limit = 50;

  static constexpr int64_t kMaxLimit = 200;
};

// A page of drifting owners and the cursor of the next one (nullopt on the last page).
struct DriftingPage {
  std::vector<DriftingOwner> items;
  std::optional<std::pair<int64_t, int64_t>> next;
};

// How many owners drift in one dealer of the caller's scope.
struct DealerDrift {
  int64_t dealer_id = 0;
  std::string name;
  int64_t drifting = 0;
};

// What a win-back gave: a coupon, no coupon (reason as coupons::RuleGrant says) or the
// message only (the rule names no stock).
inline constexpr std::string_view kOutcomeCoupon = "coupon";
inline constexpr std::string_view kOutcomeNoCoupon = "no_coupon";
inline constexpr std::string_view kOutcomeMessageOnly = "message_only";

// The outbox topic of a win-back message (care's subscribe relay maps it to a template).
inline constexpr std::string_view kWinbackTopic = "winback.drifted";

// One win-back of a member for one drift episode (winback_grants). A value type.
struct WinbackGrant {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t episode_at = 0;  // the last visit the member drifted from
  int64_t store_id = 0;
  int64_t dealer_id = 0;
  std::string outcome;
  std::string reason;
  std::optional<int64_t> stock_id;
  std::optional<int64_t> coupon_id;
  bool messaged = false;
  std::optional<int64_t> returned_at;
  int64_t created_at = 0;
  bool coupon_redeemed = false;  // its coupon is redeemed (read by GrantsBetween only)
};

// A return counts when the member's first visit after the grant is within this.
inline constexpr int64_t kComeBackWindowS = 30 * 86400;

// One row of the come-back report: the win-backs of one Beijing month of grant and one dealer.
struct ComeBackRow {
  std::string month;  // "YYYY-MM"
  int64_t dealer_id = 0;
  std::string dealer_name;
  int64_t granted = 0;   // win-backs
  int64_t coupons = 0;   // of which with a coupon
  int64_t messaged = 0;  // of which messaged (consent held)
  int64_t returned = 0;  // visited within 30 days of the grant
  int64_t waiting = 0;   // not back yet, their 30 days still running
  int64_t redeemed = 0;  // whose coupon is redeemed
};

}  // namespace mileage::growth
