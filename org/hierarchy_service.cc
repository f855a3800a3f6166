#include "org/hierarchy_service.h"

#include <string>
#include <vector>

#include "common/log.h"
#include "org/node_store.h"
#include "org/staff_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

Status Missing(NodeType type, int64_t id) {
  return NotFoundError(NodeLabel(type, id) + " not found");
}

NodeType ParentType(NodeType type) { return static_cast<NodeType>(static_cast<int>(type) - 1); }

NodeType ChildType(NodeType type) {
  return type == NodeType::kStore ? type : static_cast<NodeType>(static_cast<int>(type) + 1);
}

std::string ActionLabel(NodeType type, const char* verb) {
  return std::string(NodeTypeName(type)) + "." + verb;
}

// Loads a node inside a transaction; NotFound when it does not exist.
Result<Node> LoadNode(db::Connection& conn, NodeType type, int64_t id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> node, NodeStore(conn).Find(type, id, lock));
  if (!node.has_value()) return Missing(type, id);
  return std::move(*node);
}

}  // namespace

std::string NodeLabel(NodeType type, int64_t id) {
  return std::string(NodeTypeName(type)) + " " + std::to_string(id);
}

Result<Node> HierarchyService::CreateBrand(const Actor& actor, std::string_view name) {
  MILEAGE_RETURN_IF_ERROR(ValidateName(name, "name"));
  if (!actor.is_system()) {
    return PermissionDeniedError("brands are created with `mileage admin create-brand`");
  }
  Node created;
  AuditRecord base;
  base.action = "brand.create";
  base.object_type = "brand";
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(NodePath path, NodeStore(conn).Insert(NodeType::kBrand, NodePath{},
                                                                   name, record.created_at));
    created = Node{path, std::string(name), true, record.created_at, record.created_at, {}, {}};
    record.brand_id = path.brand_id;
    record.object_id = path.brand_id;
    record.detail = "name: " + std::string(name);
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<Node> HierarchyService::Create(const Actor& actor, NodeType type, int64_t parent_id,
                                      std::string_view name) {
  if (type == NodeType::kBrand) return InvalidArgumentError("use CreateBrand for brands");
  const NodeType parent_type = ParentType(type);
  MILEAGE_RETURN_IF_ERROR(ValidateId(parent_id, std::string(NodeTypeName(parent_type)) + "_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateName(name, "name"));
  Node created;
  AuditRecord base;
  base.action = ActionLabel(type, "create");
  base.object_type = std::string(NodeTypeName(type));
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(Node parent, LoadNode(conn, parent_type, parent_id, true));
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, WriteActionFor(type), parent.path,
                                              NodeLabel(parent_type, parent_id)));
    if (!parent.active) {
      return FailedPreconditionError(NodeLabel(parent_type, parent_id) + " is deactivated",
                                     "PARENT_INACTIVE");
    }
    MILEAGE_ASSIGN_OR_RETURN(NodePath path,
                             NodeStore(conn).Insert(type, parent.path, name, record.created_at));
    created = Node{path, std::string(name), true, record.created_at, record.created_at, {}, {}};
    record.brand_id = path.brand_id;
    record.object_id = path.id();
    record.detail = "name: " + std::string(name) + "; under " + NodeLabel(parent_type, parent_id);
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<Node> HierarchyService::Get(const Actor& actor, NodeType type, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(Node node, LoadNode(*conn, type, id, false));
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, ReadActionFor(type), node.path, NodeLabel(type, id)));
  return node;
}

Result<Node> HierarchyService::Rename(const Actor& actor, NodeType type, int64_t id,
                                      std::string_view name) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidateName(name, "name"));
  Node renamed;
  AuditRecord base;
  base.action = ActionLabel(type, "update");
  base.object_type = std::string(NodeTypeName(type));
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(renamed, LoadNode(conn, type, id, true));
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.Check(actor, WriteActionFor(type), renamed.path, NodeLabel(type, id)));
    MILEAGE_RETURN_IF_ERROR(NodeStore(conn).UpdateName(renamed.path, name, record.created_at));
    record.brand_id = renamed.path.brand_id;
    record.detail = "name: " + renamed.name + " -> " + std::string(name);
    renamed.name = std::string(name);
    renamed.updated_at = record.created_at;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return renamed;
}

