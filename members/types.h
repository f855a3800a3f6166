#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mileage::members {

// A car owner of one brand: the owner card is `number`. Times are Unix seconds (UTC).
struct Member {
  int64_t id = 0;
  int64_t brand_id = 0;
  // The owner card number: 12 digits, random (not sequential), the last a Luhn check digit;
  // unique across the deployment.
  std::string number;
  std::string tier;                // a TierPolicy tier name, e.g. "silver"
  std::string status = "active";   // "active" | "suspended" | "deleted" (final)
  std::string enrolled_via;        // "wechat_pay", "miniprogram", "console", "partner"
  int64_t enrolled_store_id = 0;   // the store of the enrolling payment; 0 when none
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

enum class IdentityKind { kOpenid, kUnionid, kPhone };

// "openid", "unionid", "phone".
std::string_view IdentityKindName(IdentityKind kind);

// One way to recognise a member (OneID). Unique per brand: (brand, kind, appid, value).
// `appid` is set for openids only (an openid is per mini-program / official account).
// A phone's value is never stored in clear: the store keeps a keyed hash (searchable) and a
// sealed copy; `value` holds the masked phone ("138****5678") when read back.
struct Identity {
  IdentityKind kind = IdentityKind::kOpenid;
  std::string appid;
  std::string value;
  int64_t created_at = 0;
};

// Who is paying, as a WeChat Pay notification names them.
struct PayerIdentity {
  int64_t brand_id = 0;
  std::string appid;
  std::string openid;
  std::optional<std::string> unionid;
};

// The outcome of FindOrEnroll.
struct Enrollment {
  Member member;
  bool created = false;  // true when this call enrolled the member
};

// A tier and what qualifies for it over the rolling 12 months (current calendar month and the
// 11 before it): spend of at least `min_spend_fen` OR at least `min_visits` paid visits.
struct TierRule {
  std::string name;
  int64_t min_spend_fen = 0;
  int64_t min_visits = 0;
};

// The tiers of a deployment, lowest first; the first is where every member starts and must
// have zero thresholds. A member who no longer qualifies for their tier keeps it for
// `grace_days` before the downgrade job moves them down. A value type.
struct TierPolicy {
  std::vector<TierRule> tiers = {{"silver", 0, 0}, {"gold", 500000, 12}, {"platinum", 2000000, 36}};
  int64_t grace_days = 30;
};

// One recorded tier change.
struct TierChange {
  int64_t member_id = 0;
  std::string from_tier;
  std::string to_tier;
  std::string reason;  // e.g. "qualified: spend 523000 fen, 13 visits in 12 months"
  int64_t changed_at = 0;
};

}  // namespace mileage::members
