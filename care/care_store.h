#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "care/types.h"
#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// The SQL of care_schedules, care_holidays, care_slots and care_appointments (migration 0028)
// on one connection, usually inside the caller's transaction. Seats and states move by
// conditional updates, so of concurrent writers exactly one wins (the others get false).
// Lives for one use of its connection; not safe for concurrent use. Errors: the
// db::Connection errors, plus those listed.
class CareStore {
 public:
  explicit CareStore(db::Connection& conn) : conn_(conn) {}

  Result<std::optional<Schedule>> FindSchedule(int64_t store_id);
  // Replaces the store's schedule and holidays.
  Status SaveSchedule(int64_t brand_id, const Schedule& schedule);

  // Inserts the slot unless the store has one at that start; whether it did.
  Result<bool> InsertSlotIfNew(const Slot& slot);
  // Inserts the slot; AlreadyExists SLOT_EXISTS when the store has one at that start.
  Result<int64_t> InsertSlot(const Slot& slot);
  Result<std::optional<Slot>> FindSlot(int64_t id);
  // The store's slots starting in [from, to), by start.
  Result<std::vector<Slot>> SlotsBetween(int64_t store_id, int64_t from, int64_t to);
  // Takes one seat of the slot when one is free (booked < capacity).
  Result<bool> TakeSeat(int64_t slot_id);
  // Gives one seat back.
  Result<bool> FreeSeat(int64_t slot_id);

  // Inserts a booked appointment; AlreadyExists ALREADY_BOOKED when the member has a live
  // appointment in the slot.
  Result<int64_t> InsertAppointment(const Appointment& appointment);
  // `lock`: the latest version, locked until commit (MySQL FOR UPDATE).
  Result<std::optional<Appointment>> FindAppointment(int64_t id, bool lock = false);
  // A booked appointment in `from_slot` moved to `to` (its start copied), its reminder reset.
  // AlreadyExists ALREADY_BOOKED as InsertAppointment.
  Result<bool> Move(int64_t id, int64_t from_slot, const Slot& to, int64_t now);
  // booked -> cancelled, and with `checked_in_too` also checked_in -> cancelled (the live slot
  // cleared).
  Result<bool> Cancel(int64_t id, int64_t now, bool checked_in_too = false);
  // booked -> checked_in.
  Result<bool> CheckIn(int64_t id, int64_t now);
  // checked_in -> completed with the coupon's redemption, if any (the live slot cleared).
  Result<bool> Complete(int64_t id, std::optional<int64_t> redemption_id, int64_t now);

  // The member's appointments, newest first.
  Result<PageOf<Appointment>> OfMember(int64_t member_id, const PageRequest& page);
  // The member's booked and checked-in appointments, id order.
  Result<std::vector<Appointment>> LiveOfMember(int64_t member_id);
  // The store's appointments starting in [from, to), by start.
  Result<PageOf<Appointment>> AtStore(int64_t store_id, int64_t from, int64_t to,
                                      const PageRequest& page);
  // Up to `limit` booked appointments starting in [from, to) not reminded yet, id order. A
  // plain read: MarkReminded decides.
  Result<std::vector<Appointment>> DueForReminder(int64_t from, int64_t to, int64_t limit);
  // Records the reminder when the appointment is still booked and was not reminded yet.
  Result<bool> MarkReminded(int64_t id, int64_t now);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::care
