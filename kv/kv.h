#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::kv {

// A shared key-value store: sessions, the WeChat access token, nonce windows, rate limits,
// caches and the hot coupon-claim counter (DESIGN.md section 3). The database stays the
// source of truth; everything here can be rebuilt from it.
//
// Keys and values are binary-safe byte strings. Integers are stored as their decimal text
// (Redis semantics: an optional '-', no '+', no leading zeros, within int64).
//
// A ttl of zero means no expiry; a key written with a ttl is invisible from the moment the ttl
// has elapsed. Implementations are safe for concurrent use; every method is atomic with respect
// to the others. Errors common to every method: the store cannot be reached or answered
// unexpectedly -> Unavailable (the caller may retry; the implementation reconnects); a negative
// ttl -> InvalidArgument.
class Kv {
 public:
  virtual ~Kv() = default;

  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Writes the value and replaces any previous ttl with `ttl`.
  virtual Status Set(std::string_view key, std::string_view value,
                     std::chrono::milliseconds ttl = std::chrono::milliseconds(0)) = 0;
  // True when the key existed.
  virtual Result<bool> Delete(std::string_view key) = 0;
  // Sets only when the key is absent (a lock when given a ttl). True when this call set it.
  virtual Result<bool> SetIfAbsent(std::string_view key, std::string_view value,
                                   std::chrono::milliseconds ttl) = 0;
  // Deletes only while the key holds `value` (releasing a lock this caller owns).
  virtual Result<bool> DeleteIfEquals(std::string_view key, std::string_view value) = 0;
  // Writes `value` with `ttl` (replacing the expiry as Set does) only while the key holds
  // `expected`; true when this call wrote it. An absent or expired key holds nothing, so it
  // never matches. The compare and the write are one atomic step (a session refresh must not
  // undo a concurrent logout).
  virtual Result<bool> CompareAndSet(std::string_view key, std::string_view expected,
                                     std::string_view value, std::chrono::milliseconds ttl) = 0;
  // Adds delta to the integer at key (absent = 0) and returns the new value. A ttl applies
  // only when this call creates the key (fixed windows for rate limits); an existing key keeps
  // its expiry. FailedPrecondition when the key holds a non-integer or the sum overflows int64
  // (the value is left unchanged).
  virtual Result<int64_t> Increment(
      std::string_view key, int64_t delta,
      std::chrono::milliseconds ttl = std::chrono::milliseconds(0)) = 0;
  // Decrements the integer at key by one only when it is positive and returns the new value;
  // nullopt when it is absent, zero or negative (stock exhausted). FailedPrecondition when the
  // key holds a non-integer.
  virtual Result<std::optional<int64_t>> DecrementIfPositive(std::string_view key) = 0;
  // OK when the store answers (health checks).
  virtual Status Ping() = 0;
};

}  // namespace mileage::kv
