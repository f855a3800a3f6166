#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace mileage::server {

// SIGINT and SIGTERM for a serving command: Block() in main before any thread starts (threads
// inherit the mask, so no worker is interrupted) also ignores SIGPIPE; then a watcher, for the
// life of the object, waits for either signal on its own thread and calls `on_stop` once with
// the signal's number. Destroying it (after serving ended) ends the watcher without calling
// `on_stop`. Owned by the command's main function; not copyable.
class StopSignals {
 public:
  static void Block();

  explicit StopSignals(std::function<void(int signal_number)> on_stop);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace mileage::server
