#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/random.h"
#include "common/result.h"
#include "coupons/issuer.h"
#include "db/db.h"
#include "growth/referral_types.h"
#include "payments/payment_observer.h"
#include "points/earning_rules.h"

namespace mileage::growth {

// The payment side of referrals (docs/OPERATIONS.md "Referrals"): a payments::PaymentObserver
// that the composition root adds to the PaymentRecorder, so everything here happens inside the
// payment's or refund's transaction and commits with it.
//
// A referral is decided by the referee's first payment in the brand (PaidPayment::
// first_payment, which the recorder already knew): a later payment, or the payment that
// enrolled its payer (no referral can name a member that did not exist), costs no query; a first
// payment of a member who existed before costs one indexed read of the referee's referral. A
// pending referral whose first payment was made at or after attaching, before expires_at, of at
// least max(rule minimum, 1 fen), while the brand's rule is on, is rewarded by the rule at that
// moment: the referee always gets their points and coupon; the referrer gets theirs when the
// referrer's (referrer, Beijing month of the payment) counter is under the rule's monthly cap
// (a conditional update, so concurrent first payments never pass the cap), otherwise the
// referral is recorded as capped. Any other first payment expires the referral with a reason
// (BELOW_MINIMUM, WINDOW_OVER, PAID_BEFORE_ATTACH, RULE_OFF). A coupon that cannot be issued
// (stock not active, sold out, at the member's limit) is skipped, never failing the payment.
//
// An applied refund of the qualifying payment that leaves less than the minimum recorded when it
// qualified (or nothing) claws both sides back once: points reversed through the ledger (which
// records debt when the balance does not cover them, the refund policy of payments), coupons
// voided when unused or, when already redeemed, kept and flagged as the payment-reward coupons
// are. The month's counter is not given back. Once per referral by its state (a conditional
// update) and the ledger's idempotency keys, whatever WeChat repeats. Stateless apart from its
// references; safe for concurrent use.
class ReferralRewards final : public payments::PaymentObserver {
 public:
  ReferralRewards(RandomSource& random, const points::ExpiryPolicy& expiry)
      : issuer_(random), expiry_(expiry) {}

  Status OnPaid(db::Connection& conn, const payments::PaidPayment& payment, int64_t now) override;
  Status OnRefunded(db::Connection& conn, const payments::RefundedPayment& refund,
                    int64_t now) override;

 private:
  // The side's points and coupon (`side` "referrer" | "referee"): the coupon's id, or nullopt
  // when the rule names no stock or its coupon could not be issued.
  Result<std::optional<int64_t>> Give(db::Connection& conn, const Referral& referral,
                                      int64_t member_id, int64_t points,
                                      const std::optional<int64_t>& stock_id, const char* side,
                                      int64_t now);
  Result<std::optional<int64_t>> IssueCoupon(db::Connection& conn, int64_t brand_id,
                                             int64_t stock_id, int64_t member_id,
                                             const std::string& source_ref, int64_t now);
  // Reverses the side's points and voids (or flags) its coupon.
  Status TakeBack(db::Connection& conn, const Referral& referral, int64_t member_id, int64_t points,
                  const std::optional<int64_t>& coupon_id, const char* side, int64_t now);

  const coupons::Issuer issuer_;
  const points::ExpiryPolicy expiry_;
};

}  // namespace mileage::growth
