#include "wechat/pay/api_v3_key.h"

#include <openssl/crypto.h>

#include "wechat/reasons.h"

namespace mileage::wechat::pay {

Result<ApiV3Key> ApiV3Key::Create(std::string_view key) {
  if (key.size() != kBytes) {
    return InvalidArgumentError(
        "APIv3 key must be exactly 32 bytes, got " + std::to_string(key.size()),
        reason::kBadKeyLength);
  }
  return ApiV3Key(key);
}

ApiV3Key::~ApiV3Key() { OPENSSL_cleanse(key_.data(), key_.size()); }

}  // namespace mileage::wechat::pay
