#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace mileage::server {

// Request metrics in the Prometheus text format: requests by route and status, a latency
// histogram per route, and gauges sampled at scrape time (pool usage). Routes are registered
// once at start-up; recording is lock-free (relaxed atomics) so it costs nothing measurable on
// the hot path. Safe for concurrent use.
class Metrics {
 public:
  using RouteId = size_t;

  // Registers a route label ("GET /healthz"); returns the id to record against. Not for
  // concurrent use with Record (call at start-up).
  RouteId RegisterRoute(std::string method, std::string route);
  void Record(RouteId route, int http_status, std::chrono::nanoseconds latency);

  // A gauge read at each scrape, e.g. the database pool's connections in use.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // The same for a value that only grows (rendered with TYPE counter).
  void AddCounter(std::string name, std::string help, std::function<double()> read);

  void AddInFlight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }

  std::string RenderPrometheus() const;

 private:
  static constexpr int kMinStatus = 100;
  static constexpr int kMaxStatus = 599;
  // Upper bounds in seconds of the latency histogram buckets (+Inf implied).
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
  struct RouteMetrics {
    std::string method;
    std::string route;
    std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> latency_sum_ns{0};
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    const char* type = "gauge";
  };

  std::deque<RouteMetrics> routes_;  // deque: stable addresses, atomics are not movable
  std::vector<Gauge> gauges_;
  std::atomic<int64_t> in_flight_{0};
};

}  // namespace mileage::server
