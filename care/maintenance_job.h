#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// How far ahead the maintenance reminder job looks: a due date within this many Beijing days
// of today (or before it) gets its reminder.
inline constexpr int64_t kMaintenanceHorizonDays = 14;
// How far back the job looks for service visits: a visit it has not seen within this window
// (the job did not run for that long) is not counted.
inline constexpr int64_t kVisitWindowDays = 7;

// The maintenance reminder job (docs/OPERATIONS.md, "Maintenance reminders"), three steps:
//  1. records the service visits of the last kVisitWindowDays (MaintenanceStore::VisitsBetween),
//     once per source row (the unique (source, source_id) key);
//  2. recomputes, in batches, the due date of each vehicle whose facts changed since its row was
//     written (its updated_at, its number of visits, its brand's interval version), by
//     NextServiceDue; deletes the rows of deleted vehicles;
//  3. for each due date on or before today + kMaintenanceHorizonDays (Beijing) without its
//     reminder, inserts the reminder, unique per (vehicle, due date), and commits it with a
//     "maintenance.due" outbox event, in transactions of at most `batch_limit`.
// However often and however concurrently it runs, a (vehicle, due date) is reminded once: the
// database's unique key decides. Each transaction first checks `fence`, whose error rolls it
// back and ends the run. Returns the number of reminders written. InvalidArgument for
// batch_limit <= 0; the fence's and the db errors (earlier transactions stay committed).
Result<int64_t> RunMaintenanceReminders(db::Db& db, int64_t now, int64_t batch_limit,
                                        const db::Fence& fence = {});

}  // namespace mileage::care
