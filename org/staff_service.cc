#include "org/staff_service.h"

#include <optional>

#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/staff_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

std::string StaffLabel(int64_t id) { return "staff " + std::to_string(id); }

Status ValidateRoleAndScope(const NewStaff& staff, Role* role, NodeType* scope_type) {
  std::optional<Role> parsed_role = ParseRole(staff.role);
  if (!parsed_role.has_value()) {
    return InvalidArgumentError(
        "role must be brand_admin, region_manager, dealer_manager, store_clerk or analyst",
        "INVALID_ROLE");
  }
  std::optional<NodeType> parsed_scope = ParseNodeType(staff.scope_type);
  if (!parsed_scope.has_value()) {
    return InvalidArgumentError("scope type must be brand, region, dealer or store",
                                "INVALID_SCOPE");
  }
  std::optional<NodeType> required = RequiredScopeType(*parsed_role);
  if (required.has_value() && *required != *parsed_scope) {
    return InvalidArgumentError(std::string("a ") + std::string(RoleName(*parsed_role)) +
                                    " needs a " + std::string(NodeTypeName(*required)) + " scope",
                                "INVALID_SCOPE");
  }
  *role = *parsed_role;
  *scope_type = *parsed_scope;
  return ValidateId(staff.scope_id, "scope id");
}

}  // namespace

Result<Staff> StaffService::Create(const Actor& actor, const NewStaff& staff) {
  MILEAGE_ASSIGN_OR_RETURN(std::string username, NormalizeUsername(staff.username));
  MILEAGE_RETURN_IF_ERROR(ValidatePassword(staff.password));
  Role role = Role::kAnalyst;
  NodeType scope_type = NodeType::kStore;
  MILEAGE_RETURN_IF_ERROR(ValidateRoleAndScope(staff, &role, &scope_type));
  MILEAGE_ASSIGN_OR_RETURN(std::string password_hash, hasher_.Hash(staff.password));

  Staff created;
  AuditRecord base;
  base.action = "staff.create";
  base.object_type = "staff";
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    const std::string scope_label = NodeLabel(scope_type, staff.scope_id);
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
  if (actor.is_system()) return InvalidArgumentError("staff are listed by staff");
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckList(actor, Action::kStaffRead, std::nullopt, ""));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return StaffStore(*conn).List(actor.staff->scope, page);
}

Result<Staff> StaffService::Deactivate(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  Staff target;
  AuditRecord base;
  base.action = "staff.deactivate";
  base.object_type = "staff";
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    StaffStore accounts(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Staff> found, accounts.Find(id, true));
    if (!found.has_value()) return NotFoundError(StaffLabel(id) + " not found");
    target = std::move(*found);
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.CheckStaffManagement(actor, target.role, target.scope, StaffLabel(id)));
    record.brand_id = target.scope.brand_id;
    if (!target.active) {
      record.detail = "already inactive";
      return Status::Ok();
    }
    MILEAGE_RETURN_IF_ERROR(accounts.SetInactive(id, record.created_at));
    target.active = false;
    target.updated_at = record.created_at;
    record.detail = "username: " + target.username;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  // After the commit, so that a login racing with this sees either the inactive row or the mark.
  MILEAGE_RETURN_IF_ERROR(sessions_.RevokeStaff(id));
  return target;
}

}  // namespace mileage::org
