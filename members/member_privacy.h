#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"
#include "members/phone_vault.h"
#include "members/vehicle_vault.h"

namespace mileage::members {

// The members module's part of a member's rights (issue 16 part 5; privacy/ assembles the
// modules' parts): what it holds about a member, PII opened for the export, and the erasure
// of that PII on deletion. Works inside the caller's transaction on its connection. Built by
// the composition root on the vaults (which must outlive it); immutable and safe for
// concurrent use (each call uses only its connection).
class MemberPrivacy {
 public:
  MemberPrivacy(const PhoneVault& phones, const VehicleVault& vehicles)
      : phones_(phones), vehicles_(vehicles) {}

  // Sections "member", "identities" (openids and unionid as held, the phone opened),
  // "profile", "consents", "tier_changes", "activity", "vehicles" (plate and VIN opened),
  // "mileage_corrections" and "partner_links". Errors: the Connection's; NotFound
  // MEMBER_NOT_FOUND when no member has the id; Internal when a sealed value does not open.
  Result<std::vector<db::ExportSection>> Export(db::Connection& conn, int64_t member_id) const;

  // Erases the member's personal data: the member row becomes status 'deleted' with deleted_at
  // (first payment day and tier grace cleared, so no greeting finds it), every identity is
  // deleted (openids, unionid, phone with its hash and sealed copy: the same openid enrols a
  // new member afterwards), the profile (nickname, birthday) is deleted, every vehicle is
  // deleted with its corrections (plate and VIN hashes and sealed copies), and the partner
  // links are ended (their pseudonymous ids stay for the ledger's history). Consents, tier
  // changes and monthly activity stay: they hold no personal data. The first statement is a
  // conditional update of the member row, which also locks it: false (nothing else done) when
  // the member was deleted already. Errors: the Connection's; NotFound MEMBER_NOT_FOUND.
  Result<bool> Erase(db::Connection& conn, int64_t member_id, int64_t now) const;

 private:
  Result<db::ExportSection> Identities(db::Connection& conn, int64_t member_id,
                                       int64_t brand_id) const;
  Result<db::ExportSection> Vehicles(db::Connection& conn, int64_t member_id,
                                     int64_t brand_id) const;

  const PhoneVault& phones_;
  const VehicleVault& vehicles_;
};

}  // namespace mileage::members
