#include "org/audited_writer.h"

#include "common/log.h"

namespace mileage::org {

namespace {

bool IsAuthorizerRefusal(const Actor& actor, const Status& status) {
  return !status.ok() && actor.staff.has_value() &&
         (status.code() == StatusCode::kNotFound || status.code() == StatusCode::kPermissionDenied);
}

}  // namespace

AuditRecord AuditedWriter::Stamp(const Actor& actor, const AuditRecord& base) const {
  AuditRecord stamped = base;
  if (actor.staff.has_value()) {
    stamped.staff_id = actor.staff->staff_id;
    stamped.brand_id = actor.staff->scope.brand_id;
  }
  stamped.request_id = actor.request_id;
  stamped.client_address = actor.client_address;
  stamped.outcome = "ok";
  return stamped;
}

Status AuditedWriter::Refuse(const Actor& actor, const AuditRecord& base, Status refusal) {
  if (IsAuthorizerRefusal(actor, refusal)) RecordDenial(actor, Stamp(actor, base), refusal);
  return refusal;
}

Status AuditedWriter::Run(const Actor& actor, const AuditRecord& base, const Work& work) {
  const AuditRecord stamped = Stamp(actor, base);
  Status status = db::InTransaction(db_, [&](db::Connection& conn) {
    AuditRecord record = stamped;
    record.created_at = UnixSeconds(clock_.Now());
    MILEAGE_RETURN_IF_ERROR(work(conn, record));
    return AuditStore(conn).Insert(record);
  });
  if (IsAuthorizerRefusal(actor, status)) RecordDenial(actor, stamped, status);
  return status;
}

void AuditedWriter::RecordDenial(const Actor& actor, AuditRecord record, const Status& refusal) {
  record.outcome = "denied";
  // The authorizer words NotFound the same whether the object is missing or outside the
  // caller's scope, so a brand admin reading the log learns nothing about other brands.
  record.detail = refusal.message();
  record.created_at = UnixSeconds(clock_.Now());
  Status written =
      db::InTransaction(db_, [&](db::Connection& conn) { return AuditStore(conn).Insert(record); });
  if (!written.ok()) {
    MILEAGE_LOG(kWarn) << "recording a denied " << record.action << " by staff "
                       << actor.staff->staff_id << " failed: " << written.ToString();
  }
}

}  // namespace mileage::org
