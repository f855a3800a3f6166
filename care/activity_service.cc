#include "care/activity_service.h"

#include <string>
#include <utility>
#include <vector>

#include "care/activity_store.h"
#include "common/civil_time.h"
#include "db/outbox.h"
#include "members/member_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::care {
namespace {

Status ActivityNotFound(int64_t id) {
  return NotFoundError("activity " + std::to_string(id) + " not found", "ACTIVITY_NOT_FOUND");
}

Status SignupNotFound(int64_t id) {
  return NotFoundError("sign-up " + std::to_string(id) + " not found", "SIGNUP_NOT_FOUND");
}

Status ActivityCancelled(int64_t id) {
  return FailedPreconditionError("activity " + std::to_string(id) + " was cancelled",
                                 "ACTIVITY_CANCELLED");
}

Status InvalidTime(std::string_view message) {
  return InvalidArgumentError(std::string(message), "INVALID_TIME");
}

// Why a sign-up in its state cannot take the change asked for.
Status SignupStateError(const Signup& s) {
  const std::string label = "sign-up " + std::to_string(s.id);
  switch (s.state) {
    case SignupState::kCancelled:
      return FailedPreconditionError(label + " was cancelled", "SIGNUP_CANCELLED");
    case SignupState::kCheckedIn:
      return FailedPreconditionError(label + " is checked in", "SIGNUP_CHECKED_IN");
    case SignupState::kWaitlisted:
      return FailedPreconditionError(label + " is on the waitlist", "SIGNUP_WAITLISTED");
    case SignupState::kSeated:
      break;
  }
  return AbortedError(label + " changed");
}

org::AuditRecord Base(const char* action, int64_t id) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = "activity";
  base.object_id = id;
  return base;
}

Status AddEvent(db::Connection& tx, const char* topic, const Signup& s, int64_t now) {
  return db::AddOutboxEvent(tx, topic, s.brand_id, std::to_string(s.id),
                            db::PayloadJson({{"signup_id", s.id},
                                             {"activity_id", s.activity_id},
                                             {"member_id", s.member_id},
                                             {"state", SignupStateName(s.state)},
                                             {"position", s.position.value_or(0)}}),
                            now);
}

Status ValidateNew(const NewActivity& r, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(r.node_id, "node_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateText(r.title, "title", 1, 100));
  MILEAGE_RETURN_IF_ERROR(org::ValidateText(r.description, "description", 0, 2000));
  MILEAGE_RETURN_IF_ERROR(org::ValidateText(r.place, "place", 1, 200));
  if (r.capacity < 1 || r.capacity > Activity::kMaxCapacity) {
    return InvalidArgumentError(
        "field \"capacity\" must be 1.." + std::to_string(Activity::kMaxCapacity), "INVALID_FIELD");
  }
  if (r.starts_at >= r.ends_at) return InvalidTime("starts_at must be before ends_at");
  if (r.ends_at <= now) return InvalidTime("the activity must end in the future");
  if (r.signup_opens_at >= r.signup_closes_at) {
    return InvalidTime("signup_opens_at must be before signup_closes_at");
  }
  if (r.signup_closes_at > r.starts_at) {
    return InvalidTime("sign-up must close by the activity's start");
  }
  return Status::Ok();
}

// The reread sign-up after a write (Internal when it vanished).
Result<Signup> Reread(ActivityStore& store, int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> s, store.FindSignup(id));
  if (!s.has_value()) return InternalError("sign-up " + std::to_string(id) + " vanished");
  return std::move(*s);
}

// Cancels the live sign-up `s` of `activity` (locked by the caller) in the caller's
// transaction: a seat it held goes to the first waitlisted sign-up (promoted, with its event),
// or back to the activity when nobody waits. Writes the cancellation's event; the result is the
// cancelled sign-up.
Result<Signup> WriteCancellation(db::Connection& tx, const Signup& s, int64_t now) {
  ActivityStore store(tx);
  MILEAGE_ASSIGN_OR_RETURN(bool changed, store.CancelSignup(s.id, s.state, now));
  if (!changed) return AbortedError("sign-up " + std::to_string(s.id) + " changed");
  if (s.state == SignupState::kSeated) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> next, store.FirstWaitlisted(s.activity_id));
    if (next.has_value()) {
      MILEAGE_ASSIGN_OR_RETURN(bool promoted, store.Promote(next->id, now));
      if (!promoted) return AbortedError("sign-up " + std::to_string(next->id) + " changed");
      MILEAGE_ASSIGN_OR_RETURN(Signup seated, Reread(store, next->id));
      MILEAGE_RETURN_IF_ERROR(AddEvent(tx, "activity.promoted", seated, now));
    } else {
      MILEAGE_ASSIGN_OR_RETURN(bool freed, store.FreeSeat(s.activity_id));
      if (!freed)
        return InternalError("activity " + std::to_string(s.activity_id) + " had no seat");
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(Signup cancelled, Reread(store, s.id));
  MILEAGE_RETURN_IF_ERROR(AddEvent(tx, "activity.cancelled", cancelled, now));
  return cancelled;
}

