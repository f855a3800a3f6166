#pragma once

#include <functional>

#include "common/clock.h"
#include "common/status.h"
#include "db/db.h"
#include "org/audit_store.h"
#include "org/principal.h"

namespace mileage::org {

// Runs one console write together with its audit record in a single transaction, so that a
// write is never committed without its record (nor a record without its write). When the write
// is refused with NotFound or PermissionDenied (the authorizer's answers) for a staff caller,
// a "denied" record is written on its own, since nothing else is. Other failures (invalid
// input, conflicts, storage errors) write nothing. Owned by the org module; safe for
// concurrent use.
class AuditedWriter {
 public:
  using Work = std::function<Status(db::Connection&, AuditRecord&)>;

  AuditedWriter(db::Db& db, const Clock& clock) : db_(db), clock_(clock) {}

  // `base` names the action and object type (and the object id when known). `work` performs
  // the write on the transaction's connection and completes its copy of the record: object id,
  // detail, and the brand when the actor is the CLI. Staff, request id, client address and
  // time are filled from `actor` and the clock. Work may run more than once when the
  // transaction is retried after a deadlock, so it must not keep side effects outside `conn`.
  // Returns work's error or the commit's.
  Status Run(const Actor& actor, const AuditRecord& base, const Work& work);
  // For a write refused before Run (an authorization checked ahead of expensive work, or by the
  // console router): records `refusal` as a denied `base` exactly as Run would, and returns it.
  Status Refuse(const Actor& actor, const AuditRecord& base, Status refusal);

 private:
  AuditRecord Stamp(const Actor& actor, const AuditRecord& base) const;
  void RecordDenial(const Actor& actor, AuditRecord record, const Status& refusal);

  db::Db& db_;
  const Clock& clock_;
};

}  // namespace mileage::org
