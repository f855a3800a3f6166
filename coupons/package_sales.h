#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/random.h"
#include "common/result.h"
#include "coupons/package_types.h"
#include "coupons/types.h"
#include "db/db.h"

namespace mileage::coupons {

// A pending order just made, with what its JSAPI prepay needs.
struct PlacedOrder {
  PackageOrder order;
  std::string mchid;
  std::string payer_openid;  // the member's openid in the order's app
  std::string description;   // the package's name
};

// The member side of packages (docs/API.md, "Packages and orders"): the brand's packages on
// sale, placing an order, and the member's orders with the coupons they granted. Placing
// checks what the notification will issue (each stock active, taking grants, with room for the
// quantity under the member's limit and the stock's total) before the member is charged; it
// reserves nothing, so an order paid after a stock sold out meanwhile ends grant_failed
// (PackageFulfilment). The payment itself goes through the server's WeChat Pay client, which
// then calls AttachPrepay. Every call acts for `member` only: another brand's package or
// another member's order answers like an unknown id. Owned by the composition root; safe for
// concurrent use.
class PackageSales {
 public:
  static constexpr int64_t kMaxOnSale = 200;

  PackageSales(db::Db& db, RandomSource& random) : db_(db), random_(random) {}

  // The brand's on_sale packages, id order, at most kMaxOnSale. Errors: the db errors.
  Result<std::vector<Package>> OnSale(const MemberRef& member);
  // Whether the merchant of `mchid` can take a payment now (its WeChat Pay client is ready):
  // asked before an order is written.
  using PaymentCheck = std::function<Status(const std::string& mchid)>;

  // A pending order of the package for the member paying through the mini-program `appid`,
  // written once `payable` agrees. Errors: InvalidArgument UNKNOWN_PACKAGE (no such package,
  // another brand's, or not on sale); FailedPrecondition NOT_ACTIVE (a stock is not issuing),
  // LIMIT_REACHED, SOLD_OUT; Unavailable PAYMENT_UNAVAILABLE (the store has no active merchant
  // for `appid`, or the member has no openid in it); `payable`'s errors; the db errors.
  Result<PlacedOrder> Place(const MemberRef& member, std::string_view appid, int64_t package_id,
                            int64_t now, const PaymentCheck& payable);
  // Records the prepay_id WeChat gave the order. Errors: the db errors.
  Status AttachPrepay(int64_t order_id, std::string_view prepay_id, int64_t now);
  // The member's orders, newest first, each with its coupons. Errors: INVALID_PAGE; db.
  Result<PageOf<OrderDetail>> MemberOrders(const MemberRef& member, const PageRequest& page);
  // Errors: INVALID_ID; NotFound ORDER_NOT_FOUND (unknown or another member's); db.
  Result<OrderDetail> MemberOrder(const MemberRef& member, int64_t order_id);

 private:
  // FailedPrecondition unless every item can be issued to the member now.
  Status CheckRoom(db::Connection& conn, const Package& package, int64_t member_id, int64_t now);
  // The coupons of each order with their stocks, in two queries (and the stocks' stores).
  Result<std::vector<OrderDetail>> WithCoupons(db::Connection& conn, int64_t member_id,
                                               std::vector<PackageOrder> orders);

  db::Db& db_;
  RandomSource& random_;
};

}  // namespace mileage::coupons
