#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "kv/kv.h"

namespace mileage::kv {

// "<prefix>" + 32 hex digits of SHA-256(subject): a Kv key that names a subject (a username, a
// client address) without holding it, so that the Kv holds no personal data and keys stay
// short.
std::string HashedKey(std::string_view prefix, std::string_view subject);

// Whole seconds from `now` until `until`, rounded up, at least 1: a Retry-After value.
std::chrono::seconds SecondsUntil(TimePoint now, TimePoint until);

// Counters per subject over fixed windows of time aligned to the clock (window number = now /
// length), for rate limits: each window's counter lives in the Kv under
// HashedKey(prefix, subject) + ":<window number>" with the window's length as its ttl, so a
// refusal can say when the window ends. Holds no state of its own; safe for concurrent use.
class FixedWindow {
 public:
  FixedWindow(Kv& kv, const Clock& clock, std::string prefix, std::chrono::seconds length)
      : kv_(kv), clock_(clock), prefix_(std::move(prefix)), length_(length) {}

  // A counter's value in the current window and when that window ends.
  struct Count {
    int64_t value = 0;
    TimePoint ends;
  };

  // Adds `delta` to the subject's counter of the current window. Unavailable when the Kv
  // fails.
  Result<Count> Add(std::string_view subject, int64_t delta = 1);
  // The subject's counter of the current window (0 when absent or not an integer). Unavailable
  // when the Kv fails.
  Result<Count> Read(std::string_view subject);
  // Clears the subject's counter of the current window. Unavailable when the Kv fails.
  Status Clear(std::string_view subject);

 private:
  struct Window {
    std::string key;
    TimePoint ends;
  };
  Window Current(std::string_view subject) const;

  Kv& kv_;
  const Clock& clock_;
  const std::string prefix_;
  const std::chrono::seconds length_;
};

}  // namespace mileage::kv
