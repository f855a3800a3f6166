#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace mileage {

// A source of random bytes. Production uses the OS CSPRNG; tests inject a seeded fake.
// Implementations are safe for concurrent use.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
};

// getrandom(2): cryptographically secure, never blocks after boot.
class OsRandom final : public RandomSource {
 public:
  void Fill(std::span<uint8_t> out) override;
};

// `bytes` random bytes as lowercase hex (2 * bytes characters): ids and tokens.
std::string RandomHex(RandomSource& random, size_t bytes);

}  // namespace mileage
