#include "wechat/sandbox/fixtures.h"

#include "crypto/base64.h"
#include "crypto/digest.h"

namespace mileage::wechat::sandbox {
namespace {

// Base64url without padding of SHA-256(label | parts), cut to `length` characters.
std::string Derive(std::string_view label, std::string_view a, std::string_view b, size_t length) {
  std::string input(label);
  input += '|';
  input += a;
  input += '|';
  input += b;
  std::string text = crypto::Base64Encode(crypto::Sha256(input));
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text.substr(0, length);
}

}  // namespace

bool IsRejectedCode(std::string_view code) {
  if (code.empty() || code.size() > 128 || code.starts_with("invalid")) return true;
  for (char c : code) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_';
    if (!ok) return true;
  }
  return false;
}

bool IsUsedCode(std::string_view code) { return !IsRejectedCode(code) && code.starts_with("used"); }

bool IsThrottledCode(std::string_view code) {
  return !IsRejectedCode(code) && code.starts_with("throttled");
}

std::string OpenidFor(std::string_view appid, std::string_view code) {
  return "o" + Derive("openid", appid, code, 27);
}

std::string UnionidFor(std::string_view code) { return "u" + Derive("unionid", "", code, 27); }

std::string SessionKeyFor(std::string_view appid, std::string_view code) {
  return crypto::Base64Encode(
      crypto::Sha256("session_key|" + std::string(appid) + "|" + std::string(code)).substr(0, 16));
}

std::string PhoneFor(std::string_view code) {
  constexpr std::string_view kPrefix = "phone-";
  if (code.starts_with(kPrefix)) {
    std::string_view digits = code.substr(kPrefix.size());
    bool all_digits = digits.size() >= 5 && digits.size() <= 15;
    for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) return std::string(digits);
  }
  std::string hash = crypto::Sha256("phone|" + std::string(code));
  std::string out = "139";
  for (size_t i = 0; i < 8; ++i) out += static_cast<char>('0' + static_cast<uint8_t>(hash[i]) % 10);
  return out;
}

}  // namespace mileage::wechat::sandbox
