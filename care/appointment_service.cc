#include "care/appointment_service.h"

#include <vector>

#include "care/appointment_listing.h"
#include "care/care_store.h"
#include "care/rules.h"
#include "coupons/access.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "db/outbox.h"
#include "members/vehicle_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::care {
namespace {

Status AppointmentNotFound(int64_t id) {
  return NotFoundError("appointment " + std::to_string(id) + " not found", "APPOINTMENT_NOT_FOUND");
}

Status SlotNotFound(int64_t id) {
  return NotFoundError("slot " + std::to_string(id) + " not found", "SLOT_NOT_FOUND");
}

// Why an appointment in `state` cannot take the change asked for.
Status StateError(const Appointment& a) {
  const std::string label = "appointment " + std::to_string(a.id);
  switch (a.state) {
    case AppointmentState::kCancelled:
      return FailedPreconditionError(label + " was cancelled", "APPOINTMENT_CANCELLED");
    case AppointmentState::kCompleted:
      return FailedPreconditionError(label + " was completed", "APPOINTMENT_COMPLETED");
    case AppointmentState::kCheckedIn:
      return FailedPreconditionError(label + " is checked in", "APPOINTMENT_CHECKED_IN");
    case AppointmentState::kBooked:
      break;
  }
  return FailedPreconditionError(label + " is not checked in", "NOT_CHECKED_IN");
}

org::AuditRecord Base(const char* action, int64_t id) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = "appointment";
  base.object_id = id;
  return base;
}

Status AddEvent(db::Connection& tx, const char* topic, const Appointment& a, int64_t now) {
  return db::AddOutboxEvent(tx, topic, a.brand_id, std::to_string(a.id),
                            db::PayloadJson({{"appointment_id", a.id},
                                             {"member_id", a.member_id},
                                             {"store_id", a.store_id},
                                             {"slot_id", a.slot_id},
                                             {"starts_at", a.starts_at},
                                             {"service_type", a.service_type},
                                             {"state", AppointmentStateName(a.state)}}),
                            now);
}

// The slot a booking or reschedule asks for, of the member's brand, bookable at `now` for the
// service.
Result<Slot> BookableSlot(db::Connection& tx, int64_t brand_id, int64_t slot_id,
                          std::string_view service_type, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Slot> slot, CareStore(tx).FindSlot(slot_id));
  if (!slot.has_value() || slot->brand_id != brand_id) return SlotNotFound(slot_id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(tx).Find(org::NodeType::kStore, slot->store_id));
  if (!store.has_value() || !store->active) {
    return FailedPreconditionError(
        org::NodeLabel(org::NodeType::kStore, slot->store_id) + " is deactivated",
        "STORE_INACTIVE");
  }
  if (slot->starts_at <= now) {
    return FailedPreconditionError("slot " + std::to_string(slot_id) + " has started",
                                   "SLOT_STARTED");
  }
  if (!slot->Offers(service_type)) {
    return FailedPreconditionError("the slot does not offer " + std::string(service_type),
                                   "SERVICE_NOT_OFFERED");
  }
  return std::move(*slot);
}

// The member's coupon `coupon_id`, attachable to an appointment in `slot`: an exchange coupon
// redeemable at the slot's store, usable at its start and held by nothing.
Status CheckAttachable(db::Connection& tx, int64_t member_id, int64_t coupon_id, const Slot& slot) {
  const Status not_found =
      NotFoundError("coupon " + std::to_string(coupon_id) + " not found", "COUPON_NOT_FOUND");
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Coupon> coupon,
                           coupons::CouponStore(tx).Find(coupon_id));
  if (!coupon.has_value() || coupon->member_id != member_id) return not_found;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                           coupons::StockStore(tx).Find(coupon->stock_id));
  if (!stock.has_value()) return not_found;
  if (stock->type != coupons::StockType::kExchange) {
    return FailedPreconditionError("only an exchange (service) coupon can be attached",
                                   "COUPON_NOT_ATTACHABLE");
  }
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(tx).Find(org::NodeType::kStore, slot.store_id));
  if (!store.has_value() || !coupons::StockAccess::RedeemableAt(*stock, store->path)) {
    return FailedPreconditionError("the coupon is not redeemable at this store", "WRONG_STORE");
  }
  MILEAGE_RETURN_IF_ERROR(coupons::CheckUsable(*coupon, slot.starts_at));
  if (!coupon->reserved_for.empty()) {
    return FailedPreconditionError("the coupon is held for another appointment", "COUPON_RESERVED");
  }
  return Status::Ok();
}

// The member's appointment `id`, locked.
Result<Appointment> OwnAppointment(db::Connection& tx, int64_t member_id, int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Appointment> a, CareStore(tx).FindAppointment(id, true));
  if (!a.has_value() || a->member_id != member_id) return AppointmentNotFound(id);
  return std::move(*a);
}

