#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/refund.h"
#include "wechat/pay/signature.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::pay {

// What a notification says, before encryption and signing.
struct NotificationSpec {
  std::string id;
  std::string event_type;       // "TRANSACTION.SUCCESS"
  std::string summary;          // "支付成功"
  std::string original_type;    // "transaction" | "refund"
  std::string associated_data;  // "transaction" | "refund"
  std::string plaintext;        // the resource JSON
  std::string resource_type = "encrypt-resource";
};

// The spec of the TRANSACTION.SUCCESS notification `id` of `transaction`.
NotificationSpec TransactionNotificationSpec(std::string id, const Transaction& transaction);
// The spec of the REFUND.SUCCESS / ABNORMAL / CLOSED notification `id` of `refund` (the event
// follows refund.refund_status).
NotificationSpec RefundNotificationSpec(std::string id, const Refund& refund);

// A notification as WeChat Pay sends it: the signature headers and the JSON body.
struct SignedNotification {
  WechatpayHeaders headers;
  std::string body;
};

// Builds the notification WeChat Pay would send for `spec` at `now` (the sandbox and tests):
// encrypts the resource with `api_v3_key` (AEAD_AES_256_GCM, random 12-character nonce), writes
// the body with create_time = now in +08:00, and signs it with `signing_key` under `serial`
// (random 32-character header nonce). Internal WECHATPAY_SIGN_FAILED if OpenSSL fails.
Result<SignedNotification> BuildNotification(const NotificationSpec& spec,
                                             const ApiV3Key& api_v3_key,
                                             const crypto::RsaPrivateKey& signing_key,
                                             std::string_view serial, TimePoint now,
                                             RandomSource& random);

// The body alone (no signature), with an explicit resource nonce: for tests that tamper with a
// body and sign it themselves. InvalidArgument WECHATPAY_BAD_NONCE if the nonce is not 12 bytes.
Result<std::string> BuildNotificationBody(const NotificationSpec& spec, const ApiV3Key& api_v3_key,
                                          std::string_view resource_nonce, TimePoint now);

}  // namespace mileage::wechat::pay
