#pragma once

#include <cstdint>
#include <vector>

#include "care/types.h"
#include "common/day_range.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_sessions.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/types.h"

namespace mileage::care {

// A store's service schedule and slots (docs/API.md, "Appointments"): staff set the weekly
// schedule (opening hours, closed days, slot length and seats, services, change cutoff),
// generate slots from it for a range of Beijing days (holidays and closed days skipped, a start
// that has a slot already left alone: the unique (store, start) key decides) or create single
// slots; staff and members list slots with their remaining seats. Staff act on stores in their
// scope only (kScheduleWrite to write, kAppointmentRead to read; a store outside it answers
// NOT_FOUND like an unknown one); writes are audited ("schedule.put", "slots.generate",
// "slot.create"). Members see the active stores of their brand. Owned by the composition root;
// safe for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID; NotFound NOT_FOUND "store N not
// found"; PermissionDenied (the role lacks the action); the db errors.
class ScheduleService {
 public:
  // Longest range of one slot listing and of one generation.
  static constexpr int64_t kMaxListDays = 31;
  static constexpr int64_t kMaxGenerateDays = 62;

  ScheduleService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : db_(db), authorizer_(authorizer), writer_(writer) {}

  // The store's schedule. NotFound SCHEDULE_NOT_FOUND when it has none.
  Result<Schedule> Get(const org::Actor& actor, int64_t store_id);
  // Replaces the store's schedule (slots made before stay). Errors: ValidateSchedule's.
  Result<Schedule> Put(const org::Actor& actor, Schedule schedule, int64_t now);
  // Makes the slots of the schedule on the days of `range` (from today on; to defaults to
  // today) that start after `now`; returns how many it created. Errors: InvalidArgument
  // INVALID_FIELD (ResolveDayRange's, more than kMaxGenerateDays, a day before today);
  // FailedPrecondition STORE_INACTIVE; NotFound SCHEDULE_NOT_FOUND.
  Result<int64_t> Generate(const org::Actor& actor, int64_t store_id, const civil::DayRange& range,
                           int64_t now);
  // Creates one slot. Errors: ValidateNewSlot's; InvalidArgument SLOT_IN_PAST (start not after
  // now); AlreadyExists SLOT_EXISTS; FailedPrecondition STORE_INACTIVE.
  Result<Slot> CreateSlot(const org::Actor& actor, int64_t store_id, const NewSlot& slot,
                          int64_t now);
  // The store's slots on the days of `range`, past ones included. Errors: InvalidArgument
  // INVALID_FIELD (ResolveDayRange's with kMaxListDays).
  Result<std::vector<Slot>> StoreSlots(const org::Actor& actor, int64_t store_id,
                                       const civil::DayRange& range, int64_t now);
  // The slots of an active store of the member's brand on the days of `range` that start
  // after `now`, with their remaining seats (full ones too). Errors: InvalidArgument
  // INVALID_FIELD as StoreSlots; NotFound NOT_FOUND for another brand's or an inactive store.
  Result<std::vector<Slot>> BookableSlots(const members::MemberPrincipal& member, int64_t store_id,
                                          const civil::DayRange& range, int64_t now);

 private:
  // The store named by `store_id` when the actor may do `action` on it.
  Result<org::Node> StaffStore(db::Connection& conn, const org::Actor& actor, org::Action action,
                               int64_t store_id);
  // StaffStore with a refusal recorded by the audited writer.
  Result<org::Node> WritableStore(const org::Actor& actor, const org::AuditRecord& base,
                                  int64_t store_id);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
};

}  // namespace mileage::care