// Cancels the sign-up `peek` (read unlocked by the caller, who has checked whose it is) in the
// caller's transaction: locks its activity's row, then the sign-up, and writes the cancellation
// when it is still live and the activity has not started. The one path for a member's own
// cancel and a staff member's. Errors: FailedPrecondition SIGNUP_CANCELLED, SIGNUP_CHECKED_IN,
// ACTIVITY_STARTED; the db errors.
Result<Signup> CancelLiveSignup(db::Connection& tx, const Signup& peek, int64_t now) {
  ActivityStore store(tx);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> a, store.FindActivity(peek.activity_id, true));
  if (!a.has_value()) return InternalError("the sign-up's activity vanished");
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> s, store.FindSignup(peek.id, true));
  if (!s.has_value()) return SignupNotFound(peek.id);
  if (s->state != SignupState::kSeated && s->state != SignupState::kWaitlisted) {
    return SignupStateError(*s);
  }
  if (now >= a->starts_at) {
    return FailedPreconditionError("the activity has started", "ACTIVITY_STARTED");
  }
  return WriteCancellation(tx, *s, now);
}

}  // namespace

Result<int64_t> CancelSignupsOfMember(db::Connection& tx, int64_t member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Signup> live,
                           ActivityStore(tx).LiveOfMemberUpcoming(member_id, now));
  for (const Signup& s : live) MILEAGE_RETURN_IF_ERROR(CancelLiveSignup(tx, s, now).status());
  return static_cast<int64_t>(live.size());
}

Result<int64_t> ActivityService::MemberRank(db::Connection& conn, int64_t member_id) const {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> m,
                           members::MemberStore(conn, random_).Find(member_id));
  if (!m.has_value()) return NotFoundError("member not found", "MEMBER_NOT_FOUND");
  return static_cast<int64_t>(members::TierRank(tiers_, m->tier).value_or(0));
}

Result<Activity> ActivityService::Create(const org::Actor& actor, const NewActivity& r,
                                         int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kActivityWrite));
  MILEAGE_RETURN_IF_ERROR(ValidateNew(r, now));
  int64_t rank = 0;
  if (r.min_tier.has_value()) {
    std::optional<size_t> found = members::TierRank(tiers_, *r.min_tier);
    if (!found.has_value()) {
      return InvalidArgumentError("min_tier is not a tier of the brand", "UNKNOWN_TIER");
    }
    rank = static_cast<int64_t>(*found);
  }
  org::AuditRecord base = Base("activity.create", 0);
  base.object_id.reset();
  const std::string label = org::NodeLabel(r.node_type, r.node_id);
  Activity created;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> node,
                                 org::NodeStore(tx).Find(r.node_type, r.node_id));
        if (!node.has_value()) return NotFoundError(label + " not found");
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.Check(actor, org::Action::kActivityWrite, node->path, label));
        Activity a;
        a.brand_id = node->path.brand_id;
        a.node_type = r.node_type;
        a.node_id = r.node_id;
        a.title = r.title;
        a.description = r.description;
        a.place = r.place;
        a.starts_at = r.starts_at;
        a.ends_at = r.ends_at;
        a.capacity = r.capacity;
        a.signup_opens_at = r.signup_opens_at;
        a.signup_closes_at = r.signup_closes_at;
        a.min_tier = r.min_tier;
        a.min_tier_rank = rank;
        a.created_at = a.updated_at = now;
        ActivityStore store(tx);
        MILEAGE_ASSIGN_OR_RETURN(int64_t id, store.InsertActivity(a));
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> stored, store.FindActivity(id));
        if (!stored.has_value()) return InternalError("activity vanished");
        created = std::move(*stored);
        record.brand_id = created.brand_id;
        record.object_id = id;
        record.detail = label + ": " + created.title;
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return created;
}

Result<Activity> ActivityService::StaffActivity(const org::Actor& actor,
                                                const org::AuditRecord* base, org::Action action,
                                                int64_t id) {
  auto refuse = [&](Status status) -> Status {
    return base != nullptr ? writer_.Refuse(actor, *base, std::move(status)) : status;
  };
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> a, ActivityStore(*conn).FindActivity(id));
  if (!a.has_value()) return refuse(ActivityNotFound(id));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> node,
                           org::NodeStore(*conn).Find(a->node_type, a->node_id));
  if (!node.has_value()) return InternalError("activity " + std::to_string(id) + " has no node");
  Status allowed = authorizer_.Check(actor, action, node->path, "activity");
  if (allowed.code() == StatusCode::kNotFound) allowed = ActivityNotFound(id);
  if (!allowed.ok()) return refuse(std::move(allowed));
  return std::move(*a);
}

