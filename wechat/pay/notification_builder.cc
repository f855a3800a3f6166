#include "wechat/pay/notification_builder.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "crypto/random_string.h"
#include "wechat/pay/notification.h"
#include "common/civil_time.h"

namespace mileage::wechat::pay {
namespace {

void WriteString(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key,
                 std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

NotificationSpec TransactionNotificationSpec(std::string id, const Transaction& transaction) {
  NotificationSpec spec;
  spec.id = std::move(id);
  spec.event_type = "TRANSACTION.SUCCESS";
  spec.summary = "支付成功";
  spec.original_type = "transaction";
  spec.associated_data = "transaction";
  spec.plaintext = SerializeTransaction(transaction);
  return spec;
}

NotificationSpec RefundNotificationSpec(std::string id, const Refund& refund) {
  NotificationSpec spec;
  spec.id = std::move(id);
  spec.event_type = "REFUND." + std::string(RefundStatusName(refund.refund_status));
  spec.summary = refund.refund_status == RefundStatus::kSuccess ? "退款成功" : "退款异常";
  spec.original_type = "refund";
  spec.associated_data = "refund";
  spec.plaintext = SerializeRefund(refund);
  return spec;
}

Result<std::string> BuildNotificationBody(const NotificationSpec& spec, const ApiV3Key& api_v3_key,
                                          std::string_view resource_nonce, TimePoint now) {
  MILEAGE_ASSIGN_OR_RETURN(std::string ciphertext,
                           crypto::AesGcmEncrypt(api_v3_key.bytes(), resource_nonce,
                                                 spec.associated_data, spec.plaintext));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteString(w, "id", spec.id);
  WriteString(w, "create_time", civil::FormatRfc3339Beijing(now));
  WriteString(w, "resource_type", spec.resource_type);
  WriteString(w, "event_type", spec.event_type);
  WriteString(w, "summary", spec.summary);
  w.Key("resource");
  w.StartObject();
  WriteString(w, "original_type", spec.original_type);
  WriteString(w, "algorithm", kAeadAes256Gcm);
  WriteString(w, "ciphertext", crypto::Base64Encode(ciphertext));
  WriteString(w, "associated_data", spec.associated_data);
  WriteString(w, "nonce", resource_nonce);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<SignedNotification> BuildNotification(const NotificationSpec& spec,
                                             const ApiV3Key& api_v3_key,
                                             const crypto::RsaPrivateKey& signing_key,
                                             std::string_view serial, TimePoint now,
                                             RandomSource& random) {
  std::string resource_nonce = crypto::RandomAlphanumeric(random, crypto::kGcmNonceBytes);
  MILEAGE_ASSIGN_OR_RETURN(std::string body,
                           BuildNotificationBody(spec, api_v3_key, resource_nonce, now));
  MILEAGE_ASSIGN_OR_RETURN(WechatpayHeaders headers,
                           SignWechatpayMessage(signing_key, serial, body, now, random));
  return SignedNotification{std::move(headers), std::move(body)};
}

}  // namespace mileage::wechat::pay
