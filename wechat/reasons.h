#pragma once

#include "crypto/reasons.h"

// The stable machine reasons (Status::reason()) of every wechat/ failure. Clients and logs see
// these; tests assert them. Never rename one: add a new one instead.
namespace mileage::wechat::reason {

// Pay API v3 signatures (notifications and responses). Authenticity failures are
// Unauthenticated; malformed input is InvalidArgument.
inline constexpr char kMissingHeader[] = "WECHATPAY_MISSING_HEADER";
inline constexpr char kMalformedHeader[] = "WECHATPAY_MALFORMED_HEADER";
inline constexpr char kSigntestProbe[] = "WECHATPAY_SIGNTEST_PROBE";
inline constexpr char kBadTimestamp[] = "WECHATPAY_BAD_TIMESTAMP";
inline constexpr char kStaleTimestamp[] = "WECHATPAY_STALE_TIMESTAMP";
inline constexpr char kUnknownSerial[] = "WECHATPAY_UNKNOWN_SERIAL";
inline constexpr char kBadBase64[] = "WECHATPAY_BAD_BASE64";
inline constexpr char kBadSignature[] = "WECHATPAY_BAD_SIGNATURE";

// Pay API v3 notification bodies and encrypted resources.
inline constexpr char kBodyTooLarge[] = "WECHATPAY_BODY_TOO_LARGE";
inline constexpr char kMalformedBody[] = "WECHATPAY_MALFORMED_BODY";
inline constexpr char kUnsupportedAlgorithm[] = "WECHATPAY_UNSUPPORTED_ALGORITHM";
inline constexpr const char* kBadKeyLength = crypto::reason::kBadKeyLength;
inline constexpr const char* kBadNonce = crypto::reason::kBadNonce;
inline constexpr const char* kBadCiphertext = crypto::reason::kBadCiphertext;
inline constexpr const char* kDecryptFailed = crypto::reason::kDecryptFailed;
inline constexpr char kMalformedResource[] = "WECHATPAY_MALFORMED_RESOURCE";

// Keys and outbound signing.
inline constexpr const char* kBadKey = crypto::reason::kBadKey;
inline constexpr char kBadSerial[] = "WECHATPAY_BAD_SERIAL";
inline constexpr char kDuplicateSerial[] = "WECHATPAY_DUPLICATE_SERIAL";
inline constexpr const char* kSignFailed = crypto::reason::kSignFailed;
inline constexpr char kBadRequestTarget[] = "WECHATPAY_BAD_REQUEST_TARGET";
inline constexpr char kBadAuthorization[] = "WECHATPAY_BAD_AUTHORIZATION";

// Pay API v2 (legacy XML).
inline constexpr char kV2XmlTooLarge[] = "WECHATPAY_V2_XML_TOO_LARGE";
inline constexpr char kV2XmlMalformed[] = "WECHATPAY_V2_XML_MALFORMED";
inline constexpr char kV2XmlNested[] = "WECHATPAY_V2_XML_NESTED";
inline constexpr char kV2XmlForbidden[] = "WECHATPAY_V2_XML_FORBIDDEN_MARKUP";
inline constexpr char kV2XmlDuplicateField[] = "WECHATPAY_V2_XML_DUPLICATE_FIELD";
inline constexpr char kV2XmlTooManyFields[] = "WECHATPAY_V2_XML_TOO_MANY_FIELDS";
inline constexpr char kV2XmlBadName[] = "WECHATPAY_V2_XML_BAD_NAME";
inline constexpr char kV2MissingSign[] = "WECHATPAY_V2_MISSING_SIGN";
inline constexpr char kV2BadSignature[] = "WECHATPAY_V2_BAD_SIGNATURE";
inline constexpr char kV2UnsupportedSignType[] = "WECHATPAY_V2_UNSUPPORTED_SIGN_TYPE";
inline constexpr char kV2BadKey[] = "WECHATPAY_V2_BAD_KEY";
inline constexpr char kV2BadBase64[] = "WECHATPAY_V2_BAD_BASE64";
inline constexpr char kV2DecryptFailed[] = "WECHATPAY_V2_DECRYPT_FAILED";
inline constexpr char kV2MalformedRefundInfo[] = "WECHATPAY_V2_MALFORMED_REFUND_INFO";

// Mini-program open data.
inline constexpr char kMpBadBase64[] = "WECHAT_MP_BAD_BASE64";
inline constexpr char kMpBadSessionKey[] = "WECHAT_MP_BAD_SESSION_KEY";
inline constexpr char kMpBadIv[] = "WECHAT_MP_BAD_IV";
inline constexpr char kMpDecryptFailed[] = "WECHAT_MP_DECRYPT_FAILED";
inline constexpr char kMpMalformedData[] = "WECHAT_MP_MALFORMED_DATA";
inline constexpr char kMpWatermarkMismatch[] = "WECHAT_MP_WATERMARK_MISMATCH";
inline constexpr char kMpBadSignature[] = "WECHAT_MP_BAD_SIGNATURE";

}  // namespace mileage::wechat::reason
