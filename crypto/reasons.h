#pragma once

// The stable machine reasons (Status::reason()) of crypto/ failures. They were born in the
// WeChat Pay code and clients of the notification endpoint see them, so they keep their
// WECHATPAY_ names; wechat/reasons.h refers to these. Never rename one: add a new one instead.
namespace mileage::crypto::reason {

inline constexpr char kBadKeyLength[] = "WECHATPAY_BAD_KEY_LENGTH";
inline constexpr char kBadNonce[] = "WECHATPAY_BAD_NONCE";
inline constexpr char kBadCiphertext[] = "WECHATPAY_BAD_CIPHERTEXT";
inline constexpr char kDecryptFailed[] = "WECHATPAY_DECRYPT_FAILED";
inline constexpr char kBadKey[] = "WECHATPAY_BAD_KEY";
inline constexpr char kSignFailed[] = "WECHATPAY_SIGN_FAILED";

}  // namespace mileage::crypto::reason
