#include "org/staff_service.h"

#include <optional>

#include "common/log.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/staff_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

constexpr std::string_view kDeactivated = "STAFF_DEACTIVATED";
constexpr std::string_view kChanged = "CREDENTIALS_CHANGED";

std::string StaffLabel(int64_t id) { return "staff " + std::to_string(id); }

Result<Role> ParseRoleField(std::string_view role) {
  std::optional<Role> parsed = ParseRole(role);
  if (!parsed.has_value()) {
    return InvalidArgumentError(
        "role must be brand_admin, region_manager, dealer_manager, store_clerk or analyst",
        "INVALID_ROLE");
  }
  return *parsed;
}

Result<NodeType> ParseScopeType(std::string_view scope_type) {
  std::optional<NodeType> parsed = ParseNodeType(scope_type);
  if (!parsed.has_value()) {
    return InvalidArgumentError("scope type must be brand, region, dealer or store",
                                "INVALID_SCOPE");
  }
  return *parsed;
}

// INVALID_SCOPE unless a role of `role` may sit at a node of `scope_type`.
Status CheckRoleFitsScope(Role role, NodeType scope_type) {
  std::optional<NodeType> required = RequiredScopeType(role);
  if (required.has_value() && *required != scope_type) {
    return InvalidArgumentError(std::string("a ") + std::string(RoleName(role)) + " needs a " +
                                    std::string(NodeTypeName(*required)) + " scope",
                                "INVALID_SCOPE");
  }
  return Status::Ok();
}

// Loads an account for a change, locking its brand row first and then the account, so that
// every change of a brand's accounts takes its locks in one order and the last-admin count
// (a locking read) sees every committed change.
Result<Staff> LockAccount(db::Connection& conn, int64_t id) {
  StaffStore accounts(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Staff> seen, accounts.Find(id));
  if (!seen.has_value()) return NotFoundError(StaffLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(
      NodeStore(conn).Find(NodeType::kBrand, seen->scope.brand_id, true).status());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Staff> locked, accounts.Find(id, true));
  if (!locked.has_value()) return NotFoundError(StaffLabel(id) + " not found");
  return std::move(*locked);
}

// LAST_BRAND_ADMIN when `account` is an active brand admin and no other active one remains.
// The brand row must be locked (LockAccount).
Status KeepABrandAdmin(db::Connection& conn, const Staff& account) {
  if (account.role != Role::kBrandAdmin || !account.active) return Status::Ok();
  MILEAGE_ASSIGN_OR_RETURN(int64_t admins,
                           StaffStore(conn).CountActiveBrandAdmins(account.scope.brand_id));
  if (admins <= 1) {
    return FailedPreconditionError(
        StaffLabel(account.id) + " is the last active brand admin of brand " +
            std::to_string(account.scope.brand_id) + "; make another one first",
        "LAST_BRAND_ADMIN");
  }
  return Status::Ok();
}

std::string ScopeLabel(const NodePath& scope) { return NodeLabel(scope.type, scope.id()); }

}  // namespace

