#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::wechat::pay {

// A merchant's APIv3 key: exactly 32 bytes, the AES-256-GCM key of encrypted resources. A value
// type owned by whoever holds the merchant's configuration; the bytes are wiped on destruction.
// Immutable, so safe for concurrent use.
class ApiV3Key {
 public:
  static constexpr size_t kBytes = 32;

  // InvalidArgument WECHATPAY_BAD_KEY_LENGTH unless `key` is exactly 32 bytes (a 16-byte key
  // would silently mean AES-128, which WeChat Pay never uses).
  static Result<ApiV3Key> Create(std::string_view key);

  ApiV3Key(const ApiV3Key& other) = default;
  ApiV3Key& operator=(const ApiV3Key& other) = default;
  ~ApiV3Key();

  std::string_view bytes() const { return key_; }

 private:
  explicit ApiV3Key(std::string_view key) : key_(key) {}
  std::string key_;
};

}  // namespace mileage::wechat::pay
