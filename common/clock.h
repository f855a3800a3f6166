#pragma once

#include <chrono>

namespace mileage {

using TimePoint = std::chrono::system_clock::time_point;

// The source of the current time. Code never calls system_clock::now() directly, so tests can
// move time. Implementations are safe for concurrent use.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// Seconds since the Unix epoch, the unit WeChat and our storage use.
inline int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace mileage