Result<Staff> StaffService::Create(const Actor& actor, const NewStaff& staff) {
  MILEAGE_ASSIGN_OR_RETURN(std::string username, NormalizeUsername(staff.username));
  MILEAGE_RETURN_IF_ERROR(ValidatePassword(staff.password));
  MILEAGE_ASSIGN_OR_RETURN(Role role, ParseRoleField(staff.role));
  MILEAGE_ASSIGN_OR_RETURN(NodeType scope_type, ParseScopeType(staff.scope_type));
  MILEAGE_RETURN_IF_ERROR(CheckRoleFitsScope(role, scope_type));
  MILEAGE_RETURN_IF_ERROR(ValidateId(staff.scope_id, "scope id"));
  const std::string scope_label = NodeLabel(scope_type, staff.scope_id);
  AuditRecord base;
  base.action = "staff.create";
  base.object_type = "staff";

  // Authorized before the scrypt work, so that a refused caller costs no hash.
  Status allowed = [&]() -> Status {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> node,
                             NodeStore(*conn).Find(scope_type, staff.scope_id));
    if (!node.has_value()) return NotFoundError(scope_label + " not found");
    return authorizer_.CheckStaffManagement(actor, role, node->path, scope_label);
  }();
  if (!allowed.ok()) return writer_.Refuse(actor, base, allowed);
  MILEAGE_ASSIGN_OR_RETURN(std::string password_hash, hasher_.Hash(staff.password));

  Staff created;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> node,
                             NodeStore(conn).Find(scope_type, staff.scope_id, true));
    if (!node.has_value()) return NotFoundError(scope_label + " not found");
    MILEAGE_RETURN_IF_ERROR(authorizer_.CheckStaffManagement(actor, role, node->path, scope_label));
    if (!node->active) {
      return FailedPreconditionError(scope_label + " is deactivated", "PARENT_INACTIVE");
    }
    created = Staff{0, username, role, node->path, true, record.created_at, record.created_at};
    MILEAGE_ASSIGN_OR_RETURN(created.id, StaffStore(conn).Insert(created, password_hash));
    record.brand_id = node->path.brand_id;
    record.object_id = created.id;
    record.detail = "username: " + username + "; role: " + std::string(RoleName(role)) +
                    "; scope: " + scope_label;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<Staff> StaffService::Get(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Staff> staff, StaffStore(*conn).Find(id));
  if (!staff.has_value()) return NotFoundError(StaffLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kStaffRead, staff->scope, StaffLabel(id)));
  return std::move(*staff);
}

Result<PageOf<Staff>> StaffService::List(const Actor& actor, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (!actor.staff.has_value()) return InvalidArgumentError("staff are listed by staff");
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckList(actor, Action::kStaffRead, std::nullopt, ""));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return StaffStore(*conn).List(actor.staff->scope, page);
}

Result<Staff> StaffService::Mutate(const Actor& actor, const char* action, int64_t id,
                                   std::string_view code, const Mutation& mutation) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  Staff target;
  int64_t version = 0;
  AuditRecord base;
  base.action = action;
  base.object_type = "staff";
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    version = 0;
    MILEAGE_ASSIGN_OR_RETURN(target, LockAccount(conn, id));
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.CheckStaffManagement(actor, target.role, target.scope, StaffLabel(id), id));
    record.brand_id = target.scope.brand_id;
    return mutation(conn, target, record, &version);
  });
  if (!written.ok()) return written;
  if (version > 0) {
    // After the commit, so that a login racing with this sees the new version or the mark.
    Status revoked = truth_.Revoke(id, version, code);
    if (!revoked.ok()) {
      MILEAGE_LOG(kWarn) << "marking the sessions of " << StaffLabel(id)
                         << " revoked failed; the database ends them within "
                         << truth_.cache_bound().count() << " ms: " << revoked.ToString();
    }
  }
  return target;
}

Status StaffService::PreAuthorize(const Actor& actor, const char* action, int64_t id) {
  Status allowed = [&]() -> Status {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Staff> found, StaffStore(*conn).Find(id));
    if (!found.has_value()) return NotFoundError(StaffLabel(id) + " not found");
    return authorizer_.CheckStaffManagement(actor, found->role, found->scope, StaffLabel(id), id);
  }();
  if (allowed.ok()) return allowed;
  AuditRecord base;
  base.action = action;
  base.object_type = "staff";
  base.object_id = id;
  return writer_.Refuse(actor, base, allowed);
}

Result<Staff> StaffService::Deactivate(const Actor& actor, int64_t id) {
  return Mutate(actor, "staff.deactivate", id, kDeactivated,
                [](db::Connection& conn, Staff& target, AuditRecord& record, int64_t* version) {
                  if (!target.active) {
                    record.detail = "already inactive";
                    return Status::Ok();
                  }
                  MILEAGE_RETURN_IF_ERROR(KeepABrandAdmin(conn, target));
                  MILEAGE_ASSIGN_OR_RETURN(
                      *version, StaffStore(conn).SetActive(target.id, false, record.created_at));
                  target.active = false;
                  target.updated_at = record.created_at;
                  record.detail = "username: " + target.username;
                  return Status::Ok();
                });
}

