#pragma once

#include <atomic>
#include <chrono>

#include "common/clock.h"

namespace mileage::testing {

// A clock that only moves when told. Safe for concurrent use. Test-only.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'800'000'000)))
      : now_ns_(start.time_since_epoch().count()) {}
  TimePoint Now() const override {
    return TimePoint(TimePoint::duration(now_ns_.load(std::memory_order_relaxed)));
  }
  void Set(TimePoint t) { now_ns_.store(t.time_since_epoch().count()); }
  void SetUnixSeconds(int64_t s) { Set(TimePoint(std::chrono::seconds(s))); }
  void Advance(std::chrono::nanoseconds d) {
    now_ns_.fetch_add(std::chrono::duration_cast<TimePoint::duration>(d).count());
  }

 private:
  std::atomic<TimePoint::duration::rep> now_ns_;
};

}  // namespace mileage::testing
