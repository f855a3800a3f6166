#pragma once
// The load loop of the bench tools: requests from many threads over keep-alive connections for
// a fixed time, with the rate and latency percentiles of what was sent.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace mileage::bench {

using SteadyClock = std::chrono::steady_clock;

struct Run {
  double rps = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  int64_t failed = 0;
};

// Sends requests from `connections` threads (thread c uses connection c) for `seconds` or
// until `limit` requests; send(c, i) makes request i and says whether it succeeded.
template <typename Send>
Run Drive(int connections, int seconds, size_t limit, const Send& send) {
  std::atomic<size_t> next{0};
  std::atomic<int64_t> failed{0};
  std::vector<std::vector<double>> latencies(connections);
  const auto end = SteadyClock::now() + std::chrono::seconds(seconds);
  const auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      while (SteadyClock::now() < end) {
        const size_t i = next.fetch_add(1);
        if (i >= limit) break;
        const auto t0 = SteadyClock::now();
        if (!send(c, i)) ++failed;
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Run run;
  run.rps = static_cast<double>(all.size()) / elapsed;
  if (!all.empty()) {
    run.p50_ms = all[all.size() / 2];
    run.p95_ms = all[std::min(all.size() - 1, all.size() * 95 / 100)];
    run.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  run.failed = failed;
  return run;
}

}  // namespace mileage::bench
