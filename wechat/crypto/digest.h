#pragma once

#include <string>
#include <string_view>

namespace mileage::wechat::crypto {

// One-shot digests and MACs; each returns the raw bytes (16, 20, 32 and 32 of them). OpenSSL
// cannot fail on these inputs short of memory exhaustion, which aborts.
std::string Md5(std::string_view data);
std::string Sha1(std::string_view data);
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace mileage::wechat::crypto
