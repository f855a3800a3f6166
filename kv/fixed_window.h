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

// ResourceExhausted RATE_LIMITED "too many <what>; try again in <retry_after> s": the one
// refusal of every rate limit, which routes answer 429 with a Retry-After header.
Status RateLimitedError(std::string_view what, std::chrono::seconds retry_after);

// A rate limit of `max` per subject per fixed window (FixedWindow's counting): attempts are
// counted and refused past the limit (Take), or refusals are counted (Count) and further
// attempts refused once they reach it (Check). Holds no state of its own; safe for concurrent
// use.
class FixedWindowLimit {
 public:
  // `what` names the attempts in the refusal's message ("vehicle changes").
  FixedWindowLimit(Kv& kv, const Clock& clock, std::string prefix, int64_t max,
                   std::chrono::seconds length, std::string what)
      : window_(kv, clock, std::move(prefix), length),
        clock_(clock),
        max_(max),
        what_(std::move(what)) {}

  // Counts one attempt of the subject. Errors: RateLimitedError with *retry_after set (whole
  // seconds to the window's end, at least 1) when this attempt is past `max` in the window;
  // Unavailable when the Kv fails.
  Status Take(std::string_view subject, std::chrono::seconds* retry_after);
  // Counts nothing. Errors: RateLimitedError with *retry_after set when the subject's counter
  // reached `max` in the window; Unavailable when the Kv fails.
  Status Check(std::string_view subject, std::chrono::seconds* retry_after);
  // Counts one for the subject without judging it. Unavailable when the Kv fails.
  Status Count(std::string_view subject);

 private:
  FixedWindow window_;
  const Clock& clock_;
  const int64_t max_;
  const std::string what_;
};

}  // namespace mileage::kv
