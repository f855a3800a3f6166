#include "members/partner_identities.h"

#include <algorithm>

#include "crypto/hex.h"
#include "db/sql_dialect.h"
#include "members/member_profile.h"
#include "members/member_store.h"
#include "members/vehicle_store.h"
#include "org/partner_store.h"

namespace mileage::members {
namespace {

constexpr std::string_view kUnlinksPrefix = "mp:partner-unlinks:";
constexpr std::string_view kIdPrefix = "pm_";
constexpr size_t kIdHexLength = 32;
// Attempts of an identification: racing first identifications at one partner may still abort
// (a lock wait or a link made meanwhile); each attempt is a new transaction.
constexpr int kAttempts = 8;
// How stale a link's last_seen_at may get before a resolution by partner_member_id refreshes it.
constexpr int64_t kLastSeenResolutionS = 60;

// The one answer for every member a partner may not see, so that it tells nothing.
Status MemberNotFound() {
  return NotFoundError("no member matches the reference", "MEMBER_NOT_FOUND");
}

bool IsPartnerMemberId(std::string_view id) {
  if (id.size() != kIdPrefix.size() + kIdHexLength || !id.starts_with(kIdPrefix)) return false;
  for (char c : id.substr(kIdPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool MayLookUpPlates(org::PartnerCategory category) {
  return category == org::PartnerCategory::kParking || category == org::PartnerCategory::kToll;
}

// A NotFound of a step (e.g. MemberStore::LockMember's, which names the id) as the one answer.
Status Uniform(Status status) {
  return status.code() == StatusCode::kNotFound ? MemberNotFound() : status;
}

}  // namespace

std::optional<MemberLookup> ParseMemberLookup(std::string_view field) {
  if (field == "code") return MemberLookup::kCode;
  if (field == "plate") return MemberLookup::kPlate;
  if (field == "partner_member_id") return MemberLookup::kPartnerMemberId;
  return std::nullopt;
}

PartnerIdentities::PartnerIdentities(db::Db& db, const crypto::DataKey& data_key,
                                     MemberCodes& codes, const VehicleVault& plates, kv::Kv& kv,
                                     const Clock& clock, RandomSource& random,
                                     PartnerUnlinkLimits limits)
    : db_(db),
      codes_(codes),
      plates_(plates),
      clock_(clock),
      random_(random),
      unlinks_(kv, clock, std::string(kUnlinksPrefix), limits.unlinks, limits.window,
               "partner unlinks") {
  Result<crypto::Key256> key = data_key.Derive(kKeyLabel);
  if (!key.ok()) {
    setup_ = key.status();
    return;
  }
  mac_ = std::make_unique<crypto::HmacSha256Key>(*key);
}

Result<std::string> PartnerIdentities::PartnerMemberId(int64_t brand_id, int64_t partner_id,
                                                       int64_t member_id,
                                                       int64_t generation) const {
  MILEAGE_RETURN_IF_ERROR(setup_);
  const std::string text = std::to_string(brand_id) + "|" + std::to_string(partner_id) + "|" +
                           std::to_string(member_id) + "|" + std::to_string(generation);
  MILEAGE_ASSIGN_OR_RETURN(crypto::Digest256 mac, mac_->Sign(text));
  return std::string(kIdPrefix) +
         crypto::HexEncode(std::span<const uint8_t>(mac.data(), kIdHexLength / 2));
}

Result<PartnerMember> PartnerIdentities::Identify(const org::Partner& partner,
                                                  const MemberReference& ref) {
  if (!partner.active) {
    return UnauthenticatedError("the partner is deactivated", "PARTNER_INACTIVE");
  }
  const int64_t now = UnixSeconds(clock_.Now());
  switch (ref.by) {
    case MemberLookup::kCode: {
      MILEAGE_ASSIGN_OR_RETURN(int64_t member_id, codes_.Verify(partner.brand_id, ref.value, now));
      return Link(partner, member_id, std::nullopt, now);
    }
    case MemberLookup::kPlate: {
      if (!MayLookUpPlates(partner.category)) {
        return PermissionDeniedError("only parking and toll partners may identify by plate",
                                     "PLATE_LOOKUP_NOT_ALLOWED");
      }
      MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> hashes, plates_.PlateHashes(ref.value));
      return Link(partner, 0, hashes, now);
    }
    case MemberLookup::kPartnerMemberId:
      if (!IsPartnerMemberId(ref.value)) {
        return InvalidArgumentError("partner_member_id must be \"pm_\" and 32 lowercase hex digits",
                                    "INVALID_PARTNER_MEMBER_ID");
      }
      return ByPartnerMemberId(partner, ref.value, now);
  }
  return MemberNotFound();
}

Result<int64_t> PartnerIdentities::MemberOfPlate(db::Connection& conn, int64_t brand_id,
                                                 const std::vector<std::string>& plate_hashes) {
  // Two holders would make the plate ambiguous: neither is identified. Each data key's hash is
  // tried while a rotation runs.
  std::vector<int64_t> holders;
  for (const std::string& hash : plate_hashes) {
    MILEAGE_ASSIGN_OR_RETURN(std::vector<int64_t> found,
                             VehicleStore(conn).MembersByPlate(brand_id, hash, 2));
    for (int64_t id : found) {
      if (std::find(holders.begin(), holders.end(), id) == holders.end()) holders.push_back(id);
    }
  }
  if (holders.size() != 1) return MemberNotFound();
  MILEAGE_ASSIGN_OR_RETURN(
      bool granted, MemberProfiles::Granted(conn, holders.front(), ConsentKind::kPlateRecognition));
  if (!granted) return MemberNotFound();
  return holders.front();
}

Result<std::string> PartnerIdentities::TierOfActiveMember(db::Connection& conn, int64_t brand_id,
                                                          int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member,
                           MemberStore(conn, random_).Find(member_id));
  if (!member.has_value() || member->brand_id != brand_id || member->status != "active") {
    return MemberNotFound();
  }
  return member->tier;
}

Result<PartnerMember> PartnerIdentities::Link(
    const org::Partner& partner, int64_t member_id,
    const std::optional<std::vector<std::string>>& plate_hash, int64_t now) {
  PartnerMember out;
  const Status linked = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        out = PartnerMember();
        out.member_id = member_id;
        if (plate_hash.has_value()) {
          MILEAGE_ASSIGN_OR_RETURN(out.member_id,
                                   MemberOfPlate(conn, partner.brand_id, *plate_hash));
        }
        // One identification of a member at a time, so that a new generation follows the link it
        // read (the unique keys still decide between racers).
        MILEAGE_RETURN_IF_ERROR(Uniform(MemberStore(conn, random_).LockMember(out.member_id)));
        MILEAGE_ASSIGN_OR_RETURN(out.tier,
                                 TierOfActiveMember(conn, partner.brand_id, out.member_id));
        MILEAGE_ASSIGN_OR_RETURN(out.partner_member_id,
                                 CurrentOrNewLink(conn, partner, out.member_id, now));
        return Status::Ok();
      },
      kAttempts);
  if (!linked.ok()) return linked;
  return out;
}

