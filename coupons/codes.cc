#include "coupons/codes.h"

#include <array>
#include <cstdint>

namespace mileage::coupons {
namespace {

constexpr int kBase = 32;

// The value of an alphabet character, or -1.
int ValueOf(char c) {
  const size_t at = kCodeAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The Luhn mod N sum over `text` from its right end, doubling every second character starting
// with the rightmost when `double_rightmost` (computing a check character) or the one left of
// it (verifying a code that ends with its check character).
int LuhnSum(std::string_view text, bool double_rightmost) {
  int sum = 0;
  bool twice = double_rightmost;
  for (size_t i = text.size(); i-- > 0;) {
    int addend = ValueOf(text[i]) * (twice ? 2 : 1);
    addend = addend / kBase + addend % kBase;
    sum += addend;
    twice = !twice;
  }
  return sum % kBase;
}

Status InvalidCode(std::string_view why) {
  return InvalidArgumentError("the coupon code " + std::string(why), "INVALID_COUPON_CODE");
}

}  // namespace

char CodeCheckCharacter(std::string_view data) {
  const int sum = LuhnSum(data, /*double_rightmost=*/true);
  return kCodeAlphabet[static_cast<size_t>((kBase - sum) % kBase)];
}

std::string NewCouponCode(RandomSource& random) {
  std::array<uint8_t, 10> bytes{};  // 80 bits = 16 characters of 5 bits
  random.Fill(bytes);
  std::string code;
  code.reserve(kCodeLength);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code += kCodeAlphabet[(buffer >> bits) & 0x1F];
    }
  }
  code += CodeCheckCharacter(code);
  return code;
}

Result<std::string> NormalizeCouponCode(std::string_view input) {
  if (input.size() > kMaxCodeInput) return InvalidCode("is too long");
  std::string code;
  code.reserve(kCodeLength);
  for (char c : input) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (ValueOf(c) < 0) return InvalidCode("has a character that is not in the alphabet");
    code += c;
  }
  if (code.size() != kCodeLength) return InvalidCode("must have 17 characters");
  if (LuhnSum(code, /*double_rightmost=*/false) != 0) {
    return InvalidCode("has a typo (its check character does not match)");
  }
  return code;
}

std::string FormatCouponCode(std::string_view code) {
  if (code.size() != kCodeLength) return std::string(code);
  std::string out;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += code[i];
  }
  return out;
}

}  // namespace mileage::coupons
