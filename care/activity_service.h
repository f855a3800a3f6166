#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "care/activity_types.h"
#include "common/paging.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_codes.h"
#include "members/member_sessions.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::care {

// Owner activities (车主活动, docs/API.md "Activities"): staff of a node (brand, region, dealer
// or store) create activities for it with a capacity, a sign-up window and an optional lowest
// tier; members of the brand whose tier allows it sign up while the window is open and get a
// seat or, when the seats are taken, a place on the waitlist; cancelling a seated sign-up hands
// the seat to the first on the waitlist in the same transaction; staff check seated members in
// at the event by scanning their member code (members::MemberCodes) and may cancel the whole
// activity (every live sign-up cancelled). Invariants live in the database: a seat is a
// conditional update of the activity's count (never above capacity), a waitlist position comes
// from an update of the activity's counter (so positions only grow and never repeat), one live
// sign-up per member and activity (a unique key), state moves by conditional updates; every
// sign-up and cancellation locks the activity's row first, so promotions happen in waitlist
// order, once each. Each change commits with its outbox events (activity.signed_up,
// activity.waitlisted, activity.promoted, activity.cancelled, activity.checked_in); staff
// writes are audited ("activity.create", "activity.cancel", "activity.check_in").
// Owned by CareModule; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID, INVALID_PAGE; NotFound
// ACTIVITY_NOT_FOUND (another brand's, or outside the staff member's scope, answers so too),
// SIGNUP_NOT_FOUND (another member's answers so too); PermissionDenied (the role lacks the
// action); the db errors.
class ActivityService {
 public:
  ActivityService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                  members::MemberCodes& codes, members::TierPolicy tiers, RandomSource& random)
      : db_(db),
        authorizer_(authorizer),
        writer_(writer),
        codes_(codes),
        tiers_(std::move(tiers)),
        random_(random) {}

  // Creates an open activity for its node. Errors: InvalidArgument INVALID_FIELD (title 1..100,
  // description 0..2000, place 1..200 characters; capacity 1..100000), INVALID_TIME (starts_at
  // < ends_at, ends_at after now, signup_opens_at < signup_closes_at <= starts_at), INVALID_TIER
  // (not a tier of the policy); NotFound NOT_FOUND "<node> not found".
  Result<Activity> Create(const org::Actor& actor, const NewActivity& request, int64_t now);
  Result<Activity> Get(const org::Actor& actor, int64_t id);
  // The node's activities, newest start first. Errors: NotFound NOT_FOUND "<node> not found".
  Result<PageOf<Activity>> OfNode(const org::Actor& actor, org::NodeType type, int64_t node_id,
                                  const PageRequest& page);
  // open -> cancelled, every live sign-up cancelled with it. Errors: FailedPrecondition
  // ACTIVITY_CANCELLED.
  Result<Activity> Cancel(const org::Actor& actor, int64_t id, int64_t now);
  // The activity's sign-ups, id order.
  Result<PageOf<Signup>> Signups(const org::Actor& actor, int64_t id, const PageRequest& page);
  // The seated sign-up of the member whose code `member_code` is -> checked_in, from the day of
  // the activity's start (Beijing) until its end. Errors: the MemberCodes::Verify errors
  // (INVALID_MEMBER_CODE, MEMBER_CODE_EXPIRED); FailedPrecondition ACTIVITY_CANCELLED,
  // NOT_ACTIVITY_TIME, NOT_SIGNED_UP (no live sign-up), SIGNUP_WAITLISTED, SIGNUP_CHECKED_IN.
  Result<Signup> CheckIn(const org::Actor& actor, int64_t id, std::string_view member_code,
                         int64_t now);

  // The brand's open activities the member's tier allows whose sign-up has not closed, by start.
  Result<PageOf<Activity>> OpenForMember(const members::MemberPrincipal& member,
                                         const PageRequest& page, int64_t now);
  // One of the brand's activities.
  Result<Activity> GetForMember(const members::MemberPrincipal& member, int64_t id);
  // A seat, or the next waitlist position when the seats are taken. Errors: FailedPrecondition
  // ACTIVITY_CANCELLED, SIGNUP_NOT_OPEN, SIGNUP_CLOSED, TIER_TOO_LOW; AlreadyExists
  // ALREADY_SIGNED_UP.
  Result<Signup> SignUp(const members::MemberPrincipal& member, int64_t activity_id, int64_t now);
  // A seated or waitlisted sign-up -> cancelled before the activity starts; a freed seat goes to
  // the first waitlisted sign-up. Errors: FailedPrecondition SIGNUP_CANCELLED,
  // SIGNUP_CHECKED_IN, ACTIVITY_STARTED.
  Result<Signup> CancelSignup(const members::MemberPrincipal& member, int64_t signup_id,
                              int64_t now);
  // Staff cancel one member's sign-up of activity `activity_id` exactly as the member's own
  // cancel would (a freed seat goes to the first waitlisted sign-up); needs activity.write at
  // the activity's node; audited as "activity.cancel_signup". Errors: as CancelSignup;
  // NotFound SIGNUP_NOT_FOUND (a sign-up of another activity answers so too).
  Result<Signup> CancelSignupForStaff(const org::Actor& actor, int64_t activity_id,
                                      int64_t signup_id, int64_t now);
  Result<Signup> GetSignup(const members::MemberPrincipal& member, int64_t signup_id);
  // The member's sign-ups, newest first.
  Result<PageOf<Signup>> MySignups(const members::MemberPrincipal& member, const PageRequest& page);

 private:
  // The activity `id` when the staff actor may do `action` at its node; refusals of writes
  // audited under `base`.
  Result<Activity> StaffActivity(const org::Actor& actor, const org::AuditRecord* base,
                                 org::Action action, int64_t id);
  // The member's tier rank (0 when the tier is not in the policy).
  Result<int64_t> MemberRank(db::Connection& conn, int64_t member_id) const;

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  members::MemberCodes& codes_;
  const members::TierPolicy tiers_;
  RandomSource& random_;  // only for members::MemberStore, which reads here
};

// For a member's deletion: cancels each of their seated or waitlisted sign-ups of an activity
// that has not started, in the caller's transaction, as their own cancel would (a freed seat
// goes to the first waitlisted sign-up); how many. Sign-ups of started activities stay as the
// activity's record. Errors: the db errors.
Result<int64_t> CancelSignupsOfMember(db::Connection& tx, int64_t member_id, int64_t now);

}  // namespace mileage::care