Result<Activity> ActivityService::Get(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  return StaffActivity(actor, nullptr, org::Action::kActivityRead, id);
}

Result<PageOf<Activity>> ActivityService::OfNode(const org::Actor& actor, org::NodeType type,
                                                 int64_t node_id, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(node_id, "node_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  const std::string label = org::NodeLabel(type, node_id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> node,
                           org::NodeStore(*conn).Find(type, node_id));
  if (!node.has_value()) return NotFoundError(label + " not found");
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kActivityRead, node->path, label));
  return ActivityStore(*conn).OfNode(type, node_id, page);
}

Result<Activity> ActivityService::Cancel(const org::Actor& actor, int64_t id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kActivityWrite));
  const org::AuditRecord base = Base("activity.cancel", id);
  MILEAGE_ASSIGN_OR_RETURN(Activity a,
                           StaffActivity(actor, &base, org::Action::kActivityWrite, id));
  if (a.state == ActivityState::kCancelled) return ActivityCancelled(id);
  Activity cancelled;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        ActivityStore store(tx);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> locked, store.FindActivity(id, true));
        if (!locked.has_value()) return InternalError("activity vanished");
        MILEAGE_ASSIGN_OR_RETURN(bool changed, store.CancelActivity(id, now));
        if (!changed) return ActivityCancelled(id);
        MILEAGE_ASSIGN_OR_RETURN(std::vector<Signup> live, store.LiveOf(id));
        for (const Signup& s : live) {
          MILEAGE_ASSIGN_OR_RETURN(bool gone, store.CancelSignup(s.id, s.state, now));
          if (!gone) return AbortedError("sign-up " + std::to_string(s.id) + " changed");
          MILEAGE_ASSIGN_OR_RETURN(Signup after, Reread(store, s.id));
          MILEAGE_RETURN_IF_ERROR(AddEvent(tx, "activity.cancelled", after, now));
        }
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> stored, store.FindActivity(id));
        if (!stored.has_value()) return InternalError("activity vanished");
        cancelled = std::move(*stored);
        record.brand_id = cancelled.brand_id;
        record.detail = std::to_string(live.size()) + " sign-ups cancelled";
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return cancelled;
}

Result<PageOf<Signup>> ActivityService::Signups(const org::Actor& actor, int64_t id,
                                                const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(Activity a,
                           StaffActivity(actor, nullptr, org::Action::kActivityRead, id));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return ActivityStore(*conn).OfActivity(a.id, page);
}

Result<Signup> ActivityService::CheckIn(const org::Actor& actor, int64_t id,
                                        std::string_view member_code, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kActivityWrite));
  const org::AuditRecord base = Base("activity.check_in", id);
  MILEAGE_ASSIGN_OR_RETURN(Activity a,
                           StaffActivity(actor, &base, org::Action::kActivityWrite, id));
  MILEAGE_ASSIGN_OR_RETURN(int64_t member_id, codes_.Verify(a.brand_id, member_code, now));
  if (a.state == ActivityState::kCancelled) return ActivityCancelled(id);
  if (now < civil::BeijingStartOfDay(civil::BeijingDate(a.starts_at)) || now > a.ends_at) {
    return FailedPreconditionError("check-in is from the activity's day until its end",
                                   "NOT_ACTIVITY_TIME");
  }
  Signup checked_in;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        ActivityStore store(tx);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> s, store.FindLive(id, member_id));
        if (!s.has_value()) {
          return FailedPreconditionError("the member has not signed up for this activity",
                                         "NOT_SIGNED_UP");
        }
        MILEAGE_ASSIGN_OR_RETURN(bool moved, store.CheckIn(s->id, now));
        MILEAGE_ASSIGN_OR_RETURN(checked_in, Reread(store, s->id));
        if (!moved) return SignupStateError(checked_in);
        record.brand_id = checked_in.brand_id;
        record.detail =
            "member " + std::to_string(member_id) + ", sign-up " + std::to_string(checked_in.id);
        return AddEvent(tx, "activity.checked_in", checked_in, now);
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return checked_in;
}

Result<PageOf<Activity>> ActivityService::OpenForMember(const members::MemberPrincipal& member,
                                                        const PageRequest& page, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(int64_t rank, MemberRank(*conn, member.member_id));
  return ActivityStore(*conn).OpenFor(member.brand_id, rank, now, page);
}

