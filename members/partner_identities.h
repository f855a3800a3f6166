#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"
#include "db/db.h"
#include "kv/fixed_window.h"
#include "kv/kv.h"
#include "members/member_codes.h"
#include "members/vehicle_vault.h"
#include "org/types.h"

namespace mileage::members {

// How a partner names the member it serves.
enum class MemberLookup {
  kCode,             // the counter code "mc2..." of GET /api/mp/card
  kPlate,            // a plate, for parking and toll partners only
  kPartnerMemberId,  // the "pm_..." id the partner was given before
};

// "code", "plate", "partner_member_id" (the JSON field names of a partner request's "member").
std::optional<MemberLookup> ParseMemberLookup(std::string_view field);

// A partner's reference to a member, as its request gives it.
struct MemberReference {
  MemberLookup by = MemberLookup::kCode;
  std::string value;
};

// A member as a partner identified them. `member_id` is ours (for the ledger) and never goes
// to the partner; `partner_member_id` is what the partner sees.
struct PartnerMember {
  int64_t member_id = 0;
  std::string partner_member_id;
  std::string tier;
};

// A partner that knows the member (a link not unlinked), as the member sees it.
struct LinkedPartner {
  int64_t partner_id = 0;
  std::string name;
  org::PartnerCategory category = org::PartnerCategory::kOther;
  int64_t linked_at = 0;  // Unix seconds, the current link's first identification
  int64_t last_seen_at = 0;
};

// How often a member may unlink partners (docs/OPERATIONS.md, "Member write limits"). A value
// type; constants of the deployment.
struct PartnerUnlinkLimits {
  int64_t unlinks = 30;
  std::chrono::seconds window{3600};
};

// Identifies members at partners without giving a partner anything it could link with another
// partner or with our records (issue 13; docs/API.md "Identifying members"). Each partner sees
// a member as partner_member_id = "pm_" + 32 lowercase hex of HMAC-SHA256 under
// DataKey::Derive("mileage/partner-member/v1") of "<brand id>|<partner id>|<member id>|
// <generation>", kept in partner_member_links (one row per partner, member and generation; the
// unique keys make racing first identifications one link). A member sees which partners know
// them and may unlink one: its id then stops resolving and the next identification makes
// generation + 1, a new unrelated id. Owned by the composition root; safe for concurrent use
// (each call takes its own pooled connection).
class PartnerIdentities {
 public:
  static constexpr std::string_view kKeyLabel = "mileage/partner-member/v1";

  PartnerIdentities(db::Db& db, const crypto::DataKey& data_key, MemberCodes& codes,
                    const VehicleVault& plates, kv::Kv& kv, const Clock& clock,
                    RandomSource& random, PartnerUnlinkLimits limits = {});

  // The member `partner` (authenticated by the caller) names by `ref`, creating or refreshing
  // (last_seen_at) the partner's link to them. A code or a plate links the member (a new
  // generation when the last link was unlinked); a partner_member_id resolves only while its
  // link is this partner's and not unlinked. Only members of the partner's brand, active ones.
  // Errors, with nothing written: NotFound MEMBER_NOT_FOUND with one message whatever the
  // reason (no such member, another brand's, suspended, a plate that is not exactly one
  // member's or whose member has not granted plate_recognition, another partner's or an
  // unlinked partner_member_id); the MemberCodes::Verify errors for a code (InvalidArgument
  // INVALID_MEMBER_CODE, also for another brand's code; FailedPrecondition
  // MEMBER_CODE_EXPIRED); InvalidArgument INVALID_PLATE (not a plate) or
  // INVALID_PARTNER_MEMBER_ID (not "pm_" + 32 lowercase hex); PermissionDenied
  // PLATE_LOOKUP_NOT_ALLOWED for a plate from a partner that is not parking or toll;
  // Unauthenticated PARTNER_INACTIVE for a deactivated partner; Internal when the key could
  // not be derived; the db errors.
  Result<PartnerMember> Identify(const org::Partner& partner, const MemberReference& ref);

  // The partners that know the member (links not unlinked), most recently seen first.
  // Errors: the db errors.
  Result<std::vector<LinkedPartner>> LinkedPartners(int64_t member_id);

  // Unlinks the partner from the member (idempotent: a link already unlinked is fine). Errors,
  // with nothing written: InvalidArgument INVALID_ID for an id <= 0; NotFound
  // PARTNER_NOT_FOUND when the member was never linked to the partner (unknown partners and
  // other members' partners alike); ResourceExhausted RATE_LIMITED with *retry_after set
  // (PartnerUnlinkLimits); Unavailable when the Kv fails; the db errors.
  Status Unlink(int64_t member_id, int64_t partner_id, std::chrono::seconds* retry_after);

  // The partner_member_id of a link: "pm_" + 32 lowercase hex. Internal when the key could
  // not be derived.
  Result<std::string> PartnerMemberId(int64_t brand_id, int64_t partner_id, int64_t member_id,
                                      int64_t generation) const;

 private:
  // The member of a plate hash in the brand whose plate_recognition consent is granted, on
  // `conn`; MEMBER_NOT_FOUND otherwise.
  Result<int64_t> MemberOfPlate(db::Connection& conn, int64_t brand_id,
                                const std::vector<std::string>& plate_hashes);
  // Links (or refreshes the link of) the member of `member_id`, or of the plate whose hashes
  // (one per data key) `plate_hash` holds when set.
  Result<PartnerMember> Link(const org::Partner& partner, int64_t member_id,
                             const std::optional<std::vector<std::string>>& plate_hash,
                             int64_t now);
  // In the caller's transaction, after the member's row lock: the active link, or a new one.
  Result<std::string> CurrentOrNewLink(db::Connection& conn, const org::Partner& partner,
                                       int64_t member_id, int64_t now);
  Result<PartnerMember> ByPartnerMemberId(const org::Partner& partner, const std::string& id,
                                          int64_t now);
  // The member, when it is an active member of `brand_id`: its tier. MEMBER_NOT_FOUND otherwise.
  Result<std::string> TierOfActiveMember(db::Connection& conn, int64_t brand_id, int64_t member_id);

  db::Db& db_;
  MemberCodes& codes_;
  const VehicleVault& plates_;
  const Clock& clock_;
  RandomSource& random_;
  kv::FixedWindowLimit unlinks_;
  Status setup_;
  std::unique_ptr<crypto::HmacSha256Key> mac_;
};

}  // namespace mileage::members
