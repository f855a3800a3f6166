#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "db/member_export.h"
#include "kv/fixed_window.h"
#include "kv/kv.h"
#include "members/member_privacy.h"
#include "members/member_session_truth.h"

namespace mileage::privacy {

// Who asks: the member of the session (never an id from the request), the session's app and
// the client address, as the audit records them.
struct Requester {
  int64_t member_id = 0;
  int64_t brand_id = 0;
  std::string appid;
  std::string client_address;
};

// Everything Mileage holds about one member, each module's sections in turn (members, points,
// coupons, payments, care), personal data opened for the member alone.
struct MemberExport {
  int64_t member_id = 0;
  int64_t generated_at = 0;  // Unix seconds
  std::vector<db::ExportSection> sections;
};

// The outcome of a deletion request.
struct Deletion {
  int64_t member_id = 0;
  int64_t deleted_at = 0;   // Unix seconds, the first request's
  bool erased_now = false;  // false: the member had been deleted already (nothing changed)
};

// How often a member may export (each export reads every module's rows of the member).
struct MemberRightsLimits {
  int64_t exports = 3;
  std::chrono::seconds window{3600};
};

// A member's rights over their data (PIPL; issue 16 part 5): the export of everything held
// about them and their deletion, both recorded in privacy_requests and the brand's audit log
// (who and when, never the content). The modules' parts: members::MemberPrivacy,
// points::ExportMemberPoints, coupons::ExportMemberCoupons / EraseMemberCoupons,
// payments::ExportMemberPayments / EraseMemberPayer, care::ExportMemberCare / EraseMemberCare
// and growth::ExportMemberGrowth / EraseMemberGrowth; a module that adds personal data adds
// its part here. Owned by the composition root (the parts, database, Kv, clock and
// session truth must outlive it); safe for concurrent use.
class MemberRights {
 public:
  MemberRights(db::Db& db, kv::Kv& kv, const Clock& clock, const members::MemberPrivacy& members,
               members::MemberSessionTruth& truth, MemberRightsLimits limits = {});

  // The member's data, read in one transaction (one consistent view) that also records the
  // request. Errors: ResourceExhausted RATE_LIMITED (with *retry_after) past limits.exports in
  // the window; FailedPrecondition MEMBER_DELETED for a deleted member; NotFound
  // MEMBER_NOT_FOUND; Unavailable when the Kv or database fails; Internal when a sealed value
  // does not open.
  Result<MemberExport> Export(const Requester& who, std::chrono::seconds* retry_after);

  // Deletes the member's personal data in one transaction (every module's erase, the member
  // marked deleted, the request recorded), then ends their sessions. Idempotent: a repeated
  // request (or one that follows a crash before commit, which left nothing) answers the first
  // deletion with erased_now false. Errors: NotFound MEMBER_NOT_FOUND when no member of the
  // brand has the id; Unavailable when the database fails (nothing was erased: ask again).
  Result<Deletion> Delete(const Requester& who);

 private:
  // Export's reads (and its record) inside its transaction.
  Status ReadAll(db::Connection& conn, const Requester& who, MemberExport& out);
  // Delete's erasures (and its record) inside its transaction.
  Status EraseAll(db::Connection& conn, const Requester& who, int64_t now, Deletion& out);
  // Records the request in privacy_requests and the brand's audit log (action "member.export"
  // or "member.delete", no staff).
  Status Record(db::Connection& conn, const Requester& who, std::string_view kind, int64_t now);

  db::Db& db_;
  const Clock& clock_;
  const members::MemberPrivacy& members_;
  members::MemberSessionTruth& truth_;
  kv::FixedWindowLimit exports_;
};

}  // namespace mileage::privacy
