#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// One audit log row: who did what to which object, from where, when, and whether it happened
// ("ok") or was refused by the authorizer ("denied").
struct AuditRecord {
  int64_t id = 0;
  int64_t brand_id = 0;
  std::optional<int64_t> staff_id;  // nullopt: the operator CLI
  std::string staff_username;       // filled by List ("" for the CLI or a removed account)
  std::string action;               // "store.create", "staff.deactivate", "session.login"...
  std::string object_type;          // "store", "merchant", "staff", "session"...
  std::optional<int64_t> object_id;
  std::string outcome = "ok";
  std::string detail;
  std::string request_id;
  std::string client_address;
  int64_t created_at = 0;  // Unix seconds
};

// Which records a List returns besides the brand's: every set member must match (AND). The
// service validates it (AuditService::List); the store only binds it.
struct AuditFilter {
  std::string action;  // "" any; "staff.update" exact; "staff." every staff.* action
  std::optional<int64_t> staff_id;
  std::string object_type;           // "" any
  std::optional<int64_t> object_id;  // only with object_type
  std::string outcome;               // "" any, "ok" or "denied"
  std::optional<int64_t> from;       // created_at >= from (Unix seconds)
  std::optional<int64_t> until;      // created_at < until
};

// The SQL of the audit_log table on one connection (the write's own transaction). Texts longer
// than their columns are cut at a character boundary. Lives for one use of its connection; not
// safe for concurrent use. Errors: the db::Connection errors.
class AuditStore {
 public:
  explicit AuditStore(db::Connection& conn) : conn_(conn) {}

  Status Insert(const AuditRecord& record);
  // A page of one brand's records that match `filter`, newest first, with the staff usernames.
  Result<PageOf<AuditRecord>> List(int64_t brand_id, const AuditFilter& filter,
                                   const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::org
