#include "payments/notification_service.h"

#include <functional>
#include <string>

#include "payments/payment_store.h"
#include "wechat/pay/notification.h"
#include "wechat/pay/refund.h"
#include "wechat/pay/transaction.h"

namespace mileage::payments {
namespace {

// A first payment of a new payer can lose the enrollment race once; deadlocks on MySQL are
// retried too, and so are Galera's certification conflicts (two payments of one member
// committed on two nodes at once): 8 attempts give db::InTransaction's growing pauses about
// 130 ms in all for this node to apply the winner's write, the apply lag of a loaded node.
constexpr int kTransactionAttempts = 8;

Status MchidMismatch() {
  return InvalidArgumentError("the resource belongs to another merchant", "MCHID_MISMATCH");
}

std::string_view RefundStatusText(wechat::pay::NotificationEvent event) {
  switch (event) {
    case wechat::pay::NotificationEvent::kRefundSuccess:
      return "success";
    case wechat::pay::NotificationEvent::kRefundAbnormal:
      return "abnormal";
    default:
      return "closed";
  }
}

// What the verified notification asks for, parsed before the database is touched.
struct Parsed {
  std::string resource_ref;
  std::optional<TransactionRecord> payment;
  std::optional<RefundRecord> refund;
};

Result<Parsed> ParseResource(const wechat::pay::Notification& notification,
                             const MerchantKeys& keys, int64_t now) {
  const MerchantRef& merchant = keys.merchant;
  Parsed parsed;
  using wechat::pay::NotificationEvent;
  switch (notification.event) {
    case NotificationEvent::kTransactionSuccess: {
      MILEAGE_ASSIGN_OR_RETURN(wechat::pay::Transaction t,
                               wechat::pay::ParseTransaction(notification.plaintext));
      if (t.mchid != merchant.mchid) return MchidMismatch();
      MILEAGE_RETURN_IF_ERROR(keys.CheckAppid(t.appid));
      parsed.resource_ref = t.transaction_id;
      if (t.trade_state != wechat::pay::TradeState::kSuccess) return parsed;
      TransactionRecord paid;
      paid.transaction_id = t.transaction_id;
      paid.merchant = merchant;
      paid.appid = t.appid;
      paid.out_trade_no = t.out_trade_no;
      paid.payer_openid = t.payer_openid;
      paid.amount_fen = t.amount.total;
      paid.payer_total_fen = t.amount.payer_total;
      paid.paid_at = t.success_time.has_value() ? UnixSeconds(*t.success_time) : now;
      if (paid.payer_openid.empty() || paid.amount_fen <= 0) {
        return InvalidArgumentError("a paid transaction needs a payer and an amount",
                                    "WECHATPAY_MALFORMED_RESOURCE");
      }
      parsed.payment = std::move(paid);
      return parsed;
    }
    case NotificationEvent::kRefundSuccess:
    case NotificationEvent::kRefundAbnormal:
    case NotificationEvent::kRefundClosed: {
      MILEAGE_ASSIGN_OR_RETURN(wechat::pay::Refund r,
                               wechat::pay::ParseRefund(notification.plaintext));
      if (r.mchid != merchant.mchid) return MchidMismatch();
      parsed.resource_ref = r.refund_id;
      RefundRecord refund;
      refund.refund_id = r.refund_id;
      refund.transaction_id = r.transaction_id;
      refund.out_refund_no = r.out_refund_no;
      refund.merchant = merchant;
      refund.amount_fen = r.amount.refund;
      refund.status = std::string(RefundStatusText(notification.event));
      refund.refunded_at = r.success_time.has_value() ? UnixSeconds(*r.success_time) : now;
      if (refund.amount_fen <= 0) {
        return InvalidArgumentError("a refund needs a positive amount",
                                    "WECHATPAY_MALFORMED_RESOURCE");
      }
      parsed.refund = std::move(refund);
      return parsed;
    }
    case NotificationEvent::kOther:
      return parsed;
  }
  return parsed;
}

}  // namespace

Result<Outcome> NotificationService::Handle(const NotificationRequest& request) {
  MILEAGE_ASSIGN_OR_RETURN(std::shared_ptr<const MerchantKeys> keys, keys_.Get(request.mchid));
  const TimePoint now_point = clock_.Now();
  MILEAGE_ASSIGN_OR_RETURN(
      wechat::pay::Notification notification,
      wechat::pay::VerifyNotification(keys->platform_keys, keys->api_v3_key, request.headers,
                                      request.body, now_point));
  // Verified first, so that only WeChat learns that a merchant is deactivated.
  MILEAGE_RETURN_IF_ERROR(keys->CheckActive());
  const int64_t now = UnixSeconds(now_point);
  MILEAGE_ASSIGN_OR_RETURN(Parsed parsed, ParseResource(notification, *keys, now));

  Outcome outcome = Outcome::kIgnored;
  Status status = transactions_.Run(
      [&](db::Connection& conn) -> Status {
        outcome = Outcome::kIgnored;
        Status recorded = PaymentStore(conn).RecordNotification(
            notification.id, keys->merchant.mchid, notification.event_type, parsed.resource_ref,
            now);
        if (recorded.code() == StatusCode::kAlreadyExists) {
          return AlreadyExistsError("notification " + notification.id + " was recorded before",
                                    std::string(kDuplicateReason));
        }
        MILEAGE_RETURN_IF_ERROR(recorded);
        if (parsed.payment.has_value()) {
          MILEAGE_RETURN_IF_ERROR(recorder_.RecordPayment(conn, *parsed.payment, now).status());
          outcome = Outcome::kApplied;
        } else if (parsed.refund.has_value()) {
          MILEAGE_ASSIGN_OR_RETURN(outcome, recorder_.RecordRefund(conn, *parsed.refund, now));
        }
        return Status::Ok();
      },
      kTransactionAttempts);
  if (status.code() == StatusCode::kAlreadyExists && status.reason() == kDuplicateReason) {
    return Outcome::kDuplicate;
  }
  MILEAGE_RETURN_IF_ERROR(status);
  return outcome;
}

}  // namespace mileage::payments