// A booked appointment the member may still change at `now`: its store's cutoff before its
// start has not passed.
Status CheckChangeable(db::Connection& tx, const Appointment& a, int64_t now) {
  if (a.state != AppointmentState::kBooked) return StateError(a);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Schedule> schedule,
                           CareStore(tx).FindSchedule(a.store_id));
  const int64_t cutoff_minutes =
      schedule.has_value() ? schedule->cutoff_minutes : Schedule::kDefaultCutoffMinutes;
  if (now > a.starts_at - cutoff_minutes * 60) {
    return FailedPreconditionError(
        "changes end " + std::to_string(cutoff_minutes) + " minutes before the appointment",
        "CHANGE_CUTOFF_PASSED");
  }
  return Status::Ok();
}

// The cancellation of `a` in the caller's transaction: the state (from booked, or also from
// checked_in for staff), the seat, the coupon's hold and the event; `out` is the result.
Status WriteCancellation(db::Connection& tx, const Appointment& a, bool checked_in_too, int64_t now,
                         Appointment& out) {
  CareStore care(tx);
  MILEAGE_ASSIGN_OR_RETURN(bool changed, care.Cancel(a.id, now, checked_in_too));
  if (!changed) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Appointment> current, care.FindAppointment(a.id));
    if (current.has_value() && current->state != AppointmentState::kBooked) {
      return StateError(*current);
    }
    return AbortedError("appointment " + std::to_string(a.id) + " changed");
  }
  MILEAGE_ASSIGN_OR_RETURN(bool freed, care.FreeSeat(a.slot_id));
  if (!freed) return InternalError("slot " + std::to_string(a.slot_id) + " had no seat taken");
  if (a.coupon_id.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(
        bool released, coupons::CouponStore(tx).Release(*a.coupon_id, CouponHolder(a.id), now));
    if (!released) {
      return InternalError("appointment " + std::to_string(a.id) + " lost its coupon");
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Appointment> cancelled, care.FindAppointment(a.id));
  if (!cancelled.has_value()) return InternalError("appointment vanished");
  out = std::move(*cancelled);
  return AddEvent(tx, "appointment.cancelled", out, now);
}

Status SeatTaken(int64_t slot_id) {
  return FailedPreconditionError("slot " + std::to_string(slot_id) + " is full", "SLOT_FULL");
}

}  // namespace

Result<Appointment> AppointmentService::Reread(db::Connection& conn, int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Appointment> a, CareStore(conn).FindAppointment(id));
  if (!a.has_value()) return InternalError("appointment " + std::to_string(id) + " vanished");
  return std::move(*a);
}

Result<Appointment> AppointmentService::Book(const members::MemberPrincipal& member,
                                             const BookRequest& request, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(request.slot_id, "slot_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(request.vehicle_id, "vehicle_id"));
  if (request.coupon_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*request.coupon_id, "coupon_id"));
  }
  MILEAGE_RETURN_IF_ERROR(ValidateServiceType(request.service_type));
  Appointment booked;
  const Status written = db::InTransaction(db_, [&](db::Connection& tx) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(
        Slot slot, BookableSlot(tx, member.brand_id, request.slot_id, request.service_type, now));
    MILEAGE_ASSIGN_OR_RETURN(
        std::optional<members::StoredVehicle> vehicle,
        members::VehicleStore(tx).LockOwned(member.member_id, request.vehicle_id));
    if (!vehicle.has_value()) {
      return NotFoundError("vehicle " + std::to_string(request.vehicle_id) + " not found",
                           "VEHICLE_NOT_FOUND");
    }
    if (request.coupon_id.has_value()) {
      MILEAGE_RETURN_IF_ERROR(CheckAttachable(tx, member.member_id, *request.coupon_id, slot));
    }
    CareStore care(tx);
    // The seat first: of concurrent bookings of the last seat, the database lets one through.
    MILEAGE_ASSIGN_OR_RETURN(bool seated, care.TakeSeat(slot.id));
    if (!seated) return SeatTaken(slot.id);
    Appointment a;
    a.brand_id = member.brand_id;
    a.store_id = slot.store_id;
    a.slot_id = slot.id;
    a.starts_at = slot.starts_at;
    a.member_id = member.member_id;
    a.vehicle_id = request.vehicle_id;
    a.service_type = request.service_type;
    a.coupon_id = request.coupon_id;
    a.created_at = a.updated_at = now;
    MILEAGE_ASSIGN_OR_RETURN(a.id, care.InsertAppointment(a));
    if (a.coupon_id.has_value()) {
      MILEAGE_ASSIGN_OR_RETURN(bool held,
                               coupons::CouponStore(tx).Reserve(*a.coupon_id, member.member_id,
                                                                CouponHolder(a.id), now));
      if (!held) {
        return FailedPreconditionError("the coupon is held or used meanwhile", "COUPON_RESERVED");
      }
    }
    MILEAGE_RETURN_IF_ERROR(AddEvent(tx, "appointment.booked", a, now));
    MILEAGE_ASSIGN_OR_RETURN(booked, Reread(tx, a.id));
    return Status::Ok();
  });
  MILEAGE_RETURN_IF_ERROR(written);
  return booked;
}

