#include "coupons/payment_rewards.h"

#include <algorithm>
#include <optional>

#include "coupons/access.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "db/outbox.h"

namespace mileage::coupons {
namespace {

constexpr std::string_view kVoidReason = "payment refunded";

Status SkipEvent(db::Connection& conn, const Stock& stock, int64_t member_id,
                 const RewardPayment& payment, std::string_view reason, int64_t now) {
  return db::AddOutboxEvent(conn, "coupon.reward_skipped", stock.node.brand_id,
                            std::to_string(stock.id),
                            db::PayloadJson({{"stock_id", stock.id},
                                             {"member_id", member_id},
                                             {"mchid", payment.mchid},
                                             {"transaction_id", payment.transaction_id},
                                             {"reason", reason}}),
                            now);
}

}  // namespace

std::string PaymentRewards::SourceRef(const RewardPayment& payment) {
  return "pay:" + payment.mchid + ":" + payment.transaction_id;
}

bool PaymentRewards::MeetsMinimum(const Stock& stock, int64_t amount_fen) {
  return amount_fen >= std::max<int64_t>(stock.reward_min_amount_fen, 1);
}

Result<std::optional<Coupon>> PaymentRewards::GrantOne(db::Connection& conn, const Stock& stock,
                                                       int64_t member_id,
                                                       const RewardPayment& payment, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<IssueContext> context,
                           StockStore(conn).LoadForIssue(stock.id, member_id));
  if (!context.has_value()) return std::optional<Coupon>();
  if (Status room = Issuer::CheckRoom(*context); !room.ok()) {
    MILEAGE_RETURN_IF_ERROR(SkipEvent(conn, stock, member_id, payment, room.reason(), now));
    return std::optional<Coupon>();
  }
  MILEAGE_RETURN_IF_ERROR(conn.Exec("SAVEPOINT coupon_reward").status());
  Result<Coupon> issued =
      issuer_.Issue(conn, *context, {member_id, Channel::kPayment, SourceRef(payment), now});
  if (issued.ok()) {
    MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT coupon_reward").status());
    return std::optional<Coupon>(std::move(*issued));
  }
  if (issued.status().code() != StatusCode::kFailedPrecondition) return issued.status();
  // Today's quantity was gone: undo the coupon Issue wrote, keep the payment.
  MILEAGE_RETURN_IF_ERROR(conn.Exec("ROLLBACK TO SAVEPOINT coupon_reward").status());
  MILEAGE_RETURN_IF_ERROR(conn.Exec("RELEASE SAVEPOINT coupon_reward").status());
  MILEAGE_RETURN_IF_ERROR(
      SkipEvent(conn, stock, member_id, payment, issued.status().reason(), now));
  return std::optional<Coupon>();
}

Result<std::vector<Coupon>> PaymentRewards::Grant(db::Connection& conn, int64_t member_id,
                                                  std::string_view member_tier,
                                                  const RewardPayment& payment, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<Stock> stocks,
      StockStore(conn).Issuing(payment.store.brand_id, Channel::kPayment, now, kMaxRewardStocks));
  std::vector<Coupon> granted;
  for (const Stock& stock : stocks) {
    if (!MeetsMinimum(stock, payment.amount_fen) ||
        (stock.reward_first_payment_only && !payment.first_payment) ||
        !StockAccess::RedeemableAt(stock, payment.store) ||
        !MeetsTier(tiers_, stock.min_tier, member_tier)) {
      continue;
    }
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Coupon> coupon,
                             GrantOne(conn, stock, member_id, payment, now));
    if (coupon.has_value()) granted.push_back(std::move(*coupon));
  }
  return granted;
}

Status PaymentRewards::OnRefunded(db::Connection& conn, int64_t member_id,
                                  const RewardPayment& payment, int64_t remaining_fen,
                                  int64_t now) {
  CouponStore coupons(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Coupon> rewards,
                           coupons.OfMemberBySource(member_id, SourceRef(payment)));
  for (const Coupon& coupon : rewards) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> stock, StockStore(conn).Find(coupon.stock_id));
    if (!stock.has_value() || MeetsMinimum(*stock, remaining_fen)) continue;
    std::string topic;
    if (coupon.state == CouponState::kIssued) {
      MILEAGE_ASSIGN_OR_RETURN(bool voided, coupons.Void(coupon.id, kVoidReason, now));
      if (voided) topic = "coupon.voided";
    } else if (coupon.state == CouponState::kRedeemed) {
      MILEAGE_ASSIGN_OR_RETURN(bool flagged, coupons.FlagRefundedAfterRedemption(coupon.id, now));
      if (flagged) topic = "coupon.reward_refunded_after_redemption";
    }
    if (topic.empty()) continue;
    MILEAGE_RETURN_IF_ERROR(
        db::AddOutboxEvent(conn, topic, coupon.brand_id, std::to_string(coupon.id),
                           db::PayloadJson({{"coupon_id", coupon.id},
                                            {"stock_id", coupon.stock_id},
                                            {"member_id", member_id},
                                            {"mchid", payment.mchid},
                                            {"transaction_id", payment.transaction_id},
                                            {"remaining_fen", remaining_fen}}),
                           now));
  }
  return Status::Ok();
}

}  // namespace mileage::coupons
