#include "coupons/stock_service.h"

#include <algorithm>
#include <optional>
#include <string>

#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

Status StockNotFound(int64_t id) { return NotFoundOf("stock", id, "STOCK_NOT_FOUND"); }

Status InvalidStock(const std::string& message) {
  return InvalidArgumentError(message, "INVALID_STOCK");
}

Status NotEditable(const std::string& message) {
  return FailedPreconditionError(message, "STOCK_NOT_EDITABLE");
}

// Text rules as INVALID_STOCK.
Status CheckText(const std::string& text, const char* field, size_t min_chars, size_t max_chars) {
  Status valid = org::ValidateText(text, field, min_chars, max_chars);
  return valid.ok() ? valid : InvalidStock(valid.message());
}

Stock FromNew(const NewStock& n, const org::NodePath& node, std::vector<org::NodePath> stores,
              const org::Actor& actor, int64_t now) {
  Stock s;
  s.node = node;
  s.name = n.name;
  s.description = n.description;
  s.type = n.type;
  s.value_fen = n.value_fen;
  s.threshold_fen = n.threshold_fen;
  s.percent_off = n.percent_off;
  s.max_discount_fen = n.max_discount_fen;
  s.item = n.item;
  s.valid_from = n.valid_from;
  s.valid_until = n.valid_until;
  s.valid_days = n.valid_days;
  s.total_quantity = n.total_quantity;
  s.per_member_limit = n.per_member_limit;
  s.daily_quantity = n.daily_quantity;
  s.budget_fen = n.budget_fen;
  s.min_tier = n.min_tier;
  s.channels = n.channels;
  s.reward_min_amount_fen = n.reward_min_amount_fen;
  s.reward_first_payment_only = n.reward_first_payment_only;
  s.stores = std::move(stores);
  s.state = StockState::kDraft;
  if (actor.staff.has_value()) s.created_by = actor.staff->staff_id;
  s.created_at = now;
  s.updated_at = now;
  return s;
}

// The checks of a patch that need no stored state.
Status ValidatePatch(const StockPatch& p) {
  if (!p.name && !p.description && !p.total_quantity && !p.daily_quantity && !p.valid_until &&
      !p.store_ids && !p.state) {
    return InvalidStock("the change names no field");
  }
  if (p.name) MILEAGE_RETURN_IF_ERROR(CheckText(*p.name, "name", 1, 64));
  if (p.description) MILEAGE_RETURN_IF_ERROR(CheckText(*p.description, "description", 0, 255));
  if (p.total_quantity &&
      (*p.total_quantity < 1 || *p.total_quantity > NewStock::kMaxTotalQuantity)) {
    return InvalidStock("total_quantity must be 1.." + std::to_string(NewStock::kMaxTotalQuantity));
  }
  if (p.daily_quantity && *p.daily_quantity < 0)
    return InvalidStock("daily_quantity must be 0 or more");
  if (p.valid_until && *p.valid_until <= 0) return InvalidStock("valid_until must be positive");
  if (p.store_ids) MILEAGE_RETURN_IF_ERROR(ValidateStoreIds(*p.store_ids));
  return Status::Ok();
}

std::string Describe(const Stock& s) {
  return s.name + " (" + std::string(StockTypeName(s.type)) + ", total " +
         std::to_string(s.total_quantity) + ", " + std::string(StockStateName(s.state)) + ")";
}

}  // namespace

Result<std::vector<org::NodePath>> StockService::ResolveStores(db::Connection& conn,
                                                               const org::Actor& actor,
                                                               const org::NodePath& node,
                                                               const std::vector<int64_t>& ids) {
  std::vector<org::NodePath> stores;
  for (int64_t id : ids) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                             org::NodeStore(conn).Find(org::NodeType::kStore, id));
    const std::string label = org::NodeLabel(org::NodeType::kStore, id);
    if (!store.has_value() || store->path.brand_id != node.brand_id ||
        (actor.staff.has_value() && !org::Authorizer::InSubtree(actor.staff->scope, store->path))) {
      return NotFoundError(label + " not found");
    }
    if (!org::Authorizer::InSubtree(node, store->path)) {
      return InvalidArgumentError(label + " is not in the subtree of the stock's node",
                                  "STORE_NOT_IN_STOCK_NODE");
    }
    if (!store->active) return FailedPreconditionError(label + " is deactivated", "STORE_INACTIVE");
    stores.push_back(store->path);
  }
  std::sort(stores.begin(), stores.end(),
            [](const org::NodePath& a, const org::NodePath& b) { return a.store_id < b.store_id; });
  return stores;
}

Result<Stock> StockService::Create(const org::Actor& actor, const NewStock& stock) {
  MILEAGE_RETURN_IF_ERROR(ValidateNewStock(stock, tiers_, UnixSeconds(clock_.Now())));
  org::AuditRecord base;
  base.action = "stock.create";
  base.object_type = "stock";
  Stock created;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        const std::string label = org::NodeLabel(stock.node_type, stock.node_id);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> node,
                                 org::NodeStore(conn).Find(stock.node_type, stock.node_id));
        if (!node.has_value()) return NotFoundError(label + " not found");
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.Check(actor, org::Action::kStockWrite, node->path, label));
        if (!node->active) {
          return FailedPreconditionError(label + " is deactivated", "PARENT_INACTIVE");
        }
        MILEAGE_ASSIGN_OR_RETURN(std::vector<org::NodePath> stores,
                                 ResolveStores(conn, actor, node->path, stock.store_ids));
        created = FromNew(stock, node->path, std::move(stores), actor, record.created_at);
        MILEAGE_ASSIGN_OR_RETURN(
            created.id, StockStore(conn).Insert(created, ShardCaps(EffectiveTotal(created))));
        record.brand_id = node->path.brand_id;
        record.object_id = created.id;
        record.detail = label + ": " + Describe(created);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return created;
}

