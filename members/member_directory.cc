#include "members/member_directory.h"

#include <map>
#include <optional>
#include <string>

#include "members/validation.h"
#include "members/vehicle_store.h"

namespace mileage::members {
namespace {

// The member whose vehicle has the plate of `plate_hash` (a plate is unique per brand).
Result<std::vector<Member>> ByPlate(MemberStore& store, db::Connection& conn, int64_t brand_id,
                                    const std::string& plate_hash) {
  std::vector<Member> out;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                           VehicleStore(conn).MemberByPlate(brand_id, plate_hash));
  if (!holder.has_value()) return out;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member, store.Find(*holder));
  if (member.has_value() && member->brand_id == brand_id) out.push_back(std::move(*member));
  return out;
}

}  // namespace

Result<std::vector<Member>> MemberDirectory::Search(int64_t brand_id, MemberSearchBy by,
                                                    std::string_view value) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(brand_id, "brand_id"));
  // Validate (and hash a phone or plate) before taking a connection. A phone or plate has a
  // hash per data key while a rotation runs: each is tried.
  std::vector<std::string> keys;
  switch (by) {
    case MemberSearchBy::kNumber:
      MILEAGE_RETURN_IF_ERROR(ValidateMemberNumber(value));
      keys.emplace_back(value);
      break;
    case MemberSearchBy::kOpenid:
      MILEAGE_RETURN_IF_ERROR(ValidateWechatId(value, "openid"));
      keys.emplace_back(value);
      break;
    case MemberSearchBy::kPhone: {
      MILEAGE_ASSIGN_OR_RETURN(keys, phones_.Hashes(value));
      break;
    }
    case MemberSearchBy::kPlate: {
      MILEAGE_ASSIGN_OR_RETURN(keys, vehicles_.PlateHashes(value));
      break;
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MemberStore store(*conn, no_draws_);
  if (by == MemberSearchBy::kNumber) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> found, store.FindByNumber(keys.front()));
    std::vector<Member> out;
    if (found.has_value() && found->brand_id == brand_id) out.push_back(std::move(*found));
    return out;
  }
  const IdentityKind kind =
      by == MemberSearchBy::kOpenid ? IdentityKind::kOpenid : IdentityKind::kPhone;
  std::map<int64_t, Member> found;
  for (const std::string& key : keys) {
    MILEAGE_ASSIGN_OR_RETURN(std::vector<Member> members,
                             by == MemberSearchBy::kPlate
                                 ? ByPlate(store, *conn, brand_id, key)
                                 : store.FindByIdentity(brand_id, kind, key, kMaxResults));
    for (Member& member : members) found.emplace(member.id, std::move(member));
  }
  std::vector<Member> out;
  for (auto& [id, member] : found) {
    if (static_cast<int64_t>(out.size()) < kMaxResults) out.push_back(std::move(member));
  }
  return out;
}

Result<MemberProfile> MemberDirectory::Profile(int64_t brand_id, int64_t member_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MemberStore store(*conn, no_draws_);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member, store.Find(member_id));
  if (!member.has_value() || member->brand_id != brand_id) {
    return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
  }
  MemberProfile out;
  out.member = std::move(*member);
  MILEAGE_ASSIGN_OR_RETURN(out.identities, store.Identities(member_id));
  MILEAGE_ASSIGN_OR_RETURN(out.tier_history, store.TierHistory(member_id));
  MILEAGE_ASSIGN_OR_RETURN(out.rolling_activity, store.RollingActivity(member_id, now));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<StoredVehicle> vehicles,
                           VehicleStore(*conn).OfMember(member_id));
  for (StoredVehicle& row : vehicles) out.vehicles.push_back(std::move(row.vehicle));
  return out;
}

}  // namespace mileage::members