Result<Appointment> AppointmentService::Reschedule(const members::MemberPrincipal& member,
                                                   int64_t id, int64_t slot_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(slot_id, "slot_id"));
  Appointment moved;
  const Status written = db::InTransaction(db_, [&](db::Connection& tx) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(Appointment a, OwnAppointment(tx, member.member_id, id));
    MILEAGE_RETURN_IF_ERROR(CheckChangeable(tx, a, now));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Slot> target, CareStore(tx).FindSlot(slot_id));
    if (!target.has_value() || target->brand_id != a.brand_id) return SlotNotFound(slot_id);
    if (target->store_id != a.store_id) {
      return FailedPreconditionError("reschedule to a slot of the same store", "SLOT_OTHER_STORE");
    }
    if (target->id == a.slot_id) {
      return FailedPreconditionError("the appointment is in that slot", "SAME_SLOT");
    }
    MILEAGE_ASSIGN_OR_RETURN(Slot slot, BookableSlot(tx, a.brand_id, slot_id, a.service_type, now));
    if (a.coupon_id.has_value()) {
      MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Coupon> coupon,
                               coupons::CouponStore(tx).Find(*a.coupon_id));
      if (!coupon.has_value()) return InternalError("the appointment's coupon vanished");
      MILEAGE_RETURN_IF_ERROR(coupons::CheckUsable(*coupon, slot.starts_at));
    }
    CareStore care(tx);
    MILEAGE_ASSIGN_OR_RETURN(bool seated, care.TakeSeat(slot.id));
    if (!seated) return SeatTaken(slot.id);
    MILEAGE_ASSIGN_OR_RETURN(bool freed, care.FreeSeat(a.slot_id));
    MILEAGE_ASSIGN_OR_RETURN(bool changed, care.Move(a.id, a.slot_id, slot, now));
    if (!freed || !changed) return AbortedError("appointment " + std::to_string(id) + " changed");
    MILEAGE_ASSIGN_OR_RETURN(moved, Reread(tx, id));
    return AddEvent(tx, "appointment.rescheduled", moved, now);
  });
  MILEAGE_RETURN_IF_ERROR(written);
  return moved;
}

Result<Appointment> AppointmentService::Cancel(const members::MemberPrincipal& member, int64_t id,
                                               int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  Appointment cancelled;
  const Status written = db::InTransaction(db_, [&](db::Connection& tx) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(Appointment a, OwnAppointment(tx, member.member_id, id));
    MILEAGE_RETURN_IF_ERROR(CheckChangeable(tx, a, now));
    return WriteCancellation(tx, a, false, now, cancelled);
  });
  MILEAGE_RETURN_IF_ERROR(written);
  return cancelled;
}

Result<int64_t> CancelAppointmentsOfMember(db::Connection& tx, int64_t member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Appointment> live, CareStore(tx).LiveOfMember(member_id));
  for (const Appointment& a : live) {
    Appointment cancelled;
    MILEAGE_RETURN_IF_ERROR(WriteCancellation(tx, a, true, now, cancelled));
  }
  return static_cast<int64_t>(live.size());
}

Result<Appointment> AppointmentService::Get(const members::MemberPrincipal& member, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Appointment> a, CareStore(*conn).FindAppointment(id));
  if (!a.has_value() || a->member_id != member.member_id) return AppointmentNotFound(id);
  return std::move(*a);
}

Result<PageOf<Appointment>> AppointmentService::List(const members::MemberPrincipal& member,
                                                     const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return CareStore(*conn).OfMember(member.member_id, page);
}

Result<PageOf<AppointmentListing>> AppointmentService::StoreDay(
    const org::Actor& actor, int64_t store_id, const std::optional<civil::Date>& day,
    const PageRequest& page, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  const std::string label = org::NodeLabel(org::NodeType::kStore, store_id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(*conn).Find(org::NodeType::kStore, store_id));
  if (!store.has_value()) return NotFoundError(label + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, org::Action::kAppointmentRead, store->path, label));
  const int64_t start = civil::BeijingStartOfDay(day.value_or(civil::BeijingDate(now)));
  MILEAGE_ASSIGN_OR_RETURN(
      PageOf<Appointment> day_page,
      CareStore(*conn).AtStore(store_id, start, start + civil::kSecondsPerDay, page));
  return DescribeAppointments(*conn, std::move(day_page));
}

