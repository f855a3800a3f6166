#include "payments/payment_recorder.h"

#include <string>
#include <vector>

#include "db/outbox.h"
#include "members/member_store.h"
#include "payments/payment_store.h"
#include "points/earning_rules.h"
#include "points/ledger.h"
#include "points/refund_math.h"

namespace mileage::payments {
namespace {

Status Duplicate(std::string what) {
  return AlreadyExistsError(std::move(what) + " was recorded before",
                            std::string(kDuplicateReason));
}

// Ledger idempotency keys are unique per brand; WeChat's ids only per merchant, so the keys
// name the merchant too (two merchants of a brand may report the same id).
std::string PaymentKey(const MerchantRef& merchant, const std::string& transaction_id) {
  return "pay:" + merchant.mchid + ":" + transaction_id;
}
std::string RefundKey(const MerchantRef& merchant, const std::string& refund_id) {
  return "refund:" + merchant.mchid + ":" + refund_id;
}

coupons::OrderPayment OrderPaymentOf(const TransactionRecord& payment) {
  return {payment.merchant.id, payment.merchant.mchid, payment.out_trade_no, payment.transaction_id,
          payment.member_id,   payment.amount_fen,     payment.paid_at};
}

coupons::RewardPayment RewardPaymentOf(const TransactionRecord& payment, bool first_payment) {
  return {payment.merchant.store, payment.merchant.mchid, payment.transaction_id,
          payment.amount_fen, first_payment};
}

}  // namespace

struct PayerUpdate {
  members::Enrollment enrollment;
  std::optional<members::TierChange> upgrade;
  std::string tier;  // the tier the payment earns at, upgrade included
};

Result<PayerUpdate> PaymentRecorder::UpdatePayer(db::Connection& conn,
                                                 const TransactionRecord& paid, int64_t now) {
  const org::NodePath& store = paid.merchant.store;
  members::MemberStore members(conn, random_);
  PayerUpdate update;
  MILEAGE_ASSIGN_OR_RETURN(
      update.enrollment,
      members.FindOrEnroll({store.brand_id, paid.appid, paid.payer_openid, std::nullopt},
                           policy_.tiers.tiers.front().name, "wechat_pay", store.store_id, now));
  const int64_t member_id = update.enrollment.member.id;
  MILEAGE_ASSIGN_OR_RETURN(update.upgrade, members.RecordPayment(member_id, paid.amount_fen,
                                                                 paid.paid_at, store.store_id,
                                                                 policy_.tiers, now));
  update.tier =
      update.upgrade.has_value() ? update.upgrade->to_tier : update.enrollment.member.tier;
  return update;
}

Result<TransactionRecord> PaymentRecorder::RecordPayment(db::Connection& conn,
                                                         const TransactionRecord& paid,
                                                         int64_t now) {
  const org::NodePath& store = paid.merchant.store;
  MILEAGE_ASSIGN_OR_RETURN(PayerUpdate payer, UpdatePayer(conn, paid, now));
  MILEAGE_ASSIGN_OR_RETURN(points::EarnQuote quote,
                           points::EarningRuleStore(conn).Quote(store.brand_id, store.store_id,
                                                                payer.tier, paid.amount_fen));

  TransactionRecord record = paid;
  record.member_id = payer.enrollment.member.id;
  record.points_earned = quote.points;
  record.rule_version = quote.rule_version;
  record.refunded_fen = 0;
  record.points_reversed = 0;
  record.state = "paid";
  record.created_at = now;
  // The (merchant, transaction_id) key decides duplicates before any points move (so the
  // ledger need not look its own idempotency key up).
  Result<int64_t> inserted = PaymentStore(conn).InsertTransaction(record);
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return Duplicate("transaction " + paid.transaction_id);
  }
  if (!inserted.ok()) return inserted.status();
  record.id = *inserted;

