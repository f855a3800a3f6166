#pragma once

#include <cstdint>

#include "common/clock.h"
#include "common/paging.h"
#include "common/result.h"
#include "coupons/access.h"
#include "coupons/types.h"
#include "db/db.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::coupons {

// The console's management of stocks (campaigns): create, read with their numbers, list,
// change. Visibility and ownership are StockAccess's rule (coupons/access.h); every write runs
// with its audit record through org::AuditedWriter ("stock.create", "stock.update"), and a
// write refused by authorization is recorded as denied. Owned by the composition root; safe
// for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID, INVALID_PAGE; NotFound
// STOCK_NOT_FOUND (unknown or not visible); PermissionDenied (the role lacks the action, or the
// stock is visible but not the caller's); the db errors.
class StockService {
 public:
  StockService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
               const Clock& clock, const members::TierPolicy& tiers)
      : db_(db),
        authorizer_(authorizer),
        access_(authorizer),
        writer_(writer),
        clock_(clock),
        tiers_(tiers) {}

  // Creates a draft stock at the node `stock` names, with its stores and counter shards.
  // Errors: InvalidArgument INVALID_STOCK, UNKNOWN_TIER (rules.h ValidateNewStock) and
  // STORE_NOT_IN_STOCK_NODE (a listed store outside the node's subtree); NotFound NOT_FOUND
  // "<node> N not found" for the node or a listed store that does not exist or is outside the
  // caller's subtree; PermissionDenied (stock.write); FailedPrecondition PARENT_INACTIVE (the
  // node is deactivated) or STORE_INACTIVE (a listed store is).
  Result<Stock> Create(const org::Actor& actor, const NewStock& stock);
  Result<StockView> Get(const org::Actor& actor, int64_t stock_id);
  // The stocks the caller sees (all for the system actor), by id. A filter node outside the
  // caller's subtree and not one of its ancestors answers NotFound "<node> N not found".
  Result<PageOf<Stock>> List(const org::Actor& actor, const StockFilter& filter,
                             const PageRequest& page);
  // Applies `patch` (types.h StockPatch) and returns the stock's view. Errors: InvalidArgument
  // INVALID_STOCK (a text or number out of range, a lower total, an earlier valid_until, a
  // valid_until on a valid_days stock, a daily quantity above the total), STORE_NOT_IN_STOCK_NODE;
  // FailedPrecondition INVALID_STATE_TRANSITION, STOCK_NOT_EDITABLE (an ended stock; stores of a
  // stock that is not a draft), STORE_INACTIVE; NotFound for a listed store as in Create.
  Result<StockView> Update(const org::Actor& actor, int64_t stock_id, const StockPatch& patch);

 private:
  // The stores `ids` name, checked for the stock at `node` and the caller.
  Result<std::vector<org::NodePath>> ResolveStores(db::Connection& conn, const org::Actor& actor,
                                                   const org::NodePath& node,
                                                   const std::vector<int64_t>& ids);
  Result<StockView> ViewOf(db::Connection& conn, Stock stock);
  // Checks `patch` against `stock` and applies it to the copy; the stores too.
  Status ApplyPatch(db::Connection& conn, const org::Actor& actor, const StockPatch& patch,
                    Stock& stock, int64_t now);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  const StockAccess access_;
  org::AuditedWriter& writer_;
  const Clock& clock_;
  const members::TierPolicy tiers_;
};

}  // namespace mileage::coupons
