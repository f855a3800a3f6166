#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "wechat/v2/xml.h"

namespace mileage::wechat::v2 {

// The v2 signature algorithms (the sign_type field: "MD5", the default, or "HMAC-SHA256").
enum class SignType { kMd5, kHmacSha256 };

std::optional<SignType> ParseSignType(std::string_view name);

// "k1=v1&k2=v2&...&key=KEY" over the non-empty fields except "sign", in byte order of names:
// the string v2 signs.
std::string BuildSignString(const Fields& fields, std::string_view api_key);

// The upper-case hex signature of `fields`: MD5(sign string) or HMAC-SHA256(key, sign string).
std::string Sign(const Fields& fields, std::string_view api_key, SignType type);

// Verifies the "sign" field in constant time (hex compared case-insensitively), with the
// algorithm named by "sign_type" (MD5 when absent).
// InvalidArgument WECHATPAY_V2_BAD_KEY (empty key), WECHATPAY_V2_MISSING_SIGN,
// WECHATPAY_V2_UNSUPPORTED_SIGN_TYPE; Unauthenticated WECHATPAY_V2_BAD_SIGNATURE.
Status VerifySignature(const Fields& fields, std::string_view api_key);

}  // namespace mileage::wechat::v2