  if (quote.points > 0) {
    MILEAGE_RETURN_IF_ERROR(points::Ledger(conn)
                                .Earn({store.brand_id, record.member_id, quote.points,
                                       PaymentKey(paid.merchant, paid.transaction_id), "payment",
                                       "wxpay:" + paid.transaction_id, quote.rule_version, now,
                                       policy_.expiry.ExpiresAt(paid.paid_at), /*partner_id=*/0,
                                       /*new_key=*/true})
                                .status());
  }
  // A member enrolled by this payment has paid nothing before.
  bool paid_before = false;
  if (!payer.enrollment.created) {
    MILEAGE_ASSIGN_OR_RETURN(paid_before,
                             PaymentStore(conn).HasOtherPayment(record.member_id, record.id));
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<coupons::Coupon> rewards,
                           rewards_.Grant(conn, record.member_id, payer.tier,
                                          RewardPaymentOf(record, !paid_before), now));
  MILEAGE_ASSIGN_OR_RETURN(int64_t package_coupons,
                           packages_.OnPaid(conn, OrderPaymentOf(record), now));
  MILEAGE_RETURN_IF_ERROR(WritePaymentEvents(
      conn, record, payer, rewards.size() + static_cast<size_t>(package_coupons), now));
  if (!observers_.empty()) {
    const PaidPayment observed{record.id,      paid.merchant.mchid, record.transaction_id,
                               store,          record.member_id,    record.amount_fen,
                               record.paid_at, !paid_before,        payer.enrollment.created};
    for (PaymentObserver* observer : observers_) {
      MILEAGE_RETURN_IF_ERROR(observer->OnPaid(conn, observed, now));
    }
  }

  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<RefundRecord> pending,
      PaymentStore(conn).PendingRefunds(paid.merchant.id, paid.transaction_id));
  for (const RefundRecord& refund : pending) {
    MILEAGE_RETURN_IF_ERROR(ApplyRefund(conn, record, refund, now));
  }
  return record;
}

Status PaymentRecorder::WritePaymentEvents(db::Connection& conn, const TransactionRecord& record,
                                           const PayerUpdate& payer, size_t coupons, int64_t now) {
  const org::NodePath& store = record.merchant.store;
  const int64_t member_id = record.member_id;
  const std::string member_ref = std::to_string(member_id);
  // One insert for all of the payment's events (one round trip).
  std::vector<db::OutboxEvent> events;
  if (payer.enrollment.created) {
    events.push_back({"member.enrolled", store.brand_id, member_ref,
                      db::PayloadJson({{"member_id", member_id},
                                       {"number", payer.enrollment.member.number},
                                       {"via", "wechat_pay"},
                                       {"store_id", store.store_id}})});
  }
  if (payer.upgrade.has_value()) {
    events.push_back({"member.tier_changed", store.brand_id, member_ref,
                      db::PayloadJson({{"member_id", member_id},
                                       {"from", payer.upgrade->from_tier},
                                       {"to", payer.upgrade->to_tier},
                                       {"reason", payer.upgrade->reason}})});
  }
  events.push_back({"payment.recorded", store.brand_id, record.transaction_id,
                    db::PayloadJson({{"transaction_id", record.transaction_id},
                                     {"member_id", member_id},
                                     {"store_id", store.store_id},
                                     {"amount_fen", record.amount_fen},
                                     {"points", record.points_earned},
                                     {"coupons", static_cast<int64_t>(coupons)}})});
  return db::AddOutboxEvents(conn, events, now);
}

Result<Outcome> PaymentRecorder::RecordRefund(db::Connection& conn, const RefundRecord& refund,
                                              int64_t now) {
  PaymentStore payments(conn);
  RefundRecord row = refund;
  row.applied = false;
  row.points_reversed = 0;
  row.created_at = now;
  row.applied_at = 0;
  Result<int64_t> inserted = payments.InsertRefund(row);
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    // WeChat may report SUCCESS after ABNORMAL for the same refund id; anything else repeats.
    if (refund.status != "success") return Duplicate("refund " + refund.refund_id);
    MILEAGE_ASSIGN_OR_RETURN(
        bool promoted,
        payments.PromoteRefundToSuccess(refund.merchant.id, refund.refund_id, refund.refunded_at));
    if (!promoted) return Duplicate("refund " + refund.refund_id);
  } else if (!inserted.ok()) {
    return inserted.status();
  }
  if (refund.status != "success") return Outcome::kIgnored;

  // Only the merchant's own payment: a refund naming another merchant's transaction waits, as
  // one naming a transaction that does not exist does, and answers the same.
  MILEAGE_ASSIGN_OR_RETURN(std::optional<TransactionRecord> payment,
                           payments.FindTransaction(refund.merchant.id, refund.transaction_id,
                                                    /*for_update=*/true));
  if (!payment.has_value()) return Outcome::kRefundPending;
  MILEAGE_RETURN_IF_ERROR(ApplyRefund(conn, *payment, refund, now));
  return Outcome::kApplied;
}

