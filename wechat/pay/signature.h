#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"
#include "wechat/pay/platform_keys.h"

namespace mileage::wechat::pay {

// The HTTP headers that carry WeChat Pay's signature on notifications and API responses.
inline constexpr char kHeaderSerial[] = "Wechatpay-Serial";
inline constexpr char kHeaderSignature[] = "Wechatpay-Signature";
inline constexpr char kHeaderTimestamp[] = "Wechatpay-Timestamp";
inline constexpr char kHeaderNonce[] = "Wechatpay-Nonce";

// Signatures starting with this are WeChat's deliberate probes; they are always rejected.
inline constexpr std::string_view kSigntestPrefix = "WECHATPAY/SIGNTEST/";
// Largest accepted |now - Wechatpay-Timestamp|, in seconds.
inline constexpr int64_t kMaxClockSkewSeconds = 300;

// The four signature header values of one message (empty = header absent). A value type.
struct WechatpayHeaders {
  std::string serial;
  std::string signature;  // base64
  std::string timestamp;  // decimal Unix seconds
  std::string nonce;
};

// "timestamp\nnonce\nbody\n": the message WeChat Pay signs.
std::string BuildSignatureMessage(std::string_view timestamp, std::string_view nonce,
                                  std::string_view body);

// Verifies that `body` was signed by the key `headers.serial` selects in `keys`, within
// kMaxClockSkewSeconds of `now`. Checks, in order:
// Unauthenticated WECHATPAY_MISSING_HEADER (a header is empty);
// InvalidArgument WECHATPAY_MALFORMED_HEADER (serial or nonce too long or not printable ASCII);
// Unauthenticated WECHATPAY_SIGNTEST_PROBE (signature starts "WECHATPAY/SIGNTEST/");
// InvalidArgument WECHATPAY_BAD_TIMESTAMP (not 1-12 decimal digits);
// Unauthenticated WECHATPAY_STALE_TIMESTAMP (more than 300 s from now, either direction);
// Unauthenticated WECHATPAY_UNKNOWN_SERIAL (no key for the serial);
// InvalidArgument WECHATPAY_BAD_BASE64 (signature is not strict base64);
// Unauthenticated WECHATPAY_BAD_SIGNATURE (RSA-SHA256 PKCS#1 v1.5 verification fails).
Status VerifyWechatpaySignature(const PlatformKeys& keys, const WechatpayHeaders& headers,
                                std::string_view body, TimePoint now);

// Signs `body` as WeChat Pay does (the sandbox and tests): headers with `serial`, the given
// timestamp and nonce, and the base64 RSA-SHA256 signature. Internal WECHATPAY_SIGN_FAILED.
Result<WechatpayHeaders> SignWechatpayMessage(const crypto::RsaPrivateKey& key,
                                              std::string_view serial, std::string_view body,
                                              int64_t timestamp, std::string_view nonce);

// As above with the timestamp from `now` and a random 32-character nonce.
Result<WechatpayHeaders> SignWechatpayMessage(const crypto::RsaPrivateKey& key,
                                              std::string_view serial, std::string_view body,
                                              TimePoint now, RandomSource& random);

}  // namespace mileage::wechat::pay
