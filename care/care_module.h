#pragma once

#include "care/appointment_service.h"
#include "care/schedule_service.h"
#include "coupons/redemption_service.h"
#include "db/db.h"
#include "members/member_codes.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::care {

// The care module (service appointments) wired together on the composition root's database,
// the org module's authorizer and audited writer, the member codes and the coupons'
// redemption service (all of which must outlive it). Built once by the server's App; every
// part is safe for concurrent use.
class CareModule {
 public:
  CareModule(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
             members::MemberCodes& codes, coupons::RedemptionService& redemptions)
      : schedules_(db, authorizer, writer),
        appointments_(db, authorizer, writer, codes, redemptions) {}
  CareModule(const CareModule&) = delete;
  CareModule& operator=(const CareModule&) = delete;

  ScheduleService& schedules() { return schedules_; }
  AppointmentService& appointments() { return appointments_; }

 private:
  ScheduleService schedules_;
  AppointmentService appointments_;
};

}  // namespace mileage::care
