#pragma once

#include <cstdint>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_session_truth.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/principal.h"

namespace mileage::members {

// A member with their spend and visits over the rolling 12 months (members/rules.h
// RollingWindow), refunds deducted.
struct MemberWithActivity {
  Member member;
  int64_t spend_fen = 0;
  int64_t visits = 0;
};

// A member's account as a whole: read (the member API's own view) and suspended or
// reactivated by the operator. Suspension ends every session of the member: at once on this
// instance and, through the Kv's revocation mark, on every instance sharing the Kv; the
// database ends them everywhere else within the session truth's cache bound
// (MemberSessionTruth). A suspended member cannot log in. Owned by the composition root (or an
// operator command); safe for concurrent use.
class MemberAccounts {
 public:
  MemberAccounts(db::Db& db, RandomSource& random, org::AuditedWriter& writer,
                 MemberSessionTruth& truth)
      : db_(db), random_(random), writer_(writer), truth_(truth) {}

  // The member. NotFound MEMBER_NOT_FOUND; storage errors.
  Result<Member> Get(int64_t member_id);
  // The member and their rolling activity at `now`, in one statement. Errors as Get's.
  Result<MemberWithActivity> GetWithActivity(int64_t member_id, int64_t now);
  // The same on the caller's connection (a composed read that takes one connection).
  Result<MemberWithActivity> GetWithActivity(db::Connection& conn, int64_t member_id, int64_t now);
  // Sets the member's status to suspended or back to active, audited as member.suspend or
  // member.reactivate (idempotent: an unchanged status is recorded as such). Errors:
  // InvalidArgument INVALID_ID; PermissionDenied unless the actor is the operator (no console
  // route suspends members yet); NotFound MEMBER_NOT_FOUND; storage errors. A failure to write
  // the Kv mark after the commit is logged, not returned (the database decides anyway).
  Result<Member> SetSuspended(const org::Actor& actor, int64_t member_id, bool suspended);

 private:
  db::Db& db_;
  RandomSource& random_;
  org::AuditedWriter& writer_;
  MemberSessionTruth& truth_;
};

}  // namespace mileage::members
