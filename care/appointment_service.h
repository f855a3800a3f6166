#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "care/types.h"
#include "common/civil_time.h"
#include "common/paging.h"
#include "common/result.h"
#include "coupons/redemption_service.h"
#include "db/db.h"
#include "members/member_codes.h"
#include "members/member_sessions.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::care {

// Members' service appointments (docs/API.md, "Appointments"). A member books a seat in a slot
// of an active store of their brand for one of their vehicles and a service the slot offers,
// optionally attaching one of their exchange coupons redeemable at that store and valid at the
// slot's start, which is then held for the appointment ("appointment:<id>") so the counter
// cannot redeem it; they reschedule (to another slot of the same store) or cancel while the
// slot is booked and the store's cutoff before its start has not passed (cancelling frees the
// seat and the coupon). Staff of the store's scope list a day's appointments, check a member in
// on the slot's Beijing day by scanning the member's code (members::MemberCodes), and complete
// a checked-in appointment, which redeems the held coupon through
// coupons::RedemptionService::RedeemReserved (recorded like any redemption at that store, once
// under any repetition or concurrency). Invariants live in the database: a seat is a
// conditional update of the slot's count (never above capacity), one live appointment per
// member and slot (a unique key), a coupon held once (a conditional update), state moves by
// conditional updates. Each booking, reschedule and cancellation commits in one transaction with
// its outbox event; staff writes are audited ("appointment.check_in", "appointment.complete",
// "appointment.cancel").
// Owned by the composition root; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID; NotFound APPOINTMENT_NOT_FOUND
// (another member's appointment, or a store outside the staff member's scope, answers so too);
// FailedPrecondition APPOINTMENT_CANCELLED, APPOINTMENT_COMPLETED, APPOINTMENT_CHECKED_IN,
// NOT_CHECKED_IN when the appointment's state does not allow the change; PermissionDenied (the
// role lacks the action); the db errors.
class AppointmentService {
 public:
  AppointmentService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                     members::MemberCodes& codes, coupons::RedemptionService& redemptions)
      : db_(db),
        authorizer_(authorizer),
        writer_(writer),
        codes_(codes),
        redemptions_(redemptions) {}

  // Books the slot. Errors, in order: InvalidArgument INVALID_ID, INVALID_SERVICE_TYPE; NotFound
  // SLOT_NOT_FOUND (unknown or another brand's); FailedPrecondition STORE_INACTIVE,
  // SLOT_STARTED, SERVICE_NOT_OFFERED; NotFound VEHICLE_NOT_FOUND, COUPON_NOT_FOUND (not the
  // member's); FailedPrecondition COUPON_NOT_ATTACHABLE (not an exchange coupon), WRONG_STORE,
  // the coupons::CheckUsable errors at the slot's start, COUPON_RESERVED; SLOT_FULL;
  // AlreadyExists ALREADY_BOOKED.
  Result<Appointment> Book(const members::MemberPrincipal& member, const BookRequest& request,
                           int64_t now);
  // Moves a booked appointment to `slot_id`. Errors: FailedPrecondition CHANGE_CUTOFF_PASSED;
  // NotFound SLOT_NOT_FOUND; FailedPrecondition SLOT_OTHER_STORE, SAME_SLOT, SLOT_STARTED,
  // SERVICE_NOT_OFFERED, COUPON_EXPIRED / COUPON_NOT_YET_VALID (the coupon at the new start),
  // SLOT_FULL; AlreadyExists ALREADY_BOOKED.
  Result<Appointment> Reschedule(const members::MemberPrincipal& member, int64_t id,
                                 int64_t slot_id, int64_t now);
  // Cancels a booked appointment. Errors: FailedPrecondition CHANGE_CUTOFF_PASSED.
  Result<Appointment> Cancel(const members::MemberPrincipal& member, int64_t id, int64_t now);
  Result<Appointment> Get(const members::MemberPrincipal& member, int64_t id);
  // The member's appointments, newest first. InvalidArgument INVALID_PAGE.
  Result<PageOf<Appointment>> List(const members::MemberPrincipal& member, const PageRequest& page);

  // The store's appointments on the Beijing `day` (default today), by start, with their
  // member's number and masked phone, vehicle's masked plate and model and coupon's title.
  // Errors:
  // InvalidArgument INVALID_PAGE; NotFound NOT_FOUND "store N not found".
  Result<PageOf<AppointmentListing>> StoreDay(const org::Actor& actor, int64_t store_id,
                                              const std::optional<civil::Date>& day,
                                              const PageRequest& page, int64_t now);
  // booked -> checked_in on the slot's Beijing day, when `member_code` is the appointment's
  // member's. Errors: the MemberCodes::Verify errors (INVALID_MEMBER_CODE,
  // MEMBER_CODE_EXPIRED); FailedPrecondition WRONG_MEMBER, NOT_APPOINTMENT_DAY.
  Result<Appointment> CheckIn(const org::Actor& actor, int64_t id, std::string_view member_code,
                              int64_t now);
  // Cancels a booked or checked-in appointment for the store (a no-show, a closure), whatever
  // the cutoff: the seat and the coupon are freed as by the member's cancel.
  Result<Appointment> CancelByStaff(const org::Actor& actor, int64_t id, int64_t now);
  // checked_in -> completed, redeeming the held coupon first. Errors: the
  // RedemptionService::RedeemReserved errors (e.g. COUPON_EXPIRED when the coupon expired
  // since the booking; the appointment then stays checked in).
  Result<Appointment> Complete(const org::Actor& actor, int64_t id, int64_t now);

 private:
  // The appointment `id` when the staff actor may do `action` at its store; refusals audited
  // under `base`.
  Result<Appointment> StaffAppointment(const org::Actor& actor, const org::AuditRecord& base,
                                       org::Action action, int64_t id);
  // The reread appointment after a write of `id` (Internal when it vanished).
  static Result<Appointment> Reread(db::Connection& conn, int64_t id);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  members::MemberCodes& codes_;
  coupons::RedemptionService& redemptions_;
};

// For a member's deletion: cancels each of their booked or checked-in appointments in the
// caller's transaction as a staff cancel would (the seat freed, the coupon's hold released,
// "appointment.cancelled" written); how many. Errors: the db errors.
Result<int64_t> CancelAppointmentsOfMember(db::Connection& tx, int64_t member_id, int64_t now);

}  // namespace mileage::care
