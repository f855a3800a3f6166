#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/rsa.h"

namespace mileage::wechat::pay {

// The parameters of a merchant's Authorization header (what WeChat, or the sandbox, checks).
struct RequestAuthorization {
  std::string mchid;
  std::string nonce_str;
  std::string timestamp;
  std::string serial_no;
  std::string signature;  // base64
};

// Parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v",...` (any order, optional spaces after commas).
// InvalidArgument WECHATPAY_BAD_AUTHORIZATION when the scheme differs, the syntax is wrong, a
// parameter repeats, or one of the five is missing or empty.
Result<RequestAuthorization> ParseAuthorization(std::string_view header);

// Verifies a parsed Authorization against the request and the merchant's public key, within
// 300 s of `now`. InvalidArgument WECHATPAY_BAD_TIMESTAMP, WECHATPAY_BAD_BASE64;
// Unauthenticated WECHATPAY_STALE_TIMESTAMP, WECHATPAY_BAD_SIGNATURE.
Status VerifyRequestAuthorization(const crypto::RsaPublicKey& merchant_key,
                                  const RequestAuthorization& authorization,
                                  std::string_view method, std::string_view url,
                                  std::string_view body, TimePoint now);

}  // namespace mileage::wechat::pay
