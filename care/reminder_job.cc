#include "care/reminder_job.h"

#include <vector>

#include "care/care_store.h"
#include "common/civil_time.h"
#include "db/outbox.h"

namespace mileage::care {

Result<int64_t> RunAppointmentReminders(db::Db& db, int64_t now, int64_t batch_limit,
                                        const db::Fence& fence) {
  if (batch_limit <= 0) return InvalidArgumentError("batch_limit must be positive");
  const int64_t tomorrow =
      civil::BeijingStartOfDay(civil::BeijingDate(now)) + civil::kSecondsPerDay;
  int64_t total = 0;
  for (;;) {
    int64_t found = 0;
    int64_t reminded = 0;
    const Status batch = db::InTransaction(db, [&](db::Connection& conn) -> Status {
      MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
      CareStore care(conn);
      MILEAGE_ASSIGN_OR_RETURN(
          std::vector<Appointment> due,
          care.DueForReminder(tomorrow, tomorrow + civil::kSecondsPerDay, batch_limit));
      found = static_cast<int64_t>(due.size());
      reminded = 0;
      // One conditional update per appointment by primary key, in id order: no range locks.
      for (const Appointment& a : due) {
        MILEAGE_ASSIGN_OR_RETURN(bool marked, care.MarkReminded(a.id, now));
        if (!marked) continue;  // cancelled, or reminded by a concurrent run
        ++reminded;
        MILEAGE_RETURN_IF_ERROR(
            db::AddOutboxEvent(conn, "appointment.reminder", a.brand_id, std::to_string(a.id),
                               db::PayloadJson({{"appointment_id", a.id},
                                                {"member_id", a.member_id},
                                                {"store_id", a.store_id},
                                                {"slot_id", a.slot_id},
                                                {"starts_at", a.starts_at},
                                                {"service_type", a.service_type}}),
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

}  // namespace mileage::care
