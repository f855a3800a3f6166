#pragma once

#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "common/paging.h"
#include "common/result.h"
#include "coupons/access.h"
#include "coupons/package_types.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::coupons {

// Staff manage the packages sold at their stores (docs/API.md, "Packages (console)"). A
// package belongs to its store: staff whose scope holds the store read it (stock.read) and
// change it (stock.write); anyone else is told PACKAGE_NOT_FOUND, as for an unknown id. Its
// items are stocks of the same brand that take the grant channel, are redeemable at the
// package's store and are owned by the caller with coupon.grant (selling a package grants its
// coupons). Writes are audited (package.create, package.update). Owned by the composition
// root; safe for concurrent use.
class PackageService {
 public:
  PackageService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                 const Clock& clock)
      : db_(db), authorizer_(authorizer), access_(authorizer), writer_(writer), clock_(clock) {}

  // A new draft package. Errors: InvalidArgument INVALID_PACKAGE (name, description, price,
  // item count or quantities out of range, a stock listed twice), INVALID_ID; NotFound
  // (the store), STOCK_NOT_FOUND (unknown, or not visible to the caller); PermissionDenied;
  // FailedPrecondition PARENT_INACTIVE (the store is deactivated), NOT_ELIGIBLE (a stock takes
  // no grants), INVALID_ITEM (a stock of another brand or not redeemable at the store); the db
  // errors.
  Result<Package> Create(const org::Actor& actor, const NewPackage& package);
  // Errors: INVALID_ID; NotFound PACKAGE_NOT_FOUND.
  Result<Package> Get(const org::Actor& actor, int64_t package_id);
  // The packages of the caller's subtree, id order. Errors: INVALID_PAGE; PermissionDenied.
  Result<PageOf<Package>> List(const org::Actor& actor, const PageRequest& page);
  // Errors: Get's; INVALID_PACKAGE; FailedPrecondition PACKAGE_NOT_EDITABLE (the price of a
  // package no longer draft), INVALID_STATE_TRANSITION (other than draft->on_sale<->off_sale);
  // PermissionDenied.
  Result<Package> Update(const org::Actor& actor, int64_t package_id, const PackagePatch& patch);
  // The package's orders, newest first. Errors: Get's; INVALID_PAGE.
  Result<PageOf<PackageOrder>> Orders(const org::Actor& actor, int64_t package_id,
                                      const PageRequest& page);

 private:
  // The stocks of the items, checked as the class comment says; filled into `items`.
  Status CheckItems(db::Connection& conn, const org::Actor& actor, const org::NodePath& store,
                    std::vector<PackageItem>& items);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  const StockAccess access_;
  org::AuditedWriter& writer_;
  const Clock& clock_;
};

}  // namespace mileage::coupons
