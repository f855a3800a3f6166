#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// What decides whether a staff member may hold a console session: the account's active flag,
// whether every node of its scope path (brand down to the scope node) is active, and the
// credentials version that deactivation, reactivation, a password reset and a role or scope
// change raise.
struct StaffAccess {
  bool active = false;
  bool scope_active = false;
  int64_t credentials_version = 0;

  bool usable() const { return active && scope_active; }
};

// A staff account with its stored password hash and access, for login.
struct StaffCredentials {
  Staff staff;
  std::string password_hash;
  StaffAccess access;
};

// An account whose credentials version a change raised, for revoking its sessions.
struct RaisedVersion {
  int64_t staff_id = 0;
  int64_t credentials_version = 0;
};

// The SQL of the staff table on one connection. Lives for one use of its connection; not safe
// for concurrent use. Errors: the db::Connection errors.
class StaffStore {
 public:
  explicit StaffStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the account (username already canonical); returns its id. AlreadyExists
  // USERNAME_EXISTS when the brand has an account of that username.
  Result<int64_t> Insert(const Staff& staff, std::string_view password_hash);
  Result<std::optional<Staff>> Find(int64_t id, bool lock = false);
  // The account of `username` in `brand_id`, with its access (one query).
  Result<std::optional<StaffCredentials>> FindForLogin(int64_t brand_id, std::string_view username);
  // The account's access (one query); nullopt when there is no such account.
  Result<std::optional<StaffAccess>> FindAccess(int64_t id);
  // The smallest brand id (the deployment's first brand), 0 when there is none.
  Result<int64_t> FirstBrandId();

  // Each of these raises the account's credentials version and returns the new one.
  Result<int64_t> SetActive(int64_t id, bool active, int64_t now);
  Result<int64_t> SetPasswordHash(int64_t id, std::string_view password_hash, int64_t now);
  Result<int64_t> SetRoleAndScope(int64_t id, Role role, const NodePath& scope, int64_t now);
  // Raises the credentials version of every account scoped in the subtree of `node` (when the
  // node is deactivated) and returns them.
  Result<std::vector<RaisedVersion>> RaiseVersionsInSubtree(const NodePath& node, int64_t now);

  // Active brand admins of the brand, read with a locking read (current, not a snapshot) so
  // that a caller that locked the brand row first sees every committed change.
  Result<int64_t> CountActiveBrandAdmins(int64_t brand_id);
  // A page of the accounts whose scope lies in the subtree of `scope`, id order.
  Result<PageOf<Staff>> List(const NodePath& scope, const PageRequest& page);

 private:
  Result<int64_t> VersionOf(int64_t id);

  db::Connection& conn_;
};

}  // namespace mileage::org