Result<Activity> ActivityService::GetForMember(const members::MemberPrincipal& member, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> a, ActivityStore(*conn).FindActivity(id));
  if (!a.has_value() || a->brand_id != member.brand_id) return ActivityNotFound(id);
  return std::move(*a);
}

Result<Signup> ActivityService::SignUp(const members::MemberPrincipal& member, int64_t activity_id,
                                       int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(activity_id, "activity_id"));
  Signup signed_up;
  const Status written = db::InTransaction(db_, [&](db::Connection& tx) -> Status {
    ActivityStore store(tx);
    // The activity's row first: sign-ups and cancellations of one activity queue here.
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Activity> a, store.FindActivity(activity_id, true));
    if (!a.has_value() || a->brand_id != member.brand_id) return ActivityNotFound(activity_id);
    if (a->state == ActivityState::kCancelled) return ActivityCancelled(activity_id);
    if (now < a->signup_opens_at) {
      return FailedPreconditionError("sign-up has not opened yet", "SIGNUP_NOT_OPEN");
    }
    if (now >= a->signup_closes_at) {
      return FailedPreconditionError("sign-up has closed", "SIGNUP_CLOSED");
    }
    MILEAGE_ASSIGN_OR_RETURN(int64_t rank, MemberRank(tx, member.member_id));
    if (rank < a->min_tier_rank) {
      return FailedPreconditionError(
          "the activity is for " + a->min_tier.value_or("") + " members and above", "TIER_TOO_LOW");
    }
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> live,
                             store.FindLive(activity_id, member.member_id));
    if (live.has_value()) {
      return AlreadyExistsError("you have signed up for this activity already",
                                "ALREADY_SIGNED_UP");
    }
    Signup s;
    s.brand_id = a->brand_id;
    s.activity_id = activity_id;
    s.member_id = member.member_id;
    s.created_at = s.updated_at = now;
    MILEAGE_ASSIGN_OR_RETURN(bool seated, store.TakeSeat(activity_id));
    if (seated) {
      s.state = SignupState::kSeated;
    } else {
      s.state = SignupState::kWaitlisted;
      MILEAGE_ASSIGN_OR_RETURN(s.position, store.TakePosition(activity_id));
    }
    MILEAGE_ASSIGN_OR_RETURN(int64_t id, store.InsertSignup(s));
    MILEAGE_ASSIGN_OR_RETURN(signed_up, Reread(store, id));
    return AddEvent(tx, seated ? "activity.signed_up" : "activity.waitlisted", signed_up, now);
  });
  MILEAGE_RETURN_IF_ERROR(written);
  return signed_up;
}

Result<Signup> ActivityService::CancelSignup(const members::MemberPrincipal& member,
                                             int64_t signup_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(signup_id, "id"));
  Signup cancelled;
  const Status written = db::InTransaction(db_, [&](db::Connection& tx) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> peek, ActivityStore(tx).FindSignup(signup_id));
    if (!peek.has_value() || peek->member_id != member.member_id) {
      return SignupNotFound(signup_id);
    }
    MILEAGE_ASSIGN_OR_RETURN(cancelled, CancelLiveSignup(tx, *peek, now));
    return Status::Ok();
  });
  MILEAGE_RETURN_IF_ERROR(written);
  return cancelled;
}

Result<Signup> ActivityService::CancelSignupForStaff(const org::Actor& actor, int64_t activity_id,
                                                     int64_t signup_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(activity_id, "id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(signup_id, "signup_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kActivityWrite));
  const org::AuditRecord base = Base("activity.cancel_signup", activity_id);
  MILEAGE_ASSIGN_OR_RETURN(Activity a,
                           StaffActivity(actor, &base, org::Action::kActivityWrite, activity_id));
  Signup cancelled;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> peek,
                                 ActivityStore(tx).FindSignup(signup_id));
        if (!peek.has_value() || peek->activity_id != a.id) return SignupNotFound(signup_id);
        MILEAGE_ASSIGN_OR_RETURN(cancelled, CancelLiveSignup(tx, *peek, now));
        record.brand_id = cancelled.brand_id;
        record.detail = "member " + std::to_string(cancelled.member_id) + ", sign-up " +
                        std::to_string(cancelled.id);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return cancelled;
}

Result<Signup> ActivityService::GetSignup(const members::MemberPrincipal& member,
                                          int64_t signup_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(signup_id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Signup> s, ActivityStore(*conn).FindSignup(signup_id));
  if (!s.has_value() || s->member_id != member.member_id) return SignupNotFound(signup_id);
  return std::move(*s);
}

Result<PageOf<Signup>> ActivityService::MySignups(const members::MemberPrincipal& member,
                                                  const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return ActivityStore(*conn).OfMember(member.member_id, page);
}

}  // namespace mileage::care
