#pragma once

#include "care/activity_service.h"
#include "care/appointment_service.h"
#include "care/care_rule_service.h"
#include "care/maintenance_service.h"
#include "care/schedule_service.h"
#include "common/random.h"
#include "coupons/redemption_service.h"
#include "db/db.h"
#include "members/member_codes.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::care {

// The care module (service appointments, owner activities and maintenance reminders) wired together on the
// composition root's database, the org module's authorizer and audited writer, the member
// codes, the coupons' redemption service and the random source (all of which must outlive it),
// the tier policy (copied) and the console's member rule in SQL for the greetings list (`seen`,
// from payments). Built once by the server's App; every part is safe for concurrent use.
class CareModule {
 public:
  CareModule(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
             members::MemberCodes& codes, coupons::RedemptionService& redemptions,
             const members::TierPolicy& tiers, RandomSource& random, MemberScopeSql seen = {})
      : schedules_(db, authorizer, writer),
        appointments_(db, authorizer, writer, codes, redemptions),
        activities_(db, authorizer, writer, codes, tiers, random),
        care_rules_(db, authorizer, writer, std::move(seen)),
        maintenance_(db, authorizer, writer) {}
  CareModule(const CareModule&) = delete;
  CareModule& operator=(const CareModule&) = delete;

  ScheduleService& schedules() { return schedules_; }
  AppointmentService& appointments() { return appointments_; }
  ActivityService& activities() { return activities_; }
  CareRuleService& care_rules() { return care_rules_; }
  MaintenanceService& maintenance() { return maintenance_; }

 private:
  ScheduleService schedules_;
  AppointmentService appointments_;
  ActivityService activities_;
  CareRuleService care_rules_;
  MaintenanceService maintenance_;
};

}  // namespace mileage::care
