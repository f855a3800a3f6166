#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "crypto/password_hasher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/session_service.h"
#include "org/types.h"

namespace mileage::org {

// What creating a staff account takes, as given by a client or the CLI (parsed here).
struct NewStaff {
  std::string username;
  std::string password;
  std::string role;        // RoleName()
  std::string scope_type;  // NodeTypeName()
  int64_t scope_id = 0;
};

// Staff accounts: create, read, list and deactivate, with the authorizer's checks (including
// "only roles strictly below your own, inside your scope") and an audit record for each write.
// A role fixes its scope level (brand_admin: brand, region_manager: region, dealer_manager:
// dealer, store_clerk: store; analyst: any). Deactivation revokes the account's sessions.
// Owned by the org module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input; NotFound when the account or
// scope node does not exist or is outside the caller's scope; PermissionDenied when the role
// may not act; storage errors.
class StaffService {
 public:
  StaffService(db::Db& db, const Authorizer& authorizer, AuditedWriter& writer,
               const crypto::PasswordHasher& hasher, SessionService& sessions)
      : db_(db), authorizer_(authorizer), writer_(writer), hasher_(hasher), sessions_(sessions) {}

  // InvalidArgument: INVALID_FIELD (username), WEAK_PASSWORD, INVALID_ROLE, INVALID_SCOPE (an
  // unknown scope type, or one that does not fit the role), INVALID_ID. AlreadyExists
  // USERNAME_EXISTS. FailedPrecondition PARENT_INACTIVE when the scope node is deactivated.
  Result<Staff> Create(const Actor& actor, const NewStaff& staff);
  Result<Staff> Get(const Actor& actor, int64_t id);
  // The accounts whose scope lies inside the caller's.
  Result<PageOf<Staff>> List(const Actor& actor, const PageRequest& page);
  // Idempotent; the account's sessions stop working at once. Nobody deactivates themselves
  // (their role does not rank below their own: PermissionDenied).
  Result<Staff> Deactivate(const Actor& actor, int64_t id);

 private:
  db::Db& db_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::PasswordHasher& hasher_;
  SessionService& sessions_;
};

}  // namespace mileage::org
