#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"

namespace mileage::wechat::pay {

// The Authorization scheme of merchant API v3 requests.
inline constexpr std::string_view kAuthorizationScheme = "WECHATPAY2-SHA256-RSA2048";

// "METHOD\nURL\ntimestamp\nnonce\nbody\n": the message a merchant signs; URL is the path and
// query ("/v3/pay/transactions/jsapi?x=1"), body is empty for GET.
std::string BuildRequestMessage(std::string_view method, std::string_view url,
                                std::string_view timestamp, std::string_view nonce,
                                std::string_view body);

// Signs merchant API v3 requests with the merchant's private key. Owned by the API client of
// one merchant; immutable, so safe for concurrent use.
class RequestSigner {
 public:
  // `serial_no` is the serial of the merchant certificate that holds the key's public half.
  RequestSigner(std::string mchid, std::string serial_no, crypto::RsaPrivateKey key);

  // The Authorization header value: WECHATPAY2-SHA256-RSA2048 mchid="...",nonce_str="...",
  // timestamp="...",serial_no="...",signature="...", with the timestamp from `now` and a random
  // 32-character nonce. InvalidArgument WECHATPAY_BAD_REQUEST_TARGET (method not upper-case
  // letters, URL not starting with "/" or containing whitespace or control characters, nonce
  // empty, over 64 characters or holding a space, quote or comma); Internal
  // WECHATPAY_SIGN_FAILED.
  Result<std::string> Authorization(std::string_view method, std::string_view url,
                                    std::string_view body, TimePoint now,
                                    RandomSource& random) const;

  // As above with an explicit timestamp and nonce (deterministic; tests).
  Result<std::string> Authorization(std::string_view method, std::string_view url,
                                    std::string_view body, int64_t timestamp,
                                    std::string_view nonce) const;

 private:
  std::string mchid_;
  std::string serial_no_;
  crypto::RsaPrivateKey key_;
};

}  // namespace mileage::wechat::pay