namespace {

// The change applied to `details` (a copy of the store's), and what the audit records of it.
StoreDetails Apply(const StoreChange& change, StoreDetails details, std::string* changed) {
  const auto note = [changed](const char* field) {
    *changed += changed->empty() ? field : std::string(", ") + field;
  };
  if (change.address.has_value()) {
    details.address = *change.address;
    note("address");
  }
  if (change.phone.has_value()) {
    details.phone = *change.phone;
    note("phone");
  }
  if (change.hours.has_value()) {
    details.hours = *change.hours;
    note("hours");
  }
  if (change.position.has_value()) {
    details.position = *change.position;
    note("position");
  }
  return details;
}

Status ValidateStoreChange(const StoreChange& change) {
  if (!change.name && !change.address && !change.phone && !change.hours && !change.position) {
    return InvalidArgumentError(
        "give at least one of name, address, phone, hours, latitude and longitude",
        "MISSING_FIELD");
  }
  if (change.name.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateName(*change.name, "name"));
  StoreDetails given;
  given.address = change.address.value_or("");
  given.phone = change.phone.value_or("");
  given.hours = change.hours.value_or("");
  given.position = change.position.value_or(std::nullopt);
  return ValidateStoreDetails(given);
}

}  // namespace

Result<Node> HierarchyService::UpdateStore(const Actor& actor, int64_t id,
                                           const StoreChange& change) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidateStoreChange(change));
  Node store;
  AuditRecord base;
  base.action = ActionLabel(NodeType::kStore, "update");
  base.object_type = std::string(NodeTypeName(NodeType::kStore));
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(store, LoadNode(conn, NodeType::kStore, id, true));
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, WriteActionFor(NodeType::kStore), store.path,
                                              NodeLabel(NodeType::kStore, id)));
    std::string changed;
    std::string name = store.name;
    if (change.name.has_value()) {
      changed = "name: " + store.name + " -> " + *change.name;
      name = *change.name;
    }
    StoreDetails details = Apply(change, store.store, &changed);
    MILEAGE_RETURN_IF_ERROR(NodeStore(conn).UpdateStore(id, name, details, record.created_at));
    record.brand_id = store.path.brand_id;
    record.detail = changed;
    store.name = std::move(name);
    store.store = std::move(details);
    store.updated_at = record.created_at;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return store;
}

namespace {

Status ValidateBrandChange(const BrandChange& change) {
  if (!change.name && !change.point_value_fen_per_100) {
    return InvalidArgumentError("give at least one of name and point_value_fen_per_100",
                                "MISSING_FIELD");
  }
  if (change.name.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateName(*change.name, "name"));
  if (change.point_value_fen_per_100.has_value() &&
      (*change.point_value_fen_per_100 < HierarchyService::kMinPointValue ||
       *change.point_value_fen_per_100 > HierarchyService::kMaxPointValue)) {
    return InvalidArgumentError("point_value_fen_per_100 must be " +
                                    std::to_string(HierarchyService::kMinPointValue) + "-" +
                                    std::to_string(HierarchyService::kMaxPointValue),
                                "INVALID_FIELD");
  }
  return Status::Ok();
}

// What the audit records of `change` applied to `brand`: "field: old -> new" for each field.
std::string BrandChangeDetail(const Node& brand, const BrandChange& change) {
  std::string detail;
  if (change.name.has_value()) detail = "name: " + brand.name + " -> " + *change.name;
  if (change.point_value_fen_per_100.has_value()) {
    if (!detail.empty()) detail += "; ";
    detail += "point_value_fen_per_100: " + std::to_string(brand.brand.point_value_fen_per_100) +
              " -> " + std::to_string(*change.point_value_fen_per_100);
  }
  return detail;
}

}  // namespace

