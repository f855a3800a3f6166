#include "crypto/random_string.h"

#include <array>
#include <cstdint>

namespace mileage::crypto {

std::string RandomAlphanumeric(RandomSource& random, size_t length) {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  constexpr unsigned kCount = sizeof(kChars) - 1;     // 62
  constexpr unsigned kLimit = 256 / kCount * kCount;  // 248: largest multiple below 256
  std::string out;
  out.reserve(length);
  std::array<uint8_t, 64> buffer;
  while (out.size() < length) {
    random.Fill(buffer);
    for (uint8_t b : buffer) {
      if (b >= kLimit) continue;
      out.push_back(kChars[b % kCount]);
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace mileage::crypto
