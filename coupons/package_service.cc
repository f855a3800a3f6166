#include "coupons/package_service.h"

#include <set>

#include "coupons/package_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

Status InvalidPackage(const std::string& message) {
  return InvalidArgumentError(message, "INVALID_PACKAGE");
}

Status PackageNotFound(int64_t id) { return NotFoundOf("package", id, "PACKAGE_NOT_FOUND"); }

Status ValidateTexts(const std::optional<std::string>& name,
                     const std::optional<std::string>& description) {
  if (name.has_value()) {
    if (Status valid = org::ValidateText(*name, "name", 1, 64); !valid.ok()) {
      return InvalidPackage(valid.message());
    }
  }
  if (description.has_value()) {
    if (Status valid = org::ValidateText(*description, "description", 0, 255); !valid.ok()) {
      return InvalidPackage(valid.message());
    }
  }
  return Status::Ok();
}

Status ValidatePrice(int64_t price_fen) {
  if (price_fen < 1 || price_fen > NewPackage::kMaxPriceFen) {
    return InvalidPackage("price_fen must be 1.." + std::to_string(NewPackage::kMaxPriceFen));
  }
  return Status::Ok();
}

Status ValidateNew(const NewPackage& p) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(p.store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateTexts(p.name, p.description));
  MILEAGE_RETURN_IF_ERROR(ValidatePrice(p.price_fen));
  if (p.items.empty() || p.items.size() > NewPackage::kMaxItems) {
    return InvalidPackage("a package holds 1.." + std::to_string(NewPackage::kMaxItems) + " items");
  }
  std::set<int64_t> seen;
  for (const PackageItem& item : p.items) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(item.stock_id, "items[].stock_id"));
    if (item.quantity < 1 || item.quantity > NewPackage::kMaxQuantity) {
      return InvalidPackage("items[].quantity must be 1.." +
                            std::to_string(NewPackage::kMaxQuantity));
    }
    if (!seen.insert(item.stock_id).second) {
      return InvalidPackage("stock " + std::to_string(item.stock_id) + " is listed twice");
    }
  }
  return Status::Ok();
}

// Whether the state may move from `from` to `to`.
bool IsTransition(PackageState from, PackageState to) {
  return (from == PackageState::kDraft && to == PackageState::kOnSale) ||
         (from == PackageState::kOnSale && to == PackageState::kOffSale) ||
         (from == PackageState::kOffSale && to == PackageState::kOnSale);
}

std::string Describe(const Package& p) {
  std::string out = "\"" + p.name + "\" " + std::to_string(p.price_fen) + " fen, " +
                    std::string(PackageStateName(p.state)) + ", items";
  for (const PackageItem& item : p.items) {
    out += " " + std::to_string(item.stock_id) + "x" + std::to_string(item.quantity);
  }
  return out;
}

}  // namespace

Status PackageService::CheckItems(db::Connection& conn, const org::Actor& actor,
                                  const org::NodePath& store, std::vector<PackageItem>& items) {
  StockStore stocks(conn);
  for (PackageItem& item : items) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> stock, stocks.Find(item.stock_id));
    const Status not_found = NotFoundOf("stock", item.stock_id, "STOCK_NOT_FOUND");
    if (!stock.has_value() || stock->node.brand_id != store.brand_id) return not_found;
    MILEAGE_RETURN_IF_ERROR(access_.CheckOwns(actor, *stock, org::Action::kCouponGrant, not_found));
    if (!stock->Takes(Channel::kGrant)) {
      return FailedPreconditionError(
          "stock " + std::to_string(stock->id) + " takes no grants, so no package sells it",
          "NOT_ELIGIBLE");
    }
    if (!StockAccess::RedeemableAt(*stock, store)) {
      return FailedPreconditionError(
          "stock " + std::to_string(stock->id) + " is not redeemable at the package's store",
          "INVALID_ITEM");
    }
    item.stock = std::move(*stock);
  }
  return Status::Ok();
}

