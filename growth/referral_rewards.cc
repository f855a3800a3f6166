#include "growth/referral_rewards.h"

#include <algorithm>
#include <string>

#include "common/civil_time.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "db/outbox.h"
#include "growth/referral_store.h"
#include "points/ledger.h"

namespace mileage::growth {
namespace {

constexpr std::string_view kVoidReason = "referral payment refunded";

std::string SourceRef(const Referral& r, const char* side) {
  return "referral:" + std::to_string(r.id) + ":" + side;
}

// Why the referee's first payment does not reward, or "" when it does.
std::string Disqualification(const Referral& r, const std::optional<ReferralRule>& rule,
                             const payments::PaidPayment& p) {
  if (!rule.has_value() || !rule->enabled) return "RULE_OFF";
  if (p.paid_at < r.attached_at) return "PAID_BEFORE_ATTACH";
  if (p.paid_at >= r.expires_at) return "WINDOW_OVER";
  if (p.amount_fen < std::max<int64_t>(rule->min_amount_fen, 1)) return "BELOW_MINIMUM";
  return "";
}

}  // namespace

Status ReferralRewards::OnPaid(db::Connection& conn, const payments::PaidPayment& payment,
                               int64_t now) {
  // Only a first payment decides a referral, and a payer enrolled by it has none: no query.
  if (!payment.first_payment || payment.enrolled) return Status::Ok();
  ReferralStore store(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Referral> found,
                           store.OfReferee(payment.member_id, /*lock=*/true));
  if (!found.has_value() || found->state != ReferralState::kPending) return Status::Ok();
  Referral r = std::move(*found);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<ReferralRule> rule, store.FindRule(r.brand_id));
  r.payment_id = payment.payment_id;
  r.payment_fen = payment.amount_fen;
  r.updated_at = now;
  r.reason = Disqualification(r, rule, payment);
  if (!r.reason.empty()) {
    r.state = ReferralState::kExpired;
    return store.Settle(r).status();
  }
  r.min_amount_fen = std::max<int64_t>(rule->min_amount_fen, 1);
  r.qualified_at = now;
  r.reward_month = civil::BeijingMonth(payment.paid_at);
  MILEAGE_ASSIGN_OR_RETURN(r.referee_coupon_id,
                           Give(conn, r, r.referee_member_id, rule->referee_points,
                                rule->referee_stock_id, "referee", now));
  r.referee_points = rule->referee_points;
  MILEAGE_ASSIGN_OR_RETURN(
      bool within_cap,
      store.TakeMonthSlot(r.referrer_member_id, *r.reward_month, rule->monthly_cap));
  if (within_cap) {
    MILEAGE_ASSIGN_OR_RETURN(r.referrer_coupon_id,
                             Give(conn, r, r.referrer_member_id, rule->referrer_points,
                                  rule->referrer_stock_id, "referrer", now));
    r.referrer_points = rule->referrer_points;
    r.state = ReferralState::kRewarded;
  } else {
    r.state = ReferralState::kCapped;
  }
  MILEAGE_ASSIGN_OR_RETURN(bool settled, store.Settle(r));
  if (!settled) return AbortedError("referral " + std::to_string(r.id) + " changed meanwhile");
  return db::AddOutboxEvent(conn, "referral.rewarded", r.brand_id, std::to_string(r.id),
                            db::PayloadJson({{"referral_id", r.id},
                                             {"member_id", r.referee_member_id},
                                             {"referrer_member_id", r.referrer_member_id},
                                             {"state", ReferralStateName(r.state)},
                                             {"transaction_id", payment.transaction_id},
                                             {"referrer_points", r.referrer_points},
                                             {"referee_points", r.referee_points}}),
                            now);
}

Result<std::optional<int64_t>> ReferralRewards::Give(db::Connection& conn, const Referral& r,
                                                     int64_t member_id, int64_t points,
                                                     const std::optional<int64_t>& stock_id,
                                                     const char* side, int64_t now) {
  if (points > 0) {
    MILEAGE_RETURN_IF_ERROR(points::Ledger(conn)
                                .Earn({r.brand_id, member_id, points, SourceRef(r, side),
                                       "referral", "referral:" + std::to_string(r.id),
                                       /*rule_version=*/0, now, expiry_.ExpiresAt(now),
                                       /*partner_id=*/0, /*new_key=*/false})
                                .status());
  }
  if (!stock_id.has_value()) return std::optional<int64_t>();
  return IssueCoupon(conn, r.brand_id, *stock_id, member_id, SourceRef(r, side), now);
}

