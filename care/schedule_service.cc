#include "care/schedule_service.h"

#include "care/care_store.h"
#include "care/rules.h"
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

Status StoreNotFound(int64_t store_id) {
  return NotFoundError(org::NodeLabel(org::NodeType::kStore, store_id) + " not found");
}

Status StoreInactive(int64_t store_id) {
  return FailedPreconditionError(
      org::NodeLabel(org::NodeType::kStore, store_id) + " is deactivated", "STORE_INACTIVE");
}

Status NoSchedule(int64_t store_id) {
  return NotFoundError("store " + std::to_string(store_id) + " has no schedule",
                       "SCHEDULE_NOT_FOUND");
}

// [first day's start, the day after the last's start) of a resolved range.
std::pair<int64_t, int64_t> Window(const civil::DaySpan& span) {
  return {civil::BeijingStartOfDay(span.first),
          civil::BeijingStartOfDay(span.last) + civil::kSecondsPerDay};
}

}  // namespace

Result<org::Node> ScheduleService::StaffStore(db::Connection& conn, const org::Actor& actor,
                                              org::Action action, int64_t store_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(conn).Find(org::NodeType::kStore, store_id));
  if (!store.has_value()) return StoreNotFound(store_id);
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, action, store->path,
                                            org::NodeLabel(org::NodeType::kStore, store_id)));
  return std::move(*store);
}

Result<org::Node> ScheduleService::WritableStore(const org::Actor& actor,
                                                 const org::AuditRecord& base, int64_t store_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  Result<org::Node> store = StaffStore(*conn, actor, org::Action::kScheduleWrite, store_id);
  if (!store.ok()) {
    const StatusCode code = store.status().code();
    if (code == StatusCode::kNotFound || code == StatusCode::kPermissionDenied) {
      return writer_.Refuse(actor, base, store.status());
    }
    return store.status();
  }
  return store;
}

Result<Schedule> ScheduleService::Get(const org::Actor& actor, int64_t store_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(
      StaffStore(*conn, actor, org::Action::kAppointmentRead, store_id).status());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Schedule> found, CareStore(*conn).FindSchedule(store_id));
  if (!found.has_value()) return NoSchedule(store_id);
  return std::move(*found);
}

Result<Schedule> ScheduleService::Put(const org::Actor& actor, Schedule schedule, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(schedule.store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateSchedule(schedule));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kScheduleWrite));
  const org::AuditRecord base = Base("schedule.put", "store", schedule.store_id);
  MILEAGE_ASSIGN_OR_RETURN(org::Node store, WritableStore(actor, base, schedule.store_id));
  schedule.updated_at = now;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        record.brand_id = store.path.brand_id;
        record.detail = std::to_string(schedule.slot_minutes) + " min slots, " +
                        std::to_string(schedule.capacity) + " seats, " +
                        std::to_string(schedule.holidays.size()) + " holidays";
        return CareStore(tx).SaveSchedule(store.path.brand_id, schedule);
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return schedule;
}

Result<int64_t> ScheduleService::Generate(const org::Actor& actor, int64_t store_id,
                                          const civil::DayRange& range, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  const civil::Date today = civil::BeijingDate(now);
  MILEAGE_ASSIGN_OR_RETURN(civil::DaySpan span,
                           civil::ResolveDayRange(range, today, kMaxGenerateDays));
  if (civil::DaysFromCivil(span.first) < civil::DaysFromCivil(today)) {
    return InvalidArgumentError("from must not be before today", "INVALID_FIELD");
  }
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kScheduleWrite));
  const org::AuditRecord base = Base("slots.generate", "store", store_id);
  MILEAGE_ASSIGN_OR_RETURN(org::Node store, WritableStore(actor, base, store_id));
  if (!store.active) return StoreInactive(store_id);
  int64_t created = 0;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        CareStore care(tx);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Schedule> schedule, care.FindSchedule(store_id));
        if (!schedule.has_value()) return NoSchedule(store_id);
        created = 0;
        Slot slot;
        slot.brand_id = store.path.brand_id;
        slot.store_id = store_id;
        slot.duration_s = schedule->slot_minutes * 60;
        slot.capacity = schedule->capacity;
        slot.service_types = schedule->service_types;
        slot.created_at = now;
        for (int64_t day = civil::DaysFromCivil(span.first); day <= civil::DaysFromCivil(span.last);
             ++day) {
          for (int64_t start : SlotStartsOn(*schedule, civil::CivilFromDays(day))) {
            if (start <= now) continue;
            slot.starts_at = start;
            MILEAGE_ASSIGN_OR_RETURN(bool inserted, care.InsertSlotIfNew(slot));
            if (inserted) ++created;
          }
        }
        record.brand_id = store.path.brand_id;
        record.detail = civil::FormatDate(span.first) + ".." + civil::FormatDate(span.last) + ": " +
                        std::to_string(created) + " slots";
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return created;
}

Result<Slot> ScheduleService::CreateSlot(const org::Actor& actor, int64_t store_id,
                                         const NewSlot& input, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateNewSlot(input));
  if (input.starts_at <= now) {
    return InvalidArgumentError("starts_at must be in the future", "SLOT_IN_PAST");
  }
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kScheduleWrite));
  org::AuditRecord base = Base("slot.create", "slot", 0);
  MILEAGE_ASSIGN_OR_RETURN(org::Node store, WritableStore(actor, base, store_id));
  if (!store.active) return StoreInactive(store_id);
  Slot slot;
  slot.brand_id = store.path.brand_id;
  slot.store_id = store_id;
  slot.starts_at = input.starts_at;
  slot.duration_s = input.duration_minutes * 60;
  slot.capacity = input.capacity;
  slot.service_types = input.service_types;
  slot.created_at = now;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(slot.id, CareStore(tx).InsertSlot(slot));
        record.brand_id = slot.brand_id;
        record.object_id = slot.id;
        record.detail =
            "store " + std::to_string(store_id) + " at " + civil::FormatRfc3339Utc(slot.starts_at);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return slot;
}

Result<std::vector<Slot>> ScheduleService::StoreSlots(const org::Actor& actor, int64_t store_id,
                                                      const civil::DayRange& range, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(civil::DaySpan span,
                           civil::ResolveDayRange(range, civil::BeijingDate(now), kMaxListDays));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(
      StaffStore(*conn, actor, org::Action::kAppointmentRead, store_id).status());
  const auto [from, to] = Window(span);
  return CareStore(*conn).SlotsBetween(store_id, from, to);
}

Result<std::vector<Slot>> ScheduleService::BookableSlots(const members::MemberPrincipal& member,
                                                         int64_t store_id,
                                                         const civil::DayRange& range,
                                                         int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(civil::DaySpan span,
                           civil::ResolveDayRange(range, civil::BeijingDate(now), kMaxListDays));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(*conn).Find(org::NodeType::kStore, store_id));
  if (!store.has_value() || store->path.brand_id != member.brand_id || !store->active) {
    return StoreNotFound(store_id);
  }
  auto [from, to] = Window(span);
  from = std::max(from, now + 1);
  if (from >= to) return std::vector<Slot>();
  return CareStore(*conn).SlotsBetween(store_id, from, to);
}

}  // namespace mileage::care