Result<std::string> PartnerIdentities::CurrentOrNewLink(db::Connection& conn,
                                                        const org::Partner& partner,
                                                        int64_t member_id, int64_t now) {
  // A plain read: the member's row lock (Link) already serializes identifications of the
  // member. A locking read of a link that does not exist yet would take a gap lock on
  // MariaDB, and two first identifications of different members at one partner would then
  // deadlock on their inserts into the same gap.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> latest,
      conn.Query("SELECT id, partner_member_id, generation, unlinked_at FROM partner_member_links "
                 "WHERE partner_id = ? AND member_id = ? ORDER BY generation DESC LIMIT 1",
                 {db::Value(partner.id), db::Value(member_id)}));
  if (!latest.empty() && latest.front().IsNull(3)) {
    MILEAGE_RETURN_IF_ERROR(
        conn.Exec("UPDATE partner_member_links SET last_seen_at = ? WHERE id = ?",
                  {db::Value(now), db::Value(latest.front().Int(0))})
            .status());
    return latest.front().Text(1);
  }
  const int64_t generation = latest.empty() ? 1 : latest.front().Int(2) + 1;
  MILEAGE_ASSIGN_OR_RETURN(std::string id,
                           PartnerMemberId(partner.brand_id, partner.id, member_id, generation));
  MILEAGE_RETURN_IF_ERROR(
      conn.Exec(std::string(db::InsertIgnoreInto(conn.dialect())) +
                    " partner_member_links (brand_id, partner_id, member_id, partner_member_id, "
                    "generation, linked_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                {db::Value(partner.brand_id), db::Value(partner.id), db::Value(member_id),
                 db::Value(id), db::Value(generation), db::Value(now), db::Value(now)})
          .status());
  // Whichever insert won, the link of this generation is the one row the unique key allows.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> row,
      conn.Query("SELECT partner_member_id FROM partner_member_links WHERE partner_id = ? AND "
                 "member_id = ? AND generation = ? AND unlinked_at IS NULL",
                 {db::Value(partner.id), db::Value(member_id), db::Value(generation)}));
  if (row.empty()) return AbortedError("the partner link changed meanwhile; retry");
  return row.front().Text(0);
}

