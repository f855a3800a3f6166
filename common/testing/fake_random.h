#pragma once

#include <mutex>
#include <random>

#include "common/random.h"

namespace mileage::testing {

// Deterministic random bytes from a seed, so tests reproduce. Safe for concurrent use.
class FakeRandom final : public RandomSource {
 public:
  explicit FakeRandom(uint64_t seed = 42) : engine_(seed) {}
  void Fill(std::span<uint8_t> out) override {
    std::lock_guard lock(mutex_);
    for (auto& b : out) b = static_cast<uint8_t>(engine_());
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace mileage::testing
