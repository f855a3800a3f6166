#pragma once

#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "db/transaction_runner.h"
#include "payments/merchant_keys.h"
#include "payments/payment_recorder.h"
#include "payments/types.h"
#include "wechat/pay/signature.h"

namespace mileage::payments {

// A WeChat Pay API v3 notification as it reached POST /wechatpay/v3/notify/{mchid}.
struct NotificationRequest {
  std::string_view mchid;
  wechat::pay::WechatpayHeaders headers;
  std::string_view body;
};

// The payment notification flow of DESIGN.md section 5: finds the merchant, verifies and
// decrypts with the wechat/ library, checks that the verified notification is acceptable
// (nothing is written before all of that succeeds), then in one database transaction records
// the notification in the inbox and applies it through the PaymentRecorder. The trust model:
// a notification verified under merchant M touches only M's records (every key and lookup is
// scoped by merchant), an inactive merchant's notifications are refused, and a payment's appid
// must be an active app of M's brand. A duplicate (notification id, transaction_id or
// refund_id the merchant recorded before) rolls back and reports kDuplicate, so it changes
// nothing. Owned by the composition root; safe for concurrent use.
//
// Errors: NotFound MERCHANT_UNKNOWN; the verification errors of wechat::pay::VerifyNotification
// (Unauthenticated or InvalidArgument with a WECHATPAY_* reason), also for a
// WECHATPAY/SIGNTEST/ probe; InvalidArgument WECHATPAY_MALFORMED_RESOURCE or MCHID_MISMATCH
// (a verified resource of another merchant); Unauthenticated MERCHANT_INACTIVE or
// APPID_NOT_REGISTERED (verified but not acceptable); FailedPrecondition MERCHANT_KEYS_UNUSABLE;
// storage errors (Unavailable, Internal, Aborted after retries), after which nothing is
// committed and WeChat should retry.
class NotificationService {
 public:
  // `transactions` decides how commits are shared (group commit on SQLite).
  NotificationService(db::TransactionRunner& transactions, MerchantKeyCache& keys,
                      PaymentRecorder& recorder, const Clock& clock)
      : transactions_(transactions), keys_(keys), recorder_(recorder), clock_(clock) {}

  Result<Outcome> Handle(const NotificationRequest& request);

 private:
  db::TransactionRunner& transactions_;
  MerchantKeyCache& keys_;
  PaymentRecorder& recorder_;
  const Clock& clock_;
};

}  // namespace mileage::payments
