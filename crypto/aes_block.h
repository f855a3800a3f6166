#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mileage::crypto {

// The block-cipher modes of WeChat's older protocols, all with PKCS#7 padding. They carry no
// authentication: callers check what the plaintext says (a watermark, a signature) before use.
// Each returns nullopt when the key or IV has the wrong length, the input is not a whole number
// of blocks, or the padding is invalid.

// AES-128-CBC (mini-program encryptedData): 16-byte key and IV.
std::optional<std::string> Aes128CbcDecrypt(std::string_view key, std::string_view iv,
                                            std::string_view ciphertext);
std::optional<std::string> Aes128CbcEncrypt(std::string_view key, std::string_view iv,
                                            std::string_view plaintext);

// AES-256-ECB (Pay API v2 refund req_info): 32-byte key.
std::optional<std::string> Aes256EcbDecrypt(std::string_view key, std::string_view ciphertext);
std::optional<std::string> Aes256EcbEncrypt(std::string_view key, std::string_view plaintext);

}  // namespace mileage::crypto
