#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::crypto {

// AES-GCM as WeChat Pay uses it: a 12-byte nonce, associated data, and a 16-byte tag appended
// to the ciphertext. The key selects AES-128/192/256 by its length; Pay API v3 callers go
// through pay::ApiV3Key, which admits only 32-byte keys.
inline constexpr size_t kGcmNonceBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;
// Longest ciphertext accepted (1 MiB); WeChat resources are a few KiB.
inline constexpr size_t kGcmMaxCiphertextBytes = 1 << 20;

// Decrypts `ciphertext_and_tag` and always authenticates the tag.
// InvalidArgument WECHATPAY_BAD_KEY_LENGTH (key not 16/24/32 bytes), WECHATPAY_BAD_NONCE (not
// 12 bytes), WECHATPAY_BAD_CIPHERTEXT (shorter than the tag or over the limit);
// Unauthenticated WECHATPAY_DECRYPT_FAILED when the tag does not match (any change to key,
// nonce, associated data, ciphertext or tag).
Result<std::string> AesGcmDecrypt(std::string_view key, std::string_view nonce,
                                  std::string_view associated_data,
                                  std::string_view ciphertext_and_tag);

// Encrypts and returns ciphertext || tag. Same InvalidArgument cases as AesGcmDecrypt.
Result<std::string> AesGcmEncrypt(std::string_view key, std::string_view nonce,
                                  std::string_view associated_data, std::string_view plaintext);

}  // namespace mileage::crypto