Result<Staff> StaffService::Reactivate(const Actor& actor, int64_t id) {
  return Mutate(
      actor, "staff.reactivate", id, kChanged,
      [](db::Connection& conn, Staff& target, AuditRecord& record, int64_t* version) {
        if (target.active) {
          record.detail = "already active";
          return Status::Ok();
        }
        StaffStore accounts(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<StaffAccess> access, accounts.FindAccess(target.id));
        if (!access.has_value() || !access->scope_active) {
          return FailedPreconditionError(
              ScopeLabel(target.scope) + " (the account's scope) or a node above it is deactivated",
              "PARENT_INACTIVE");
        }
        MILEAGE_ASSIGN_OR_RETURN(*version, accounts.SetActive(target.id, true, record.created_at));
        target.active = true;
        target.updated_at = record.created_at;
        record.detail = "username: " + target.username;
        return Status::Ok();
      });
}

Result<Staff> StaffService::ResetPassword(const Actor& actor, int64_t id,
                                          std::string_view password) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePassword(password));
  MILEAGE_RETURN_IF_ERROR(PreAuthorize(actor, "staff.password_reset", id));
  MILEAGE_ASSIGN_OR_RETURN(std::string password_hash, hasher_.Hash(password));
  return Mutate(
      actor, "staff.password_reset", id, kChanged,
      [&password_hash](db::Connection& conn, Staff& target, AuditRecord& record, int64_t* version) {
        MILEAGE_ASSIGN_OR_RETURN(*version, StaffStore(conn).SetPasswordHash(
                                               target.id, password_hash, record.created_at));
        target.updated_at = record.created_at;
        record.detail = "username: " + target.username;
        return Status::Ok();
      });
}

Result<Staff> StaffService::Change(const Actor& actor, int64_t id, const StaffChange& change) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  if (!change.role.has_value() && !change.scope_type.has_value()) {
    return InvalidArgumentError("name a new role, a new scope or both", "MISSING_FIELD");
  }
  std::optional<Role> new_role;
  if (change.role.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(new_role, ParseRoleField(*change.role));
  }
  std::optional<NodeType> new_scope_type;
  if (change.scope_type.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(new_scope_type, ParseScopeType(*change.scope_type));
    MILEAGE_RETURN_IF_ERROR(ValidateId(change.scope_id, "scope id"));
  }
  return Mutate(
      actor, "staff.update", id, kChanged,
      [&](db::Connection& conn, Staff& target, AuditRecord& record, int64_t* version) {
        const Role role = new_role.value_or(target.role);
        NodePath scope = target.scope;
        bool scope_active = true;
        if (new_scope_type.has_value()) {
          const std::string label = NodeLabel(*new_scope_type, change.scope_id);
          MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> node,
                                   NodeStore(conn).Find(*new_scope_type, change.scope_id, true));
          if (!node.has_value()) return NotFoundError(label + " not found");
          scope = node->path;
          scope_active = node->active;
        }
        MILEAGE_RETURN_IF_ERROR(CheckRoleFitsScope(role, scope.type));
        if (role == target.role && scope == target.scope) {
          record.detail = "unchanged";
          return Status::Ok();
        }
        // As it will be: no existing account named, so nobody is promoted to a peer.
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.CheckStaffManagement(actor, role, scope, ScopeLabel(scope)));
        if (scope.brand_id != target.scope.brand_id) {
          return InvalidArgumentError("a staff account stays in its brand", "INVALID_SCOPE");
        }
        if (!scope_active) {
          return FailedPreconditionError(ScopeLabel(scope) + " is deactivated", "PARENT_INACTIVE");
        }
        if (role != Role::kBrandAdmin) MILEAGE_RETURN_IF_ERROR(KeepABrandAdmin(conn, target));
        MILEAGE_ASSIGN_OR_RETURN(
            *version, StaffStore(conn).SetRoleAndScope(target.id, role, scope, record.created_at));
        record.detail = "role: " + std::string(RoleName(target.role)) + " -> " +
                        std::string(RoleName(role)) + "; scope: " + ScopeLabel(target.scope) +
                        " -> " + ScopeLabel(scope);
        target.role = role;
        target.scope = scope;
        target.updated_at = record.created_at;
        return Status::Ok();
      });
}

}  // namespace mileage::org
