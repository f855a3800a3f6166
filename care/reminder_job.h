#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// The appointment reminder job: every booked appointment starting on the Beijing day after
// `now`'s that was not reminded yet gets an `appointment.reminder` outbox event, in
// transactions of at most `batch_limit` appointments. Each reminder is a conditional update of
// the appointment's reminded_at (still booked, not reminded) committed with its event, so
// however often and however concurrently the job runs (two nodes, a run by hand), an
// appointment is reminded once; a reschedule clears reminded_at, so the new day is reminded
// once too. Each batch first checks `fence` (db::Fence; the scheduler's lease), whose error
// rolls it back and ends the run. Returns the number of reminders written. InvalidArgument for
// batch_limit <= 0; the fence's and the db errors (earlier batches stay committed).
Result<int64_t> RunAppointmentReminders(db::Db& db, int64_t now, int64_t batch_limit,
                                        const db::Fence& fence = {});

}  // namespace mileage::care