Result<std::optional<int64_t>> ReferralRewards::IssueCoupon(db::Connection& conn, int64_t brand_id,
                                                            int64_t stock_id, int64_t member_id,
                                                            const std::string& source_ref,
                                                            int64_t now) {
  using None = std::optional<int64_t>;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::IssueContext> context,
                           coupons::StockStore(conn).LoadForIssue(stock_id, member_id));
  if (!context.has_value() || context->stock.node.brand_id != brand_id) return None();
  if (!coupons::CheckIssuing(context->stock, coupons::Channel::kGrant, now).ok()) return None();
  if (!coupons::Issuer::CheckRoom(*context).ok()) return None();
  // A refusal after the issuer wrote (the day's quantity gone) rolls back to the savepoint
  // alone; a lost race fails the transaction, which the payment's runner retries.
  MILEAGE_RETURN_IF_ERROR(conn.Exec("SAVEPOINT referral_coupon").status());
  Result<coupons::Coupon> issued =
      issuer_.Issue(conn, *context, {member_id, coupons::Channel::kGrant, source_ref, now});
  if (issued.ok()) {
    MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT referral_coupon").status());
    return None(issued->id);
  }
  if (issued.status().code() != StatusCode::kFailedPrecondition) return issued.status();
  MILEAGE_RETURN_IF_ERROR(conn.Exec("ROLLBACK TO SAVEPOINT referral_coupon").status());
  MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT referral_coupon").status());
  return None();
}

Status ReferralRewards::OnRefunded(db::Connection& conn, const payments::RefundedPayment& refund,
                                   int64_t now) {
  ReferralStore store(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Referral> found, store.OfPayment(refund.payment_id));
  if (!found.has_value()) return Status::Ok();
  const Referral& r = *found;
  if (r.state != ReferralState::kRewarded && r.state != ReferralState::kCapped) {
    return Status::Ok();
  }
  // The payment still qualifies: nothing to take back.
  if (refund.remaining_fen > 0 && refund.remaining_fen >= r.min_amount_fen) return Status::Ok();
  MILEAGE_ASSIGN_OR_RETURN(bool clawed, store.ClawBack(r.id, now));
  if (!clawed) return Status::Ok();
  MILEAGE_RETURN_IF_ERROR(TakeBack(conn, r, r.referee_member_id, r.referee_points,
                                   r.referee_coupon_id, "referee", now));
  MILEAGE_RETURN_IF_ERROR(TakeBack(conn, r, r.referrer_member_id, r.referrer_points,
                                   r.referrer_coupon_id, "referrer", now));
  return db::AddOutboxEvent(conn, "referral.clawed_back", r.brand_id, std::to_string(r.id),
                            db::PayloadJson({{"referral_id", r.id},
                                             {"member_id", r.referee_member_id},
                                             {"referrer_member_id", r.referrer_member_id},
                                             {"refund_id", refund.refund_id},
                                             {"remaining_fen", refund.remaining_fen}}),
                            now);
}

Status ReferralRewards::TakeBack(db::Connection& conn, const Referral& r, int64_t member_id,
                                 int64_t points, const std::optional<int64_t>& coupon_id,
                                 const char* side, int64_t now) {
  if (points > 0) {
    MILEAGE_RETURN_IF_ERROR(points::Ledger(conn)
                                .Reverse({r.brand_id, member_id, points,
                                          "referral-clawback:" + std::to_string(r.id) + ":" + side,
                                          "referral_clawback", "referral:" + std::to_string(r.id),
                                          now, /*partner_id=*/0, /*first_lot_id=*/0})
                                .status());
  }
  if (!coupon_id.has_value()) return Status::Ok();
  coupons::CouponStore coupons(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Coupon> coupon, coupons.Find(*coupon_id, true));
  if (!coupon.has_value()) return Status::Ok();
  std::string topic;
  if (coupon->state == coupons::CouponState::kIssued) {
    MILEAGE_ASSIGN_OR_RETURN(bool voided, coupons.Void(coupon->id, kVoidReason, now));
    if (voided) topic = "coupon.voided";
  } else if (coupon->state == coupons::CouponState::kRedeemed) {
    MILEAGE_ASSIGN_OR_RETURN(bool flagged, coupons.FlagRefundedAfterRedemption(coupon->id, now));
    if (flagged) topic = "coupon.reward_refunded_after_redemption";
  }
  if (topic.empty()) return Status::Ok();
  return db::AddOutboxEvent(conn, topic, coupon->brand_id, std::to_string(coupon->id),
                            db::PayloadJson({{"coupon_id", coupon->id},
                                             {"stock_id", coupon->stock_id},
                                             {"member_id", member_id},
                                             {"referral_id", r.id}}),
                            now);
}

}  // namespace mileage::growth