Status PaymentRecorder::ApplyRefund(db::Connection& conn, TransactionRecord& payment,
                                    const RefundRecord& refund, int64_t now) {
  const points::RefundEffect effect =
      points::ComputeRefundEffect(payment.amount_fen, payment.points_earned, payment.refunded_fen,
                                  payment.points_reversed, refund.amount_fen);
  const org::NodePath& store = payment.merchant.store;
  members::MemberStore members(conn, random_);
  MILEAGE_RETURN_IF_ERROR(members.LockMember(payment.member_id));
  int64_t debt_recorded = 0;
  if (effect.points_to_reverse > 0) {
    points::Ledger ledger(conn);
    MILEAGE_ASSIGN_OR_RETURN(
        points::PostResult reversed,
        ledger.Reverse({store.brand_id, payment.member_id, effect.points_to_reverse,
                        RefundKey(payment.merchant, refund.refund_id), "refund",
                        "wxrefund:" + refund.refund_id, now, /*partner_id=*/0,
                        /*first_lot_id=*/0}));
    debt_recorded = reversed.debt_change;
  }
  const int64_t refunded_now = effect.refunded_after - payment.refunded_fen;
  const int64_t reversed_after = payment.points_reversed + effect.points_to_reverse;
  const std::string state =
      effect.refunded_after >= payment.amount_fen ? "refunded" : "partially_refunded";
  PaymentStore payments(conn);
  MILEAGE_RETURN_IF_ERROR(payments.UpdateRefundTotals(
      payment.id, payment.refunded_fen, effect.refunded_after, reversed_after, state));
  MILEAGE_RETURN_IF_ERROR(payments.MarkRefundApplied(payment.merchant.id, refund.refund_id,
                                                     effect.points_to_reverse, now));
  MILEAGE_RETURN_IF_ERROR(members.RecordActivity(payment.member_id, -refunded_now, 0, now));
  MILEAGE_RETURN_IF_ERROR(rewards_.OnRefunded(conn, payment.member_id,
                                              RewardPaymentOf(payment, false),
                                              payment.amount_fen - effect.refunded_after, now));
  MILEAGE_RETURN_IF_ERROR(packages_.OnRefunded(conn, OrderPaymentOf(payment),
                                               payment.amount_fen - effect.refunded_after, now));
  const RefundedPayment observed{payment.id,
                                 payment.merchant.mchid,
                                 payment.transaction_id,
                                 refund.refund_id,
                                 store,
                                 payment.member_id,
                                 payment.amount_fen,
                                 payment.amount_fen - effect.refunded_after};
  for (PaymentObserver* observer : observers_) {
    MILEAGE_RETURN_IF_ERROR(observer->OnRefunded(conn, observed, now));
  }
  MILEAGE_RETURN_IF_ERROR(
      db::AddOutboxEvent(conn, "payment.refunded", store.brand_id, refund.refund_id,
                         db::PayloadJson({{"refund_id", refund.refund_id},
                                          {"transaction_id", payment.transaction_id},
                                          {"member_id", payment.member_id},
                                          {"refund_fen", refunded_now},
                                          {"points_reversed", effect.points_to_reverse},
                                          {"debt_recorded", debt_recorded}}),
                         now));
  payment.refunded_fen = effect.refunded_after;
  payment.points_reversed = reversed_after;
  payment.state = state;
  return Status::Ok();
}

}  // namespace mileage::payments
