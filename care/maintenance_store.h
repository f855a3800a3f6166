#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "care/maintenance_rules.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// A service visit found in the tables where visits happen (payment_transactions and
// coupon_redemptions at a service store, completed care_appointments), named by its source row.
struct ServiceVisit {
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t vehicle_id = 0;
  int64_t store_id = 0;
  std::string source;  // "payment" | "redemption" | "appointment"
  int64_t source_id = 0;
  int64_t visited_at = 0;
  int64_t mileage_km = 0;  // the vehicle's reading when the visit was found
};

// What a vehicle's due date is computed from, read from vehicles, service_visits and
// service_interval_versions.
struct VehicleFacts {
  int64_t vehicle_id = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  std::string model;
  std::string plate_display;
  std::optional<std::string> purchase_date;
  int64_t mileage_km = 0;
  int64_t updated_at = 0;
  int64_t visit_count = 0;
  int64_t interval_version = 0;
};

// A due date waiting for its reminder.
struct PendingDue {
  int64_t vehicle_id = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  std::string model;
  std::string due_date;
  std::string reason;
};

// A reminder row (maintenance_reminders) with its vehicle's model and masked plate.
struct MaintenanceReminder {
  int64_t id = 0;
  int64_t vehicle_id = 0;
  std::string model;
  std::string plate_display;
  std::string due_date;
  std::string reason;
  int64_t created_at = 0;
};

// The SQL of maintenance reminders (migration 0031) on one connection, usually inside the
// caller's transaction. It also reads, never writes, the tables where visits happen
// (payment_transactions, coupon_redemptions, care_appointments) and vehicles, and writes the
// stores.service flag: care owns the rule of what a service visit is. Lives for one use of its
// connection; not safe for concurrent use. Errors: the db::Connection errors, plus those listed.
class MaintenanceStore {
 public:
  explicit MaintenanceStore(db::Connection& conn) : conn_(conn) {}

  // The brand's intervals, by model ('' first).
  Result<std::vector<ServiceInterval>> Intervals(int64_t brand_id);
  // The interval that applies to `model`: the model's, else the brand default, else the
  // built-in one.
  Result<ServiceInterval> IntervalFor(int64_t brand_id, const std::string& model);
  // Inserts or replaces the brand's interval for interval.model and bumps the brand's version.
  Status SaveInterval(int64_t brand_id, const ServiceInterval& interval);
  // Deletes it (bumping the version); whether there was one.
  Result<bool> DeleteInterval(int64_t brand_id, const std::string& model);

  // Whether the store is a service store; nullopt when no such store of the brand.
  Result<std::optional<bool>> IsServiceStore(int64_t brand_id, int64_t store_id);
  Status SetServiceStore(int64_t store_id, bool service, int64_t now);

  // The visits with a time in [from, to): payments and unreversed redemptions at service stores
  // by a member with exactly one vehicle (that vehicle), completed appointments (their vehicle,
  // still the member's).
  Result<std::vector<ServiceVisit>> VisitsBetween(int64_t from, int64_t to);
  // Records the visit unless its source row was recorded; whether it did.
  Result<bool> InsertVisit(const ServiceVisit& visit, int64_t now);

  // One page of the vehicles scan: of the vehicles with id > after_id, by id, at most `limit`,
  // those whose maintenance_due row is missing or was computed from other facts than the
  // current ones; last_id is the last vehicle read (0: none, the scan is over).
  struct StalePage {
    std::vector<VehicleFacts> stale;
    int64_t last_id = 0;
  };
  Result<StalePage> StaleVehicles(int64_t after_id, int64_t limit);
  // The member's vehicles, by id.
  Result<std::vector<VehicleFacts>> MemberVehicles(int64_t brand_id, int64_t member_id);
  // The facts' inputs: the purchase date, the latest visit and the reading (its day from the
  // vehicle's updated_at).
  Result<DueInputs> InputsOf(const VehicleFacts& vehicle);
  // Writes the vehicle's due row from `facts` (reminded reset when the date changes).
  Status SaveDue(const VehicleFacts& facts, const std::optional<Due>& due, int64_t now);
  // Deletes the due rows of deleted vehicles; how many.
  Result<int64_t> DeleteOrphanDue();

  // Due rows on or before `horizon` ('YYYY-MM-DD') without their reminder, by vehicle id (the
  // order in which the due dates' refresh locks them too).
  Result<std::vector<PendingDue>> PendingBefore(const std::string& horizon, int64_t limit);
  // Inserts the reminder of (vehicle, due date) unless it exists: its id, or nullopt.
  Result<std::optional<int64_t>> InsertReminder(const PendingDue& due, int64_t now);
  // Marks the row reminded while its due date is still `due_date`.
  Status MarkReminded(int64_t vehicle_id, const std::string& due_date);

  // The member's undismissed reminders of its current vehicles, newest first (at most 200).
  Result<std::vector<MaintenanceReminder>> OpenReminders(int64_t brand_id, int64_t member_id);
  // Dismisses the member's reminder; whether a row of the member's matched (already dismissed
  // ones too).
  Result<bool> Dismiss(int64_t brand_id, int64_t member_id, int64_t id, int64_t now);

 private:
  Result<std::optional<ServiceInterval>> FindInterval(int64_t brand_id, const std::string& model);
  Status BumpVersion(int64_t brand_id);

  db::Connection& conn_;
};

}  // namespace mileage::care
