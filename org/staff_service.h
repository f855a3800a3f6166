#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/password_hasher.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/session_truth.h"
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

// A change of an account's role and/or scope; an absent part keeps its current value.
struct StaffChange {
  std::optional<std::string> role;        // RoleName()
  std::optional<std::string> scope_type;  // NodeTypeName(), with scope_id
  int64_t scope_id = 0;
};

// Staff accounts: create, read, list, deactivate, reactivate, reset a password and change a
// role or scope, with the authorizer's checks (only roles strictly below your own, inside your
// scope; brand admins may also manage other brand admins, never themselves) and an audit
// record for each write. A role fixes its scope level (brand_admin: brand, region_manager:
// region, dealer_manager: dealer, store_clerk: store; analyst: any). Usernames are unique per
// brand. Every change but creation raises the account's credentials version and ends its
// sessions (SessionTruth::Revoke). A brand always keeps an active brand admin. Passwords are
// hashed only after the caller was authorized, so a refused request costs no scrypt. Owned by
// the org module; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (checked first); NotFound when
// the account or scope node does not exist or is outside the caller's scope; PermissionDenied
// when the role may not act (or the target is the caller); storage errors; Unavailable when
// the Kv cannot take the revocation mark (the change is committed and the database ends the
// sessions within SessionTruth's cache bound).
class StaffService {
 public:
  StaffService(db::Db& db, const Authorizer& authorizer, AuditedWriter& writer,
               const crypto::PasswordHasher& hasher, SessionTruth& truth)
      : db_(db), authorizer_(authorizer), writer_(writer), hasher_(hasher), truth_(truth) {}

  // InvalidArgument: INVALID_FIELD (username), WEAK_PASSWORD, INVALID_ROLE, INVALID_SCOPE (an
  // unknown scope type, or one that does not fit the role), INVALID_ID. AlreadyExists
  // USERNAME_EXISTS when the brand has the username. FailedPrecondition PARENT_INACTIVE when
  // the scope node is deactivated.
  Result<Staff> Create(const Actor& actor, const NewStaff& staff);
  Result<Staff> Get(const Actor& actor, int64_t id);
  // The accounts whose scope lies inside the caller's.
  Result<PageOf<Staff>> List(const Actor& actor, const PageRequest& page);
  // Idempotent. FailedPrecondition LAST_BRAND_ADMIN for the brand's last active brand admin.
  Result<Staff> Deactivate(const Actor& actor, int64_t id);
  // Idempotent. FailedPrecondition PARENT_INACTIVE when a node of the account's scope is
  // deactivated.
  Result<Staff> Reactivate(const Actor& actor, int64_t id);
  // Sets a new password (WEAK_PASSWORD, INVALID_FIELD as for Create).
  Result<Staff> ResetPassword(const Actor& actor, int64_t id, std::string_view password);
  // The caller must be allowed to manage the account as it is and as it will be (so nobody
  // promotes anyone to brand admin here). InvalidArgument MISSING_FIELD when the change names
  // nothing, INVALID_ROLE, INVALID_SCOPE, INVALID_ID; FailedPrecondition PARENT_INACTIVE for a
  // deactivated new scope node, LAST_BRAND_ADMIN for demoting the last active brand admin.
  Result<Staff> Change(const Actor& actor, int64_t id, const StaffChange& change);

 private:
  // Runs `change` on the locked account in an audited transaction and revokes its sessions
  // with `code` when the change raised its credentials version.
  using Mutation = std::function<Status(db::Connection&, Staff&, AuditRecord&, int64_t* version)>;
  Result<Staff> Mutate(const Actor& actor, const char* action, int64_t id, std::string_view code,
                       const Mutation& mutation);
  // Authorization of a change of account `id` ahead of the transaction, so that no scrypt runs
  // for a refused caller; a refusal is audited.
  Status PreAuthorize(const Actor& actor, const char* action, int64_t id);

  db::Db& db_;
  const Authorizer& authorizer_;
  AuditedWriter& writer_;
  const crypto::PasswordHasher& hasher_;
  SessionTruth& truth_;
};

}  // namespace mileage::org
