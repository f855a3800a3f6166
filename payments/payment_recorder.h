#pragma once

#include <cstdint>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "coupons/package_fulfilment.h"
#include "coupons/payment_rewards.h"
#include "db/db.h"
#include "payments/payment_observer.h"
#include "payments/types.h"

namespace mileage::payments {

// The reason of the status a recorder returns when what it was given was recorded before; the
// caller rolls its transaction back (so a duplicate writes nothing) and reports kDuplicate.
inline constexpr std::string_view kDuplicateReason = "DUPLICATE";

// What a payment did to its payer's membership (payment_recorder.cc).
struct PayerUpdate;

// The database half of "pay = membership" (DESIGN.md section 5, step 2), inside the caller's
// transaction on `conn`: records a payment, enrolls or finds the payer, records their activity
// and tier, credits points by the earning rules, grants the payment-reward coupons
// (coupons::PaymentRewards), fulfils the package order the payment names
// (coupons::PackageFulfilment), applies refunds that arrived first and writes outbox events; or
// records a refund, reverses points in proportion, voids (or marks) the rewards the refunded
// payment no longer earns and the coupons of a package order refunded in full. Owned by the
// composition root; stateless apart from its references, so safe for concurrent use.
//
// Everything is keyed by the merchant the payment or refund came through (WeChat's ids are
// unique per merchant): a refund only ever reverses a payment of its own merchant.
//
// Errors: AlreadyExists kDuplicateReason when the merchant recorded the transaction_id /
// refund_id (roll back); Aborted when a concurrent transaction enrolled the same payer or changed
// the same payment (retry the transaction: db::InTransaction does); the db errors.
class PaymentRecorder {
 public:
  PaymentRecorder(RandomSource& random, const PaymentPolicy& policy,
                  coupons::PaymentRewards& rewards, coupons::PackageFulfilment& packages)
      : random_(random), policy_(policy), rewards_(rewards), packages_(packages) {}

  // `paid` holds the facts of the payment (transaction_id, merchant, appid, out_trade_no,
  // payer_openid, amount_fen, payer_total_fen, paid_at); the rest is computed.
  Result<TransactionRecord> RecordPayment(db::Connection& conn, const TransactionRecord& paid,
                                          int64_t now);
  // `refund` holds the facts (refund_id, transaction_id, out_refund_no, merchant, amount_fen,
  // status, refunded_at). kApplied, kRefundPending (payment not seen yet; applied when it
  // arrives) or kIgnored (abnormal/closed: recorded, nothing reversed).
  Result<Outcome> RecordRefund(db::Connection& conn, const RefundRecord& refund, int64_t now);

  const PaymentPolicy& policy() const { return policy_; }

  // Adds an observer called in every payment's and applied refund's transaction
  // (payments/payment_observer.h), in the order added. Call at start-up, before the recorder
  // is used; `observer` must outlive the recorder.
  void AddObserver(PaymentObserver& observer) { observers_.push_back(&observer); }

 private:
  // Finds or enrolls the payer, records the payment's activity and upgrades the tier.
  Result<PayerUpdate> UpdatePayer(db::Connection& conn, const TransactionRecord& paid, int64_t now);
  // member.enrolled, member.tier_changed (when they happened) and payment.recorded.
  Status WritePaymentEvents(db::Connection& conn, const TransactionRecord& record,
                            const PayerUpdate& payer, size_t coupons, int64_t now);
  // Reverses the refund's share of the payment's points and updates both rows; `payment` is
  // updated in place.
  Status ApplyRefund(db::Connection& conn, TransactionRecord& payment, const RefundRecord& refund,
                     int64_t now);

  RandomSource& random_;
  const PaymentPolicy policy_;
  coupons::PaymentRewards& rewards_;
  coupons::PackageFulfilment& packages_;
  std::vector<PaymentObserver*> observers_;
};

}  // namespace mileage::payments