Result<Package> PackageService::Create(const org::Actor& actor, const NewPackage& package) {
  MILEAGE_RETURN_IF_ERROR(ValidateNew(package));
  org::AuditRecord base;
  base.action = "package.create";
  base.object_type = "package";
  Package created;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        const std::string label = org::NodeLabel(org::NodeType::kStore, package.store_id);
        MILEAGE_ASSIGN_OR_RETURN(
            std::optional<org::Node> store,
            org::NodeStore(conn).Find(org::NodeType::kStore, package.store_id));
        if (!store.has_value()) return NotFoundError(label + " not found");
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.Check(actor, org::Action::kStockWrite, store->path, label));
        if (!store->active) {
          return FailedPreconditionError(label + " is deactivated", "PARENT_INACTIVE");
        }
        created = Package{};
        created.store = store->path;
        created.store_name = store->name;
        created.name = package.name;
        created.description = package.description;
        created.price_fen = package.price_fen;
        created.state = PackageState::kDraft;
        created.items = package.items;
        MILEAGE_RETURN_IF_ERROR(CheckItems(conn, actor, store->path, created.items));
        if (actor.staff.has_value()) created.created_by = actor.staff->staff_id;
        created.created_at = created.updated_at = record.created_at;
        MILEAGE_ASSIGN_OR_RETURN(created.id, PackageStore(conn).Insert(created));
        record.brand_id = store->path.brand_id;
        record.object_id = created.id;
        record.detail = Describe(created);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return created;
}

Result<Package> PackageService::Get(const org::Actor& actor, int64_t package_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(package_id, "package_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Package> found, PackageStore(*conn).Find(package_id));
  if (!found.has_value()) return PackageNotFound(package_id);
  Status allowed = authorizer_.Check(actor, org::Action::kStockRead, found->store, "package");
  if (allowed.code() == StatusCode::kNotFound) return PackageNotFound(package_id);
  MILEAGE_RETURN_IF_ERROR(allowed);
  return std::move(*found);
}

Result<PageOf<Package>> PackageService::List(const org::Actor& actor, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, org::Action::kStockRead, std::nullopt, "packages"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  std::optional<org::NodePath> viewer;
  if (actor.staff.has_value()) viewer = actor.staff->scope;
  return PackageStore(*conn).List(viewer, page);
}

Result<Package> PackageService::Update(const org::Actor& actor, int64_t package_id,
                                       const PackagePatch& patch) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(package_id, "package_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateTexts(patch.name, patch.description));
  if (patch.price_fen.has_value()) MILEAGE_RETURN_IF_ERROR(ValidatePrice(*patch.price_fen));
  org::AuditRecord base;
  base.action = "package.update";
  base.object_type = "package";
  base.object_id = package_id;
  Package updated;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        PackageStore packages(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Package> found, packages.Find(package_id));
        if (!found.has_value()) return PackageNotFound(package_id);
        Status allowed =
            authorizer_.Check(actor, org::Action::kStockWrite, found->store, "package");
        if (allowed.code() == StatusCode::kNotFound) return PackageNotFound(package_id);
        MILEAGE_RETURN_IF_ERROR(allowed);
        updated = std::move(*found);
        if (patch.price_fen.has_value() && *patch.price_fen != updated.price_fen) {
          if (updated.state != PackageState::kDraft) {
            return FailedPreconditionError("the price changes only while the package is draft",
                                           "PACKAGE_NOT_EDITABLE");
          }
          updated.price_fen = *patch.price_fen;
        }
        if (patch.state.has_value() && *patch.state != updated.state) {
          if (!IsTransition(updated.state, *patch.state)) {
            return FailedPreconditionError("a package cannot go from " +
                                               std::string(PackageStateName(updated.state)) +
                                               " to " + std::string(PackageStateName(*patch.state)),
                                           "INVALID_STATE_TRANSITION");
          }
          updated.state = *patch.state;
        }
        if (patch.name) updated.name = *patch.name;
        if (patch.description) updated.description = *patch.description;
        updated.updated_at = record.created_at;
        MILEAGE_RETURN_IF_ERROR(packages.Update(updated));
        record.brand_id = updated.store.brand_id;
        record.detail = Describe(updated);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return updated;
}

Result<PageOf<PackageOrder>> PackageService::Orders(const org::Actor& actor, int64_t package_id,
                                                    const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(Package package, Get(actor, package_id));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return PackageStore(*conn).OfPackage(package.id, page);
}

}  // namespace mileage::coupons
