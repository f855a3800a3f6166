#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "care/activity_types.h"
#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// The SQL of care_activities and care_activity_signups (migration 0029) on one connection,
// usually inside the caller's transaction. Seats, waitlist positions and states move by
// conditional updates, so of concurrent writers exactly one wins (the others get false). Lives
// for one use of its connection; not safe for concurrent use. Errors: the db::Connection
// errors, plus those listed.
class ActivityStore {
 public:
  explicit ActivityStore(db::Connection& conn) : conn_(conn) {}

  Result<int64_t> InsertActivity(const Activity& activity);
  // `lock`: the latest version, locked until commit (MySQL FOR UPDATE); every sign-up and
  // cancellation of one activity locks it first, so they queue on its row.
  Result<std::optional<Activity>> FindActivity(int64_t id, bool lock = false);
  // The activities held by the node, newest start first.
  Result<PageOf<Activity>> OfNode(org::NodeType type, int64_t node_id, const PageRequest& page);
  // The brand's open activities whose sign-up has not closed at `now` and whose lowest tier
  // rank is at most `tier_rank`, by start.
  Result<PageOf<Activity>> OpenFor(int64_t brand_id, int64_t tier_rank, int64_t now,
                                   const PageRequest& page);
  // open -> cancelled.
  Result<bool> CancelActivity(int64_t id, int64_t now);
  // Takes one seat when one is free (seated < capacity) and the activity is open.
  Result<bool> TakeSeat(int64_t id);
  // Gives one seat back.
  Result<bool> FreeSeat(int64_t id);
  // The activity's next waitlist position (1, 2, ...), never handed out twice.
  Result<int64_t> TakePosition(int64_t id);

  // Inserts a live sign-up; AlreadyExists ALREADY_SIGNED_UP when the member has one.
  Result<int64_t> InsertSignup(const Signup& signup);
  Result<std::optional<Signup>> FindSignup(int64_t id, bool lock = false);
  // The member's live (not cancelled) sign-up for the activity.
  Result<std::optional<Signup>> FindLive(int64_t activity_id, int64_t member_id);
  // The waitlisted sign-up with the lowest position, locked.
  Result<std::optional<Signup>> FirstWaitlisted(int64_t activity_id);
  // waitlisted -> seated.
  Result<bool> Promote(int64_t id, int64_t now);
  // `from` -> cancelled (the live key cleared).
  Result<bool> CancelSignup(int64_t id, SignupState from, int64_t now);
  // seated -> checked_in.
  Result<bool> CheckIn(int64_t id, int64_t now);
  // The activity's sign-ups, id order.
  Result<PageOf<Signup>> OfActivity(int64_t activity_id, const PageRequest& page);
  // The activity's live sign-ups, id order.
  Result<std::vector<Signup>> LiveOf(int64_t activity_id);
  // The member's sign-ups, newest first.
  Result<PageOf<Signup>> OfMember(int64_t member_id, const PageRequest& page);
  // The member's seated and waitlisted sign-ups of activities starting after `now`, id order.
  Result<std::vector<Signup>> LiveOfMemberUpcoming(int64_t member_id, int64_t now);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::care