// A read and, at most once per kLastSeenResolutionS, a one-statement update: resolving a
// pseudonym the partner already has is on every earning's path, and a write transaction here
// (an fsync on SQLite) cost as much as the earning itself. A member who unlinks meanwhile is
// resolved once more, as with a lock that ends at this call's commit.
Result<PartnerMember> PartnerIdentities::ByPartnerMemberId(const org::Partner& partner,
                                                           const std::string& id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn->Query("SELECT id, member_id, partner_id, unlinked_at, last_seen_at "
                  "FROM partner_member_links WHERE partner_member_id = ?",
                  {db::Value(id)}));
  if (rows.empty() || rows.front().Int(2) != partner.id || !rows.front().IsNull(3)) {
    return MemberNotFound();
  }
  PartnerMember out;
  out.member_id = rows.front().Int(1);
  out.partner_member_id = id;
  MILEAGE_ASSIGN_OR_RETURN(out.tier, TierOfActiveMember(*conn, partner.brand_id, out.member_id));
  if (now - rows.front().Int(4) >= kLastSeenResolutionS) {
    MILEAGE_RETURN_IF_ERROR(
        conn->Exec("UPDATE partner_member_links SET last_seen_at = ? WHERE id = ? AND "
                   "last_seen_at < ?",
                   {db::Value(now), db::Value(rows.front().Int(0)), db::Value(now)})
            .status());
  }
  return out;
}

Result<std::vector<LinkedPartner>> PartnerIdentities::LinkedPartners(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn->Query("SELECT partner_id, linked_at, last_seen_at FROM partner_member_links WHERE "
                  "member_id = ? AND unlinked_at IS NULL ORDER BY last_seen_at DESC, partner_id",
                  {db::Value(member_id)}));
  std::vector<LinkedPartner> out;
  org::PartnerStore partners(*conn);
  for (const db::Row& row : rows) {
    // A member knows few partners: one read of each through org's store.
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Partner> partner, partners.Find(row.Int(0)));
    if (!partner.has_value()) continue;
    out.push_back({.partner_id = partner->id,
                   .name = partner->name,
                   .category = partner->category,
                   .linked_at = row.Int(1),
                   .last_seen_at = row.Int(2)});
  }
  return out;
}

Status PartnerIdentities::Unlink(int64_t member_id, int64_t partner_id,
                                 std::chrono::seconds* retry_after) {
  if (member_id <= 0 || partner_id <= 0) {
    return InvalidArgumentError("ids must be positive", "INVALID_ID");
  }
  MILEAGE_RETURN_IF_ERROR(unlinks_.Take(std::to_string(member_id), retry_after));
  const int64_t now = UnixSeconds(clock_.Now());
  return db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> known,
        conn.Query("SELECT COUNT(*) FROM partner_member_links WHERE member_id = ? AND "
                   "partner_id = ?",
                   {db::Value(member_id), db::Value(partner_id)}));
    if (known.front().Int(0) == 0) {
      return NotFoundError("partner " + std::to_string(partner_id) + " not found",
                           "PARTNER_NOT_FOUND");
    }
    return conn
        .Exec(
            "UPDATE partner_member_links SET unlinked_at = ? WHERE member_id = ? AND "
            "partner_id = ? AND unlinked_at IS NULL",
            {db::Value(now), db::Value(member_id), db::Value(partner_id)})
        .status();
  });
}

}  // namespace mileage::members