Result<Appointment> AppointmentService::StaffAppointment(const org::Actor& actor,
                                                         const org::AuditRecord& base,
                                                         org::Action action, int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Appointment> a, CareStore(*conn).FindAppointment(id));
  if (!a.has_value()) return writer_.Refuse(actor, base, AppointmentNotFound(id));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(*conn).Find(org::NodeType::kStore, a->store_id));
  if (!store.has_value())
    return InternalError("appointment " + std::to_string(id) + " has no store");
  Status allowed = authorizer_.Check(actor, action, store->path, "appointment");
  if (allowed.code() == StatusCode::kNotFound) allowed = AppointmentNotFound(id);
  if (!allowed.ok()) return writer_.Refuse(actor, base, std::move(allowed));
  return std::move(*a);
}

Result<Appointment> AppointmentService::CheckIn(const org::Actor& actor, int64_t id,
                                                std::string_view member_code, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kAppointmentWrite));
  const org::AuditRecord base = Base("appointment.check_in", id);
  MILEAGE_ASSIGN_OR_RETURN(Appointment a,
                           StaffAppointment(actor, base, org::Action::kAppointmentWrite, id));
  MILEAGE_ASSIGN_OR_RETURN(int64_t member_id, codes_.Verify(a.brand_id, member_code, now));
  if (member_id != a.member_id) {
    return FailedPreconditionError("the member code is not this appointment's member's",
                                   "WRONG_MEMBER");
  }
  if (a.state != AppointmentState::kBooked) return StateError(a);
  if (!(civil::BeijingDate(now) == civil::BeijingDate(a.starts_at))) {
    return FailedPreconditionError("check-in is on the appointment's day only",
                                   "NOT_APPOINTMENT_DAY");
  }
  Appointment checked_in;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(bool moved, CareStore(tx).CheckIn(id, now));
        MILEAGE_ASSIGN_OR_RETURN(checked_in, Reread(tx, id));
        if (!moved) return StateError(checked_in);
        record.brand_id = checked_in.brand_id;
        record.detail = "member " + std::to_string(checked_in.member_id) + " at store " +
                        std::to_string(checked_in.store_id);
        return AddEvent(tx, "appointment.checked_in", checked_in, now);
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return checked_in;
}

Result<Appointment> AppointmentService::CancelByStaff(const org::Actor& actor, int64_t id,
                                                      int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kAppointmentWrite));
  const org::AuditRecord base = Base("appointment.cancel", id);
  MILEAGE_ASSIGN_OR_RETURN(Appointment a,
                           StaffAppointment(actor, base, org::Action::kAppointmentWrite, id));
  if (a.state != AppointmentState::kBooked && a.state != AppointmentState::kCheckedIn) {
    return StateError(a);
  }
  Appointment cancelled;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        MILEAGE_RETURN_IF_ERROR(WriteCancellation(tx, a, true, now, cancelled));
        record.brand_id = cancelled.brand_id;
        record.detail = "member " + std::to_string(cancelled.member_id) + " at store " +
                        std::to_string(cancelled.store_id);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return cancelled;
}

Result<Appointment> AppointmentService::Complete(const org::Actor& actor, int64_t id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kAppointmentWrite));
  const org::AuditRecord base = Base("appointment.complete", id);
  MILEAGE_ASSIGN_OR_RETURN(Appointment a,
                           StaffAppointment(actor, base, org::Action::kAppointmentWrite, id));
  if (a.state != AppointmentState::kCheckedIn) return StateError(a);
  // The redemption's request id is the holder: a repeated or concurrent completion gets the
  // first redemption back, so the coupon is redeemed once; the state move below decides which
  // completion answers 200.
  std::optional<int64_t> redemption_id;
  if (a.coupon_id.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(
        coupons::RedemptionResult redeemed,
        redemptions_.RedeemReserved(actor, *a.coupon_id, a.store_id, CouponHolder(id), now));
    redemption_id = redeemed.redemption.id;
  }
  Appointment completed;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(bool moved, CareStore(tx).Complete(id, redemption_id, now));
        MILEAGE_ASSIGN_OR_RETURN(completed, Reread(tx, id));
        if (!moved) return StateError(completed);
        record.brand_id = completed.brand_id;
        record.detail = redemption_id.has_value() ? "redemption " + std::to_string(*redemption_id)
                                                  : std::string("no coupon");
        return AddEvent(tx, "appointment.completed", completed, now);
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return completed;
}

}  // namespace mileage::care
