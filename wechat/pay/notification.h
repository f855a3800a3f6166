#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/platform_keys.h"
#include "wechat/pay/signature.h"

namespace mileage::wechat::pay {

// Largest notification body accepted (WeChat's are about 1 KiB).
inline constexpr size_t kMaxNotificationBodyBytes = 64 * 1024;
// The only resource algorithm of Pay API v3.
inline constexpr std::string_view kAeadAes256Gcm = "AEAD_AES_256_GCM";

// The event types Mileage acts on; everything else is kOther (event_type keeps the text).
enum class NotificationEvent {
  kTransactionSuccess,  // TRANSACTION.SUCCESS -> ParseTransaction(plaintext)
  kRefundSuccess,       // REFUND.SUCCESS      -> ParseRefund(plaintext)
  kRefundAbnormal,      // REFUND.ABNORMAL     -> ParseRefund(plaintext)
  kRefundClosed,        // REFUND.CLOSED       -> ParseRefund(plaintext)
  kOther,
};

NotificationEvent ClassifyEvent(std::string_view event_type);

// A verified Pay API v3 notification with its resource decrypted. A value type.
struct Notification {
  std::string id;  // unique per notification: the inbox key
  std::string create_time;
  std::string event_type;
  NotificationEvent event = NotificationEvent::kOther;
  std::string resource_type;  // "encrypt-resource"
  std::string summary;
  std::string original_type;    // resource.original_type ("transaction", "refund")
  std::string associated_data;  // resource.associated_data
  std::string plaintext;        // the decrypted resource (JSON)
};

// Verifies and decrypts a notification: the signature checks of VerifyWechatpaySignature (with
// their errors) on the raw body, then DecryptNotificationBody. Nothing in the body is trusted
// before the signature verifies. InvalidArgument WECHATPAY_BODY_TOO_LARGE first if the body
// exceeds kMaxNotificationBodyBytes.
Result<Notification> VerifyNotification(const PlatformKeys& keys, const ApiV3Key& api_v3_key,
                                        const WechatpayHeaders& headers, std::string_view body,
                                        TimePoint now);

// Parses and decrypts a notification body whose signature the caller has already verified
// (VerifyNotification is the normal entry point).
// InvalidArgument WECHATPAY_MALFORMED_BODY (not a JSON object; id, event_type, resource,
// resource.algorithm, .ciphertext or .nonce missing or not strings); then the errors of
// DecryptResource.
Result<Notification> DecryptNotificationBody(std::string_view body, const ApiV3Key& api_v3_key);

// Decrypts one encrypted resource (notifications, certificate downloads).
// InvalidArgument WECHATPAY_UNSUPPORTED_ALGORITHM (not AEAD_AES_256_GCM), WECHATPAY_BAD_BASE64
// (ciphertext), WECHATPAY_BAD_NONCE (not 12 bytes), WECHATPAY_BAD_CIPHERTEXT (shorter than the
// 16-byte tag); Unauthenticated WECHATPAY_DECRYPT_FAILED (tag mismatch).
Result<std::string> DecryptResource(std::string_view algorithm, std::string_view ciphertext_base64,
                                    std::string_view nonce, std::string_view associated_data,
                                    const ApiV3Key& api_v3_key);

}  // namespace mileage::wechat::pay
