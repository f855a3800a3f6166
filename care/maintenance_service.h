#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "care/maintenance_rules.h"
#include "care/maintenance_store.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_sessions.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::care {

// A vehicle's next service due date as the member sees it.
struct VehicleDue {
  int64_t vehicle_id = 0;
  std::string model;
  std::string plate_display;
  std::optional<Due> due;  // nullopt: no purchase date and no service visit yet
};

// A card notice: an undismissed reminder of the vehicle's current due date.
struct ReminderNotice {
  MaintenanceReminder reminder;
  bool overdue = false;  // the due date is before today (Beijing)
};

// What GET /api/mp/reminders shows.
struct MemberReminders {
  std::vector<ReminderNotice> reminders;
  std::vector<VehicleDue> vehicles;
};

// Maintenance reminders (docs/API.md, "Maintenance reminders"): brand admins set the brand's
// service intervals (kServiceIntervalRead / kServiceIntervalWrite on the brand node; writes
// audited "service_interval.put", "service_interval.delete") and mark service stores
// (kServiceIntervalWrite on the store, "store.service"); members see their vehicles' next due
// dates and their open reminders and dismiss them. The job that writes the reminders is
// RunMaintenanceReminders. Owned by the composition root; safe for concurrent use.
//
// Errors common to the methods: PermissionDenied (the role lacks the action, or no staff
// actor); NotFound outside the caller's scope; the db errors.
class MaintenanceService {
 public:
  MaintenanceService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : db_(db), authorizer_(authorizer), writer_(writer) {}

  // The caller's brand's intervals, by model ('' = the brand default).
  Result<std::vector<ServiceInterval>> Intervals(const org::Actor& actor);
  // Sets the interval of interval.model ('' or a model: members::NormalizeModel's rule,
  // trimmed). InvalidArgument INVALID_MODEL, INVALID_FIELD (ValidateInterval's).
  Result<ServiceInterval> PutInterval(const org::Actor& actor, ServiceInterval interval,
                                      int64_t now);
  // Deletes the interval of `model`. NotFound INTERVAL_NOT_FOUND when there is none.
  Status DeleteInterval(const org::Actor& actor, const std::string& model);
  // Marks the store a service store or not. InvalidArgument INVALID_ID; NotFound for a store
  // outside the caller's scope.
  Status SetServiceStore(const org::Actor& actor, int64_t store_id, bool service, int64_t now);

  // The member's vehicles with their next due dates (computed now from their current facts)
  // and the undismissed reminders of those due dates.
  Result<MemberReminders> Reminders(const members::MemberPrincipal& member, int64_t now);
  // Dismisses the member's reminder (again: no change). InvalidArgument INVALID_ID; NotFound
  // REMINDER_NOT_FOUND for another member's or an unknown id.
  Status Dismiss(const members::MemberPrincipal& member, int64_t id, int64_t now);

 private:
  // The caller's brand after checking `action` on its node.
  Result<int64_t> Brand(const org::Actor& actor, org::Action action) const;

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
};

}  // namespace mileage::care
