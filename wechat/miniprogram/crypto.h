#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::wechat::miniprogram {

// Decrypted mini-program open data (wx.getUserInfo, the old getPhoneNumber): the JSON text and
// its watermark. A value type.
struct OpenData {
  std::string json;
  std::string watermark_appid;
  int64_t watermark_timestamp = 0;
};

// The phone-number payload of the old getPhoneNumber encryptedData. A value type. It holds PII:
// never log it.
struct PhoneNumber {
  std::string phone_number;       // with country code for non-mainland numbers
  std::string pure_phone_number;  // without country code
  std::string country_code;       // "86"
  std::string watermark_appid;
  int64_t watermark_timestamp = 0;
};

// Decrypts encryptedData (AES-128-CBC, PKCS#7; session_key and iv base64, 16 bytes each) and
// checks that the watermark names `expected_appid`.
// InvalidArgument WECHAT_MP_BAD_BASE64, WECHAT_MP_BAD_SESSION_KEY (not 16 bytes),
// WECHAT_MP_BAD_IV (not 16 bytes), WECHAT_MP_MALFORMED_DATA (the plaintext is not a JSON
// object with watermark.appid); Unauthenticated WECHAT_MP_DECRYPT_FAILED (bad padding: wrong
// key or tampered data), WECHAT_MP_WATERMARK_MISMATCH (data made for another appid).
Result<OpenData> DecryptOpenData(std::string_view encrypted_data_base64,
                                 std::string_view session_key_base64, std::string_view iv_base64,
                                 std::string_view expected_appid);

// Reads the phone payload of decrypted open data. InvalidArgument WECHAT_MP_MALFORMED_DATA when
// phoneNumber, purePhoneNumber or countryCode is missing or not a string.
Result<PhoneNumber> ParsePhoneNumber(const OpenData& data);

// DecryptOpenData then ParsePhoneNumber, with the errors of both.
Result<PhoneNumber> DecryptPhoneNumber(std::string_view encrypted_data_base64,
                                       std::string_view session_key_base64,
                                       std::string_view iv_base64, std::string_view expected_appid);

// The inverse of the decryption, base64 in and out (the sandbox and tests).
// InvalidArgument WECHAT_MP_BAD_BASE64, WECHAT_MP_BAD_SESSION_KEY, WECHAT_MP_BAD_IV.
Result<std::string> EncryptOpenData(std::string_view json, std::string_view session_key_base64,
                                    std::string_view iv_base64);

// Checks wx.getUserInfo's signature: hex SHA-1 of rawData followed by the session_key text
// (as received, base64), compared in constant time and case-insensitively.
// Unauthenticated WECHAT_MP_BAD_SIGNATURE.
Status VerifyRawDataSignature(std::string_view raw_data, std::string_view session_key_base64,
                              std::string_view signature_hex);

}  // namespace mileage::wechat::miniprogram
