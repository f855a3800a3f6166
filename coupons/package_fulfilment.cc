#include "coupons/package_fulfilment.h"

#include <optional>

#include "coupons/coupon_store.h"
#include "coupons/package_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "db/outbox.h"

namespace mileage::coupons {
namespace {

constexpr std::string_view kVoidReason = "order refunded";

// An order event: the order, its member and package, the payment, why (or "") and how many
// coupons it received.
Status Event(db::Connection& conn, std::string_view topic, const PackageOrder& order,
             std::string_view transaction_id, std::string_view reason, int64_t coupons,
             int64_t now) {
  return db::AddOutboxEvent(conn, topic, order.brand_id, std::to_string(order.id),
                            db::PayloadJson({{"order_id", order.id},
                                             {"member_id", order.member_id},
                                             {"package_id", order.package_id},
                                             {"out_trade_no", std::string_view(order.out_trade_no)},
                                             {"transaction_id", transaction_id},
                                             {"reason", reason},
                                             {"coupons", coupons}}),
                            now);
}

// The n-th coupon of the order (from 1), issued through the grant channel. FailedPrecondition
// when the stock has no room for it or no longer issues.
Status IssueOne(db::Connection& conn, const Issuer& issuer, const PackageOrder& order,
                int64_t stock_id, int64_t n, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<IssueContext> context,
                           StockStore(conn).LoadForIssue(stock_id, order.member_id));
  if (!context.has_value()) {
    return FailedPreconditionError("stock " + std::to_string(stock_id) + " is gone", "NOT_ACTIVE");
  }
  MILEAGE_RETURN_IF_ERROR(CheckIssuing(context->stock, Channel::kGrant, now));
  return issuer
      .Issue(conn, *context, {order.member_id, Channel::kGrant, OrderCouponRef(order.id, n), now})
      .status();
}

}  // namespace

Result<int64_t> PackageFulfilment::OnPaid(db::Connection& conn, const OrderPayment& payment,
                                          int64_t now) {
  PackageStore packages(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<PackageOrder> order,
                           packages.FindOrderByTrade(payment.merchant_id, payment.out_trade_no));
  if (!order.has_value()) return 0;
  MILEAGE_RETURN_IF_ERROR(conn.Exec("SAVEPOINT package_order").status());
  MILEAGE_ASSIGN_OR_RETURN(bool paid, packages.MarkPaid(order->id, payment.member_id,
                                                        payment.amount_fen, payment.transaction_id,
                                                        OrderState::kPaid, payment.paid_at, now));
  if (!paid) {
    MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT package_order").status());
    // Another member's order, another amount, or paid already: the payment stands alone.
    MILEAGE_RETURN_IF_ERROR(Event(conn, "order.payment_unmatched", *order, payment.transaction_id,
                                  "member, amount or state differ", 0, now));
    return 0;
  }
  // Each coupon's stock is read (and checked) as it is issued: the items are all it takes here.
  MILEAGE_ASSIGN_OR_RETURN(std::vector<PackageItem> items, packages.ItemsOf(order->package_id));
  Status issued = Status::Ok();
  int64_t n = 0;
  for (const PackageItem& item : items) {
    for (int64_t k = 0; k < item.quantity && issued.ok(); ++k) {
      issued = IssueOne(conn, issuer_, *order, item.stock_id, ++n, now);
    }
  }
  if (issued.ok()) {
    MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT package_order").status());
    MILEAGE_RETURN_IF_ERROR(Event(conn, "order.paid", *order, payment.transaction_id, "", n, now));
    return n;
  }
  if (issued.code() != StatusCode::kFailedPrecondition) return issued;
  // A stock had no room: undo the coupons and the paid mark, keep the payment.
  MILEAGE_RETURN_IF_ERROR(conn.Exec("ROLLBACK TO SAVEPOINT package_order").status());
  MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT package_order").status());
  MILEAGE_RETURN_IF_ERROR(packages
                              .MarkPaid(order->id, payment.member_id, payment.amount_fen,
                                        payment.transaction_id, OrderState::kGrantFailed,
                                        payment.paid_at, now)
                              .status());
  MILEAGE_RETURN_IF_ERROR(
      Event(conn, "order.grant_failed", *order, payment.transaction_id, issued.reason(), 0, now));
  return 0;
}

Status PackageFulfilment::OnRefunded(db::Connection& conn, const OrderPayment& payment,
                                     int64_t remaining_fen, int64_t now) {
  if (remaining_fen > 0) return Status::Ok();
  PackageStore packages(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<PackageOrder> order,
                           packages.FindOrderByTrade(payment.merchant_id, payment.out_trade_no));
  if (!order.has_value() || order->transaction_id != payment.transaction_id) {
    return Status::Ok();
  }
  MILEAGE_ASSIGN_OR_RETURN(bool refunded, packages.MarkRefunded(order->id, now));
  if (!refunded) return Status::Ok();
  CouponStore coupons(conn);
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<Coupon> granted,
      coupons.OfMemberBySourcePrefixes(order->member_id, {OrderCouponPrefix(order->id)}));
  for (const Coupon& coupon : granted) {
    std::string_view topic;
    if (coupon.state == CouponState::kIssued) {
      MILEAGE_ASSIGN_OR_RETURN(bool voided, coupons.Void(coupon.id, kVoidReason, now));
      if (voided) topic = "coupon.voided";
    } else if (coupon.state == CouponState::kRedeemed) {
      MILEAGE_ASSIGN_OR_RETURN(bool flagged, coupons.FlagRefundedAfterRedemption(coupon.id, now));
      if (flagged) topic = "coupon.reward_refunded_after_redemption";
    }
    if (topic.empty()) continue;
    MILEAGE_RETURN_IF_ERROR(db::AddOutboxEvent(
        conn, topic, coupon.brand_id, std::to_string(coupon.id),
        db::PayloadJson({{"coupon_id", coupon.id},
                         {"stock_id", coupon.stock_id},
                         {"member_id", coupon.member_id},
                         {"order_id", order->id},
                         {"transaction_id", std::string_view(payment.transaction_id)}}),
        now));
  }
  return Event(conn, "order.refunded", *order, payment.transaction_id, "", 0, now);
}

}  // namespace mileage::coupons
