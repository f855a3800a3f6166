#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "coupons/package_types.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::coupons {

// The SQL of coupon_packages, coupon_package_items and package_orders on one connection,
// usually inside the caller's transaction. Business rules live in PackageService and
// PackageSales. Lives for one use of its connection; not safe for concurrent use. Errors: the
// db::Connection errors (AlreadyExists when an order hits its (merchant, out_trade_no) key).
class PackageStore {
 public:
  explicit PackageStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the package (its id ignored) and its items; returns the new id.
  Result<int64_t> Insert(const Package& package);
  // Name, description, price, state and updated_at.
  Status Update(const Package& package);
  // With its items (each with its stock) and the store's name; nullopt when no package has
  // the id.
  Result<std::optional<Package>> Find(int64_t id);
  // The package's items without their stocks (what fulfilling an order needs), stock order.
  Result<std::vector<PackageItem>> ItemsOf(int64_t package_id);
  // A page of the packages at stores in the subtree of `viewer` (all: nullopt), id order, with
  // items.
  Result<PageOf<Package>> List(const std::optional<org::NodePath>& viewer, const PageRequest& page);
  // The brand's packages in `state`, id order, at most `limit`, with items.
  Result<std::vector<Package>> OfBrand(int64_t brand_id, PackageState state, int64_t limit);

  // Inserts a pending order (its id ignored); returns the new id.
  Result<int64_t> InsertOrder(const PackageOrder& order);
  Status SetPrepay(int64_t order_id, std::string_view prepay_id, int64_t now);
  // With its package's name; nullopt when none has the id.
  Result<std::optional<PackageOrder>> FindOrder(int64_t id);
  Result<std::optional<PackageOrder>> FindOrderByTrade(int64_t merchant_id,
                                                       std::string_view out_trade_no);
  // pending -> paid (or grant_failed) with the payment, when the order is still pending and
  // the payment's member and amount are the order's; false otherwise.
  Result<bool> MarkPaid(int64_t order_id, int64_t member_id, int64_t amount_fen,
                        std::string_view transaction_id, OrderState to, int64_t paid_at,
                        int64_t now);
  // paid or grant_failed -> refunded; false when the order was in neither state.
  Result<bool> MarkRefunded(int64_t order_id, int64_t now);
  // A page of the member's orders, newest first.
  Result<PageOf<PackageOrder>> OfMember(int64_t member_id, const PageRequest& page);
  // A page of the package's orders, newest first.
  Result<PageOf<PackageOrder>> OfPackage(int64_t package_id, const PageRequest& page);

 private:
  // Fills items (with stocks) and store names of each package with two queries.
  Status LoadDetails(std::vector<Package>& packages);

  db::Connection& conn_;
};

// "order:<order id>:<n>", the source_ref of the n-th coupon (from 1) an order grants, and the
// prefix every one of them starts with.
std::string OrderCouponRef(int64_t order_id, int64_t n);
std::string OrderCouponPrefix(int64_t order_id);

}  // namespace mileage::coupons
