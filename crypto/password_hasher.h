#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace mileage::crypto {

// scrypt cost parameters: N = 2^log2_n, block size r, parallelism p. Memory is 128 * r * N
// bytes (16 MiB for the defaults).
struct ScryptParams {
  int log2_n = 14;
  int r = 8;
  int p = 1;
};

// The production parameters (docs/PERFORMANCE.md gives the measured time of one hash).
inline constexpr ScryptParams kDefaultScryptParams{};

// Staff password hashing with OpenSSL's scrypt (EVP_PBE_scrypt) and a random 16-byte salt per
// password. The stored text carries its parameters, so they can be raised later without
// invalidating existing hashes: "scrypt$<log2 N>$<r>$<p>$<salt hex>$<32-byte hash hex>".
// Immutable after construction; safe for concurrent use (the random source must be too).
class PasswordHasher {
 public:
  PasswordHasher(RandomSource& random, ScryptParams params) : random_(random), params_(params) {}

  // Errors: Internal when scrypt fails (parameters beyond the memory limit, out of memory).
  Result<std::string> Hash(std::string_view password) const;
  // True when `password` matches `stored`, compared in constant time. Errors: InvalidArgument
  // when `stored` is not in the format above or its parameters are out of the accepted range
  // (log2 N 10..20, r 1..32, p 1..16); Internal when scrypt fails.
  Result<bool> Verify(std::string_view password, std::string_view stored) const;
  // Spends the time of one Verify at the current parameters and discards the result, so that
  // a login for an unknown user takes as long as one with a wrong password.
  void BurnOneHash(std::string_view password) const;

  const ScryptParams& params() const { return params_; }
  // How many scrypt computations Hash, Verify and BurnOneHash have run (for tests that prove a
  // refused request cost none, and for metrics).
  uint64_t computations() const { return computations_.load(std::memory_order_relaxed); }

 private:
  RandomSource& random_;
  const ScryptParams params_;
  mutable std::atomic<uint64_t> computations_{0};
};

}  // namespace mileage::crypto
