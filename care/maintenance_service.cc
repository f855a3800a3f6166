#include "care/maintenance_service.h"

#include <map>
#include <utility>

#include "members/vehicle_rules.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::care {
namespace {

org::AuditRecord Base(const char* action, const char* object_type, int64_t object_id) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = object_type;
  base.object_id = object_id;
  return base;
}

// '' (the brand default) or a model as vehicles store it.
Result<std::string> IntervalModel(const std::string& model) {
  if (model.empty()) return std::string();
  return members::NormalizeModel(model);
}

}  // namespace

Result<int64_t> MaintenanceService::Brand(const org::Actor& actor, org::Action action) const {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, action));
  if (!actor.staff.has_value()) return PermissionDeniedError("a staff member's brand is needed");
  const int64_t brand_id = actor.staff->scope.brand_id;
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, action, org::NodePath::Brand(brand_id),
                                            "brand " + std::to_string(brand_id)));
  return brand_id;
}

Result<std::vector<ServiceInterval>> MaintenanceService::Intervals(const org::Actor& actor) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t brand_id, Brand(actor, org::Action::kServiceIntervalRead));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return MaintenanceStore(*conn).Intervals(brand_id);
}

Result<ServiceInterval> MaintenanceService::PutInterval(const org::Actor& actor,
                                                        ServiceInterval interval, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(interval.model, IntervalModel(interval.model));
  MILEAGE_RETURN_IF_ERROR(ValidateInterval(interval));
  const org::AuditRecord base = Base("service_interval.put", "brand", 0);
  Result<int64_t> brand = Brand(actor, org::Action::kServiceIntervalWrite);
  if (!brand.ok()) return writer_.Refuse(actor, base, brand.status());
  interval.updated_at = now;
  MILEAGE_RETURN_IF_ERROR(
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        record.brand_id = *brand;
        record.object_id = *brand;
        record.detail = "model '" + interval.model + "': " + std::to_string(interval.months) +
                        " months / " + std::to_string(interval.km) + " km, first " +
                        std::to_string(interval.first_months) + " months / " +
                        std::to_string(interval.first_km) + " km";
        return MaintenanceStore(tx).SaveInterval(*brand, interval);
      }));
  return interval;
}

Status MaintenanceService::DeleteInterval(const org::Actor& actor, const std::string& model) {
  MILEAGE_ASSIGN_OR_RETURN(std::string normalized, IntervalModel(model));
  const org::AuditRecord base = Base("service_interval.delete", "brand", 0);
  Result<int64_t> brand = Brand(actor, org::Action::kServiceIntervalWrite);
  if (!brand.ok()) return writer_.Refuse(actor, base, brand.status());
  return writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
    record.brand_id = *brand;
    record.object_id = *brand;
    record.detail = "model '" + normalized + "'";
    MILEAGE_ASSIGN_OR_RETURN(bool deleted, MaintenanceStore(tx).DeleteInterval(*brand, normalized));
    if (!deleted) {
      return NotFoundError("no interval for model '" + normalized + "'", "INTERVAL_NOT_FOUND");
    }
    return Status::Ok();
  });
}

Status MaintenanceService::SetServiceStore(const org::Actor& actor, int64_t store_id, bool service,
                                           int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kServiceIntervalWrite));
  const org::AuditRecord base = Base("store.service", "store", store_id);
  const std::string label = org::NodeLabel(org::NodeType::kStore, store_id);
  std::optional<org::Node> store;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(store, org::NodeStore(*conn).Find(org::NodeType::kStore, store_id));
  }
  if (!store.has_value()) return writer_.Refuse(actor, base, NotFoundError(label + " not found"));
  const Status allowed =
      authorizer_.Check(actor, org::Action::kServiceIntervalWrite, store->path, label);
  if (!allowed.ok()) return writer_.Refuse(actor, base, allowed);
  return writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
    record.brand_id = store->path.brand_id;
    record.detail = service ? "service store" : "not a service store";
    return MaintenanceStore(tx).SetServiceStore(store_id, service, now);
  });
}

Result<MemberReminders> MaintenanceService::Reminders(const members::MemberPrincipal& member,
                                                      int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MaintenanceStore store(*conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<VehicleFacts> vehicles,
                           store.MemberVehicles(member.brand_id, member.member_id));
  MemberReminders out;
  std::map<int64_t, std::string> current;  // vehicle -> its due date
  for (const VehicleFacts& vehicle : vehicles) {
    MILEAGE_ASSIGN_OR_RETURN(ServiceInterval interval,
                             store.IntervalFor(vehicle.brand_id, vehicle.model));
    MILEAGE_ASSIGN_OR_RETURN(DueInputs inputs, store.InputsOf(vehicle));
    VehicleDue due{vehicle.vehicle_id, vehicle.model, vehicle.plate_display,
                   NextServiceDue(inputs, interval)};
    if (due.due.has_value()) current[vehicle.vehicle_id] = civil::FormatDate(due.due->date);
    out.vehicles.push_back(std::move(due));
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<MaintenanceReminder> open,
                           store.OpenReminders(member.brand_id, member.member_id));
  const std::string today = civil::FormatDate(civil::BeijingDate(now));
  for (MaintenanceReminder& reminder : open) {
    auto found = current.find(reminder.vehicle_id);
    // A visit or a new reading moved the due date: the old date's notice is closed.
    if (found == current.end() || found->second != reminder.due_date) continue;
    const bool overdue = reminder.due_date < today;
    out.reminders.push_back(ReminderNotice{std::move(reminder), overdue});
  }
  return out;
}

Status MaintenanceService::Dismiss(const members::MemberPrincipal& member, int64_t id,
                                   int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(
      bool matched, MaintenanceStore(*conn).Dismiss(member.brand_id, member.member_id, id, now));
  if (!matched) {
    return NotFoundError("reminder " + std::to_string(id) + " not found", "REMINDER_NOT_FOUND");
  }
  return Status::Ok();
}

}  // namespace mileage::care
