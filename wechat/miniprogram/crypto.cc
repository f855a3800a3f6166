#include "wechat/miniprogram/crypto.h"

#include <optional>

#include "crypto/aes_block.h"
#include "crypto/base64.h"
#include "crypto/constant_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "wechat/internal/json_reader.h"
#include "wechat/reasons.h"

namespace mileage::wechat::miniprogram {
namespace {

constexpr size_t kAesBytes = 16;

struct KeyAndIv {
  std::string key;
  std::string iv;
};

Result<KeyAndIv> DecodeKeyAndIv(std::string_view session_key_base64, std::string_view iv_base64) {
  std::optional<std::string> key = crypto::Base64Decode(session_key_base64);
  std::optional<std::string> iv = crypto::Base64Decode(iv_base64);
  if (!key || !iv) {
    return InvalidArgumentError("session_key or iv is not base64", reason::kMpBadBase64);
  }
  if (key->size() != kAesBytes) {
    return InvalidArgumentError("session_key is not 16 bytes", reason::kMpBadSessionKey);
  }
  if (iv->size() != kAesBytes) return InvalidArgumentError("iv is not 16 bytes", reason::kMpBadIv);
  return KeyAndIv{std::move(*key), std::move(*iv)};
}

Status Malformed(std::string message) {
  return InvalidArgumentError("open data: " + std::move(message), reason::kMpMalformedData);
}

}  // namespace

Result<OpenData> DecryptOpenData(std::string_view encrypted_data_base64,
                                 std::string_view session_key_base64, std::string_view iv_base64,
                                 std::string_view expected_appid) {
  MILEAGE_ASSIGN_OR_RETURN(KeyAndIv k, DecodeKeyAndIv(session_key_base64, iv_base64));
  std::optional<std::string> ciphertext = crypto::Base64Decode(encrypted_data_base64);
  if (!ciphertext) {
    return InvalidArgumentError("encryptedData is not base64", reason::kMpBadBase64);
  }
  std::optional<std::string> plaintext = crypto::Aes128CbcDecrypt(k.key, k.iv, *ciphertext);
  if (!plaintext) {
    return UnauthenticatedError("encryptedData does not decrypt", reason::kMpDecryptFailed);
  }
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(*plaintext, doc)) return Malformed("not a JSON object");
  internal::ObjectReader r(doc);
  OpenData out;
  if (const rapidjson::Value* watermark = r.RequiredObject("watermark")) {
    internal::ObjectReader wr(*watermark, "watermark.");
    out.watermark_appid = wr.RequiredString("appid");
    out.watermark_timestamp = wr.OptionalNonNegative("timestamp").value_or(0);
    if (!wr.ok()) r.Fail(wr.error());
  }
  if (!r.ok()) return Malformed(r.error());
  if (out.watermark_appid != expected_appid) {
    return UnauthenticatedError("open data watermark is for another appid",
                                reason::kMpWatermarkMismatch);
  }
  out.json = std::move(*plaintext);
  return out;
}

Result<PhoneNumber> ParsePhoneNumber(const OpenData& data) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(data.json, doc)) return Malformed("not a JSON object");
  internal::ObjectReader r(doc);
  PhoneNumber out;
  out.phone_number = r.RequiredString("phoneNumber");
  out.pure_phone_number = r.RequiredString("purePhoneNumber");
  out.country_code = r.RequiredString("countryCode");
  if (!r.ok()) return Malformed(r.error());
  out.watermark_appid = data.watermark_appid;
  out.watermark_timestamp = data.watermark_timestamp;
  return out;
}

Result<PhoneNumber> DecryptPhoneNumber(std::string_view encrypted_data_base64,
                                       std::string_view session_key_base64,
                                       std::string_view iv_base64,
                                       std::string_view expected_appid) {
  MILEAGE_ASSIGN_OR_RETURN(OpenData data, DecryptOpenData(encrypted_data_base64, session_key_base64,
                                                          iv_base64, expected_appid));
  return ParsePhoneNumber(data);
}

Result<std::string> EncryptOpenData(std::string_view json, std::string_view session_key_base64,
                                    std::string_view iv_base64) {
  MILEAGE_ASSIGN_OR_RETURN(KeyAndIv k, DecodeKeyAndIv(session_key_base64, iv_base64));
  std::optional<std::string> ciphertext = crypto::Aes128CbcEncrypt(k.key, k.iv, json);
  if (!ciphertext) return InternalError("open data encryption failed");
  return crypto::Base64Encode(*ciphertext);
}

Status VerifyRawDataSignature(std::string_view raw_data, std::string_view session_key_base64,
                              std::string_view signature_hex) {
  std::string text(raw_data);
  text.append(session_key_base64);
  if (!crypto::ConstantTimeEquals(crypto::AsciiUpper(signature_hex),
                                  crypto::HexUpper(crypto::Sha1(text)))) {
    return UnauthenticatedError("rawData signature does not match", reason::kMpBadSignature);
  }
  return Status::Ok();
}

}  // namespace mileage::wechat::miniprogram