Result<Node> HierarchyService::UpdateBrand(const Actor& actor, int64_t id,
                                           const BrandChange& change) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidateBrandChange(change));
  Node brand;
  AuditRecord base;
  base.action = ActionLabel(NodeType::kBrand, "update");
  base.object_type = std::string(NodeTypeName(NodeType::kBrand));
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(brand, LoadNode(conn, NodeType::kBrand, id, true));
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, WriteActionFor(NodeType::kBrand), brand.path,
                                              NodeLabel(NodeType::kBrand, id)));
    record.brand_id = brand.path.brand_id;
    record.detail = BrandChangeDetail(brand, change);
    brand.name = change.name.value_or(brand.name);
    brand.brand.point_value_fen_per_100 =
        change.point_value_fen_per_100.value_or(brand.brand.point_value_fen_per_100);
    MILEAGE_RETURN_IF_ERROR(
        NodeStore(conn).UpdateBrand(id, brand.name, brand.brand, record.created_at));
    brand.updated_at = record.created_at;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return brand;
}

Result<Node> HierarchyService::Deactivate(const Actor& actor, NodeType type, int64_t id) {
  if (type == NodeType::kBrand) return InvalidArgumentError("brands cannot be deactivated here");
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  Node node;
  std::vector<RaisedVersion> staff;
  AuditRecord base;
  base.action = ActionLabel(type, "deactivate");
  base.object_type = std::string(NodeTypeName(type));
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    staff.clear();
    MILEAGE_ASSIGN_OR_RETURN(node, LoadNode(conn, type, id, true));
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.Check(actor, WriteActionFor(type), node.path, NodeLabel(type, id)));
    record.brand_id = node.path.brand_id;
    if (!node.active) {
      record.detail = "already inactive";
      return Status::Ok();
    }
    NodeStore nodes(conn);
    MILEAGE_ASSIGN_OR_RETURN(int64_t children, nodes.CountActiveChildren(node.path));
    if (children > 0) {
      return FailedPreconditionError(NodeLabel(type, id) + " still has " +
                                         std::to_string(children) + " active " +
                                         std::string(NodeTypeName(ChildType(type))) + "(s)",
                                     "HAS_ACTIVE_CHILDREN");
    }
    MILEAGE_RETURN_IF_ERROR(nodes.SetInactive(node.path, record.created_at));
    MILEAGE_ASSIGN_OR_RETURN(staff,
                             StaffStore(conn).RaiseVersionsInSubtree(node.path, record.created_at));
    node.active = false;
    node.updated_at = record.created_at;
    record.detail = "deactivated; sessions ended: " + std::to_string(staff.size()) + " staff";
    return Status::Ok();
  });
  if (!written.ok()) return written;
  for (const RaisedVersion& account : staff) {
    Status revoked =
        truth_.Revoke(account.staff_id, account.credentials_version, "STAFF_DEACTIVATED");
    if (!revoked.ok()) {
      MILEAGE_LOG(kWarn) << "marking the sessions of staff " << account.staff_id
                         << " revoked failed: " << revoked.ToString();
    }
  }
  return node;
}

Result<PageOf<Node>> HierarchyService::List(const Actor& actor, NodeType type,
                                            const std::optional<NodeRef>& parent,
                                            const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (parent.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateId(parent->id, "parent id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  std::optional<NodePath> parent_path;
  std::string parent_label;
  if (parent.has_value()) {
    parent_label = NodeLabel(parent->type, parent->id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> found,
                             NodeStore(*conn).Find(parent->type, parent->id));
    if (!found.has_value()) return Missing(parent->type, parent->id);
    parent_path = found->path;
  }
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, ReadActionFor(type), parent_path, parent_label));
  NodePath scope;
  if (actor.staff.has_value()) {
    scope = actor.staff->scope;
  } else if (parent_path.has_value()) {
    scope = *parent_path;
  } else {
    return InvalidArgumentError("a system list needs a parent");
  }
  return NodeStore(*conn).List(type, scope, parent_path, page);
}

}  // namespace mileage::org