Result<StockView> StockService::ViewOf(db::Connection& conn, Stock stock) {
  MILEAGE_ASSIGN_OR_RETURN(StockCounts counts, StockStore(conn).Counts(stock.id));
  StockView view;
  view.stock = std::move(stock);
  view.issued = counts.issued;
  view.remaining = counts.remaining;
  view.redeemed = counts.redeemed;
  view.expired = counts.expired;
  view.voided = counts.voided;
  return view;
}

Result<StockView> StockService::Get(const org::Actor& actor, int64_t stock_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(stock_id, "stock_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> stock, StockStore(*conn).Find(stock_id));
  if (!stock.has_value()) return StockNotFound(stock_id);
  MILEAGE_RETURN_IF_ERROR(
      access_.CheckSees(actor, *stock, org::Action::kStockRead, StockNotFound(stock_id)));
  return ViewOf(*conn, std::move(*stock));
}

Result<PageOf<Stock>> StockService::List(const org::Actor& actor, const StockFilter& filter,
                                         const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (filter.node.has_value()) MILEAGE_RETURN_IF_ERROR(org::ValidateId(filter.node->id, "node_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  std::optional<org::NodePath> node;
  if (filter.node.has_value()) {
    const std::string label = org::NodeLabel(filter.node->type, filter.node->id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> found,
                             org::NodeStore(*conn).Find(filter.node->type, filter.node->id));
    if (!found.has_value()) return NotFoundError(label + " not found");
    node = found->path;
    MILEAGE_RETURN_IF_ERROR(authorizer_.CheckList(actor, org::Action::kStockRead, node, label));
  } else {
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.CheckList(actor, org::Action::kStockRead, std::nullopt, "stocks"));
  }
  std::optional<org::NodePath> viewer;
  if (actor.staff.has_value()) viewer = actor.staff->scope;
  return StockStore(*conn).List(viewer, filter.state, filter.type, node, page);
}

Status StockService::ApplyPatch(db::Connection& conn, const org::Actor& actor,
                                const StockPatch& patch, Stock& stock, int64_t now) {
  if (stock.state == StockState::kEnded)
    return NotEditable("stock " + std::to_string(stock.id) + " has ended");
  if (patch.name) stock.name = *patch.name;
  if (patch.description) stock.description = *patch.description;
  if (patch.total_quantity) {
    if (*patch.total_quantity < stock.total_quantity) {
      return InvalidStock("total_quantity may only be raised (it is " +
                          std::to_string(stock.total_quantity) + ")");
    }
    stock.total_quantity = *patch.total_quantity;
  }
  if (patch.daily_quantity) stock.daily_quantity = *patch.daily_quantity;
  if (stock.daily_quantity > stock.total_quantity) {
    return InvalidStock("daily_quantity must be 0.." + std::to_string(stock.total_quantity));
  }
  if (patch.valid_until) {
    if (stock.valid_days > 0) return InvalidStock("valid_until applies to fixed windows only");
    if (*patch.valid_until < stock.valid_until) {
      return InvalidStock("valid_until may only move later");
    }
    if (*patch.valid_until - stock.valid_from > NewStock::kMaxValidDays * 86400) {
      return InvalidStock("the window may last at most " + std::to_string(NewStock::kMaxValidDays) +
                          " days");
    }
    stock.valid_until = *patch.valid_until;
  }
  if (patch.store_ids) {
    if (stock.state != StockState::kDraft) {
      return NotEditable("the stores of a stock are set while it is a draft");
    }
    MILEAGE_ASSIGN_OR_RETURN(stock.stores,
                             ResolveStores(conn, actor, stock.node, *patch.store_ids));
  }
  if (patch.state && *patch.state != stock.state) {
    MILEAGE_RETURN_IF_ERROR(CheckTransition(stock.state, *patch.state));
    stock.state = *patch.state;
  }
  stock.updated_at = now;
  return Status::Ok();
}

Result<StockView> StockService::Update(const org::Actor& actor, int64_t stock_id,
                                       const StockPatch& patch) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(stock_id, "stock_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePatch(patch));
  org::AuditRecord base;
  base.action = "stock.update";
  base.object_type = "stock";
  base.object_id = stock_id;
  StockView view;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        StockStore stocks(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> found, stocks.Find(stock_id, /*lock=*/true));
        if (!found.has_value()) return StockNotFound(stock_id);
        MILEAGE_RETURN_IF_ERROR(
            access_.CheckOwns(actor, *found, org::Action::kStockWrite, StockNotFound(stock_id)));
        Stock stock = *found;
        MILEAGE_RETURN_IF_ERROR(ApplyPatch(conn, actor, patch, stock, record.created_at));
        MILEAGE_RETURN_IF_ERROR(stocks.Update(stock));
        const int64_t raised = EffectiveTotal(stock) - EffectiveTotal(*found);
        if (raised > 0) MILEAGE_RETURN_IF_ERROR(stocks.RaiseCaps(stock.id, raised));
        if (patch.store_ids) MILEAGE_RETURN_IF_ERROR(stocks.ReplaceStores(stock.id, stock.stores));
        if (stock.valid_until > found->valid_until) {
          MILEAGE_RETURN_IF_ERROR(
              CouponStore(conn)
                  .ExtendExpiry(stock.id, found->valid_until, stock.valid_until, record.created_at)
                  .status());
        }
        record.brand_id = stock.node.brand_id;
        record.detail = Describe(stock);
        MILEAGE_ASSIGN_OR_RETURN(view, ViewOf(conn, std::move(stock)));
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return view;
}

}  // namespace mileage::coupons
