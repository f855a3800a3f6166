#pragma once

#include <cstdint>
#include <string>

#include "common/random.h"
#include "common/result.h"
#include "coupons/issuer.h"
#include "db/db.h"

namespace mileage::coupons {

// A recorded payment as an order sees it.
struct OrderPayment {
  int64_t merchant_id = 0;
  std::string mchid;
  std::string out_trade_no;
  std::string transaction_id;
  int64_t member_id = 0;
  int64_t amount_fen = 0;
  int64_t paid_at = 0;
};

// The notification side of packages: payments::PaymentRecorder calls it inside its
// notification transaction (same connection), after the payment row is inserted, so that an
// order's coupons are issued exactly once however often WeChat delivers (a repeated delivery
// is a duplicate payment and never gets here) and never without the payment.
//
// OnPaid: when the payment's (merchant, out_trade_no) is a pending order of the payer for the
// same amount, marks it paid (a conditional update, so of two payments naming one order only
// one fulfils it) and issues the package's coupons through the grant channel, source_ref
// "order:<id>:<n>"; all of them or, when a stock has no room any more (sold out, at the
// member's limit, ended), none: the order is then grant_failed and an order.grant_failed event
// asks the brand to refund. A payment naming an order of another member, of another amount or
// not pending writes an order.payment_unmatched event and issues nothing.
//
// OnRefunded: a refund that leaves nothing of an order's payment marks the order refunded and
// voids its unredeemed coupons (coupon.voided); redeemed ones are kept and flagged as rewards
// are (coupon.reward_refunded_after_redemption). A partial refund changes no coupon: what the
// package granted is the brand's to settle. Stateless apart from the random source; safe for
// concurrent use.
class PackageFulfilment {
 public:
  explicit PackageFulfilment(RandomSource& random) : issuer_(random) {}

  // How many coupons the payment's order received (0 when it names no order). Errors: the db
  // errors; Aborted when a concurrent writer took a stock's last units or a coupon key (retry
  // the transaction).
  Result<int64_t> OnPaid(db::Connection& conn, const OrderPayment& payment, int64_t now);
  // `remaining_fen` is what is left of the payment after the refund.
  Status OnRefunded(db::Connection& conn, const OrderPayment& payment, int64_t remaining_fen,
                    int64_t now);

 private:
  const Issuer issuer_;
};

}  // namespace mileage::coupons
