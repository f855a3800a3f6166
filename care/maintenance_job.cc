#include "care/maintenance_job.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "care/maintenance_rules.h"
#include "care/maintenance_store.h"
#include "common/civil_time.h"
#include "db/outbox.h"

namespace mileage::care {
namespace {

// Step 1: the visits of the window, each recorded once.
Status RecordVisits(db::Db& db, int64_t now, const db::Fence& fence) {
  return db::InTransaction(db, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    MaintenanceStore store(conn);
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<ServiceVisit> visits,
        store.VisitsBetween(now - kVisitWindowDays * civil::kSecondsPerDay, now + 1));
    for (const ServiceVisit& visit : visits) {
      MILEAGE_RETURN_IF_ERROR(store.InsertVisit(visit, now).status());
    }
    return Status::Ok();
  });
}

// Step 2: the due rows of the vehicles whose facts changed, one page per transaction.
Status RefreshDueDates(db::Db& db, int64_t now, int64_t batch_limit, const db::Fence& fence) {
  int64_t after = 0;
  for (;;) {
    int64_t last = 0;
    const Status page = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
      MaintenanceStore store(conn);
      MILEAGE_ASSIGN_OR_RETURN(MaintenanceStore::StalePage stale,
                               store.StaleVehicles(after, batch_limit));
      last = stale.last_id;
      std::map<std::pair<int64_t, std::string>, ServiceInterval> intervals;
      for (const VehicleFacts& vehicle : stale.stale) {
        const auto key = std::make_pair(vehicle.brand_id, vehicle.model);
        auto found = intervals.find(key);
        if (found == intervals.end()) {
          MILEAGE_ASSIGN_OR_RETURN(ServiceInterval interval,
                                   store.IntervalFor(vehicle.brand_id, vehicle.model));
          found = intervals.emplace(key, std::move(interval)).first;
        }
        MILEAGE_ASSIGN_OR_RETURN(DueInputs inputs, store.InputsOf(vehicle));
        MILEAGE_RETURN_IF_ERROR(store.SaveDue(vehicle, NextServiceDue(inputs, found->second), now));
      }
      return Status::Ok();
    });
    MILEAGE_RETURN_IF_ERROR(page);
    if (last == 0) break;
    after = last;
  }
  return db::InTransaction(db, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    return MaintenanceStore(conn).DeleteOrphanDue().status();
  });
}

// Step 3: the reminders of the due dates within the horizon.
Result<int64_t> Remind(db::Db& db, int64_t now, int64_t batch_limit, const db::Fence& fence) {
  const std::string horizon = civil::FormatDate(civil::CivilFromDays(
      civil::DaysFromCivil(civil::BeijingDate(now)) + kMaintenanceHorizonDays));
  int64_t total = 0;
  for (;;) {
    int64_t found = 0;
    int64_t reminded = 0;
    const Status batch = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
      MaintenanceStore store(conn);
      MILEAGE_ASSIGN_OR_RETURN(std::vector<PendingDue> pending,
                               store.PendingBefore(horizon, batch_limit));
      found = static_cast<int64_t>(pending.size());
      reminded = 0;
      for (const PendingDue& due : pending) {
        MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, store.InsertReminder(due, now));
        MILEAGE_RETURN_IF_ERROR(store.MarkReminded(due.vehicle_id, due.due_date));
        if (!id.has_value()) continue;  // reminded by a concurrent run, or an earlier one
        ++reminded;
        MILEAGE_RETURN_IF_ERROR(
            db::AddOutboxEvent(conn, "maintenance.due", due.brand_id, std::to_string(*id),
                               db::PayloadJson({{"reminder_id", *id},
                                                {"brand_id", due.brand_id},
                                                {"member_id", due.member_id},
                                                {"vehicle_id", due.vehicle_id},
                                                {"model", std::string_view(due.model)},
                                                {"due_date", std::string_view(due.due_date)},
                                                {"reason", std::string_view(due.reason)}}),
                               now));
      }
      return Status::Ok();
    });
    MILEAGE_RETURN_IF_ERROR(batch);
    total += reminded;
    if (found < batch_limit) break;
  }
  return total;
}

}  // namespace

Result<int64_t> RunMaintenanceReminders(db::Db& db, int64_t now, int64_t batch_limit,
                                        const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  MILEAGE_RETURN_IF_ERROR(RecordVisits(db, now, fence));
  MILEAGE_RETURN_IF_ERROR(RefreshDueDates(db, now, batch_limit, fence));
  return Remind(db, now, batch_limit, fence);
}

}  // namespace mileage::care
