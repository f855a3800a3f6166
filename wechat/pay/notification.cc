#include "wechat/pay/notification.h"

#include <optional>

#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "wechat/internal/json_reader.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {

NotificationEvent ClassifyEvent(std::string_view event_type) {
  if (event_type == "TRANSACTION.SUCCESS") return NotificationEvent::kTransactionSuccess;
  if (event_type == "REFUND.SUCCESS") return NotificationEvent::kRefundSuccess;
  if (event_type == "REFUND.ABNORMAL") return NotificationEvent::kRefundAbnormal;
  if (event_type == "REFUND.CLOSED") return NotificationEvent::kRefundClosed;
  return NotificationEvent::kOther;
}

Result<Notification> VerifyNotification(const PlatformKeys& keys, const ApiV3Key& api_v3_key,
                                        const WechatpayHeaders& headers, std::string_view body,
                                        TimePoint now) {
  if (body.size() > kMaxNotificationBodyBytes) {
    return InvalidArgumentError("notification body too large", reason::kBodyTooLarge);
  }
  MILEAGE_RETURN_IF_ERROR(VerifyWechatpaySignature(keys, headers, body, now));
  return DecryptNotificationBody(body, api_v3_key);
}

Result<Notification> DecryptNotificationBody(std::string_view body, const ApiV3Key& api_v3_key) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(body, doc)) {
    return InvalidArgumentError("notification body is not a JSON object", reason::kMalformedBody);
  }
  internal::ObjectReader r(doc);
  Notification n;
  n.id = r.RequiredString("id");
  n.create_time = r.OptionalString("create_time");
  n.event_type = r.RequiredString("event_type");
  n.resource_type = r.OptionalString("resource_type");
  n.summary = r.OptionalString("summary");
  std::string algorithm, ciphertext, nonce;
  if (const rapidjson::Value* resource = r.RequiredObject("resource")) {
    internal::ObjectReader rr(*resource, "resource.");
    algorithm = rr.RequiredString("algorithm");
    ciphertext = rr.RequiredString("ciphertext");
    nonce = rr.RequiredString("nonce");
    n.associated_data = rr.OptionalString("associated_data");
    n.original_type = rr.OptionalString("original_type");
    if (!rr.ok()) r.Fail(rr.error());
  }
  if (!r.ok())
    return InvalidArgumentError("notification body: " + r.error(), reason::kMalformedBody);
  n.event = ClassifyEvent(n.event_type);
  MILEAGE_ASSIGN_OR_RETURN(
      n.plaintext, DecryptResource(algorithm, ciphertext, nonce, n.associated_data, api_v3_key));
  return n;
}

Result<std::string> DecryptResource(std::string_view algorithm, std::string_view ciphertext_base64,
                                    std::string_view nonce, std::string_view associated_data,
                                    const ApiV3Key& api_v3_key) {
  if (algorithm != kAeadAes256Gcm) {
    return InvalidArgumentError("unsupported resource algorithm", reason::kUnsupportedAlgorithm);
  }
  std::optional<std::string> ciphertext = crypto::Base64Decode(ciphertext_base64);
  if (!ciphertext) {
    return InvalidArgumentError("resource ciphertext is not base64", reason::kBadBase64);
  }
  return crypto::AesGcmDecrypt(api_v3_key.bytes(), nonce, associated_data, *ciphertext);
}

}  // namespace mileage::wechat::pay
