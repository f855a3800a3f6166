#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_store.h"
#include "members/phone_vault.h"
#include "members/types.h"
#include "members/vehicle_types.h"
#include "members/vehicle_vault.h"

namespace mileage::members {

enum class MemberSearchBy { kNumber, kOpenid, kPhone, kPlate };

// What the console shows of one member. Phones appear masked ("138****5678").
struct MemberProfile {
  Member member;
  std::vector<Identity> identities;
  std::vector<TierChange> tier_history;  // oldest first
  MemberStore::Activity rolling_activity;
  std::vector<Vehicle> vehicles;  // id order, plate and VIN masked
};

// The console's read side of members: search within a brand and a member's profile. The
// caller (server/) has already checked that the staff member may see the brand. Owned by the
// composition root; safe for concurrent use (each call takes its own pooled connection).
class MemberDirectory {
 public:
  MemberDirectory(db::Db& db, const PhoneVault& phones, const VehicleVault& vehicles)
      : db_(db), phones_(phones), vehicles_(vehicles) {}

  // At most kMaxResults members of `brand_id` (id order) whose member number, openid (under
  // any appid of the brand), phone or vehicle plate is `value`. Empty when none match; a member
  // of another brand never matches. Errors: InvalidArgument INVALID_ID (brand_id),
  // INVALID_MEMBER_NUMBER, INVALID_FIELD (openid), INVALID_PHONE or INVALID_PLATE, with nothing
  // read; the db errors.
  static constexpr int64_t kMaxResults = 20;
  Result<std::vector<Member>> Search(int64_t brand_id, MemberSearchBy by, std::string_view value);

  // The member with identities, tier history, rolling activity at `now` and vehicles. Errors:
  // InvalidArgument INVALID_ID; NotFound MEMBER_NOT_FOUND when no member of `brand_id` has the
  // id (whether or not another brand's member does); the db errors.
  Result<MemberProfile> Profile(int64_t brand_id, int64_t member_id, int64_t now);

 private:
  db::Db& db_;
  const PhoneVault& phones_;
  const VehicleVault& vehicles_;
  OsRandom no_draws_;  // MemberStore wants a source; reads never draw
};

}  // namespace mileage::members
