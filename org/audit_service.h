#pragma once

#include "common/result.h"
#include "db/db.h"
#include "org/audit_store.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::org {

// Reading the audit log: brand admins page through their own brand's records, newest first.
// Owned by the org module; safe for concurrent use.
class AuditService {
 public:
  AuditService(db::Db& db, const Authorizer& authorizer) : db_(db), authorizer_(authorizer) {}

  // Errors: InvalidArgument INVALID_PAGE; PermissionDenied unless the caller is a brand admin
  // (the log belongs to the brand node); InvalidArgument for the CLI, which has no brand;
  // storage errors.
  Result<PageOf<AuditRecord>> List(const Actor& actor, const PageRequest& page);

 private:
  db::Db& db_;
  const Authorizer& authorizer_;
};

}  // namespace mileage::org
