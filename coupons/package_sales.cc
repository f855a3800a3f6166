#include "coupons/package_sales.h"

#include <map>

#include "coupons/access.h"
#include "coupons/coupon_store.h"
#include "coupons/package_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "crypto/random_string.h"
#include "members/member_store.h"
#include "org/merchant_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

Status UnknownPackage(int64_t id) {
  return InvalidArgumentError("package " + std::to_string(id) + " is not for sale",
                              "UNKNOWN_PACKAGE");
}

Status PaymentUnavailable(const std::string& why) {
  return UnavailableError(why, "PAYMENT_UNAVAILABLE");
}

// 32 characters as WeChat allows in out_trade_no: "PK" and 30 random alphanumerics, so that
// no one guesses another member's order.
std::string NewOutTradeNo(RandomSource& random) {
  return "PK" + crypto::RandomAlphanumeric(random, 30);
}

}  // namespace

Result<std::vector<Package>> PackageSales::OnSale(const MemberRef& member) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return PackageStore(*conn).OfBrand(member.brand_id, PackageState::kOnSale, kMaxOnSale);
}

Status PackageSales::CheckRoom(db::Connection& conn, const Package& package, int64_t member_id,
                               int64_t now) {
  StockStore stocks(conn);
  for (const PackageItem& item : package.items) {
    MILEAGE_RETURN_IF_ERROR(CheckIssuing(item.stock, Channel::kGrant, now));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<IssueContext> context,
                             stocks.LoadForIssue(item.stock_id, member_id));
    if (!context.has_value()) return UnknownPackage(package.id);
    const std::string what = "stock " + std::to_string(item.stock_id);
    if (context->member_slots + item.quantity > item.stock.per_member_limit) {
      return FailedPreconditionError(
          what + " allows " + std::to_string(item.stock.per_member_limit) + " coupons per member",
          "LIMIT_REACHED");
    }
    MILEAGE_ASSIGN_OR_RETURN(StockCounts counts, stocks.Counts(item.stock_id));
    if (counts.remaining < item.quantity) {
      return FailedPreconditionError(what + " has " + std::to_string(counts.remaining) + " left",
                                     "SOLD_OUT");
    }
  }
  return Status::Ok();
}

Result<PlacedOrder> PackageSales::Place(const MemberRef& member, std::string_view appid,
                                        int64_t package_id, int64_t now,
                                        const PaymentCheck& payable) {
  if (package_id <= 0) return UnknownPackage(package_id);
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Package> package, PackageStore(*conn).Find(package_id));
  if (!package.has_value() || package->store.brand_id != member.brand_id ||
      package->state != PackageState::kOnSale) {
    return UnknownPackage(package_id);
  }
  MILEAGE_RETURN_IF_ERROR(CheckRoom(*conn, *package, member.member_id, now));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Merchant> merchant,
                           org::MerchantStore(*conn).FindActiveAt(package->store.store_id, appid));
  if (!merchant.has_value()) {
    return PaymentUnavailable("store " + std::to_string(package->store.store_id) +
                              " has no active merchant for " + std::string(appid));
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<members::Identity> identities,
                           members::MemberStore(*conn, random_).Identities(member.member_id));
  PlacedOrder placed;
  for (const members::Identity& identity : identities) {
    if (identity.kind == members::IdentityKind::kOpenid && identity.appid == appid) {
      placed.payer_openid = identity.value;
    }
  }
  if (placed.payer_openid.empty()) {
    return PaymentUnavailable("member " + std::to_string(member.member_id) + " has no openid in " +
                              std::string(appid));
  }
  MILEAGE_RETURN_IF_ERROR(payable(merchant->mchid));
  PackageOrder& order = placed.order;
  order.brand_id = member.brand_id;
  order.member_id = member.member_id;
  order.package_id = package->id;
  order.package_name = package->name;
  order.store_id = package->store.store_id;
  order.merchant_id = merchant->id;
  order.appid = std::string(appid);
  order.out_trade_no = NewOutTradeNo(random_);
  order.amount_fen = package->price_fen;
  order.state = OrderState::kPending;
  order.created_at = order.updated_at = now;
  MILEAGE_ASSIGN_OR_RETURN(order.id, PackageStore(*conn).InsertOrder(order));
  placed.mchid = merchant->mchid;
  placed.description = package->name;
  return placed;
}

Status PackageSales::AttachPrepay(int64_t order_id, std::string_view prepay_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return PackageStore(*conn).SetPrepay(order_id, prepay_id, now);
}

Result<std::vector<OrderDetail>> PackageSales::WithCoupons(db::Connection& conn, int64_t member_id,
                                                           std::vector<PackageOrder> orders) {
  std::vector<std::string> prefixes;
  for (const PackageOrder& order : orders) prefixes.push_back(OrderCouponPrefix(order.id));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Coupon> coupons,
                           CouponStore(conn).OfMemberBySourcePrefixes(member_id, prefixes));
  std::vector<int64_t> stock_ids;
  for (const Coupon& coupon : coupons) stock_ids.push_back(coupon.stock_id);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Stock> stocks, StockStore(conn).FindMany(stock_ids));
  std::map<int64_t, const Stock*> stock_by_id;
  for (const Stock& stock : stocks) stock_by_id[stock.id] = &stock;
  std::map<std::string, std::vector<CouponDetail>> by_prefix;
  for (Coupon& coupon : coupons) {
    const std::string ref = coupon.source_ref.value_or("");
    auto stock = stock_by_id.find(coupon.stock_id);
    by_prefix[ref.substr(0, ref.rfind(':') + 1)].push_back(
        {std::move(coupon), stock != stock_by_id.end() ? *stock->second : Stock{}});
  }
  std::vector<OrderDetail> out;
  out.reserve(orders.size());
  for (PackageOrder& order : orders) {
    std::vector<CouponDetail> granted = std::move(by_prefix[OrderCouponPrefix(order.id)]);
    out.push_back({std::move(order), std::move(granted)});
  }
  return out;
}

Result<PageOf<OrderDetail>> PackageSales::MemberOrders(const MemberRef& member,
                                                       const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(PageOf<PackageOrder> orders,
                           PackageStore(*conn).OfMember(member.member_id, page));
  PageOf<OrderDetail> out;
  out.total = orders.total;
  out.request = orders.request;
  MILEAGE_ASSIGN_OR_RETURN(out.items,
                           WithCoupons(*conn, member.member_id, std::move(orders.items)));
  return out;
}

Result<OrderDetail> PackageSales::MemberOrder(const MemberRef& member, int64_t order_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(order_id, "order_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<PackageOrder> order,
                           PackageStore(*conn).FindOrder(order_id));
  if (!order.has_value() || order->member_id != member.member_id) {
    return NotFoundOf("order", order_id, "ORDER_NOT_FOUND");
  }
  std::vector<PackageOrder> one{std::move(*order)};
  MILEAGE_ASSIGN_OR_RETURN(std::vector<OrderDetail> detailed,
                           WithCoupons(*conn, member.member_id, std::move(one)));
  return std::move(detailed.front());
}

}  // namespace mileage::coupons
