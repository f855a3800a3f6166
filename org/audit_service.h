#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/civil_time.h"
#include "common/result.h"
#include "db/db.h"
#include "org/audit_store.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::org {

// The filters of a console audit query (docs/API.md "GET /api/console/audit"), as given; empty
// texts and nullopt mean "any". Every filter that is set must match.
struct AuditQuery {
  std::string action;  // "staff.update" (exact) or "staff." (every action starting with it)
  std::optional<int64_t> staff_id;
  std::string object_type;
  std::optional<int64_t> object_id;  // needs object_type
  std::string outcome;               // "ok" or "denied"
  std::optional<civil::Date> from;   // Beijing days, both included
  std::optional<civil::Date> to;
};

// Reading the audit log: brand admins page through their own brand's records, newest first,
// filtered. Owned by the org module; safe for concurrent use.
class AuditService {
 public:
  AuditService(db::Db& db, const Authorizer& authorizer) : db_(db), authorizer_(authorizer) {}

  // The caller's brand's records that match `query`. Ids of another brand's staff or objects
  // simply match nothing. Errors: InvalidArgument INVALID_PAGE; INVALID_FIELD (an action that
  // is not lower-case words joined by dots, with an optional trailing dot, of at most 64 bytes;
  // an object type that is not 1..32 of [a-z_]; object_id without object_type; an outcome
  // other than ok or denied); INVALID_ID (an id that is not positive); INVALID_RANGE (`to`
  // before `from`); PermissionDenied unless the caller is a brand admin (the log belongs to
  // the brand node); InvalidArgument for the CLI, which has no brand; storage errors.
  Result<PageOf<AuditRecord>> List(const Actor& actor, const AuditQuery& query,
                                   const PageRequest& page);

 private:
  db::Db& db_;
  const Authorizer& authorizer_;
};

}  // namespace mileage::org
