#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace mileage::testing {

// Runs work(i) for each i in [0, n) on n threads that start together (each waits until all are
// up), so that their requests race; returns when every one finished.
template <typename Work>
void RunTogether(int n, Work&& work) {
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      work(i);
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace mileage::testing
