#include "server/stop_signals.h"

#include <pthread.h>

namespace mileage::server {
namespace {

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void StopSignals::Block() {
  const sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

StopSignals::StopSignals(std::function<void(int signal_number)> on_stop)
    : watcher_([this, on_stop = std::move(on_stop)] {
        const sigset_t set = StopSet();
        int signal_number = 0;
        sigwait(&set, &signal_number);
        if (!done_.load()) on_stop(signal_number);
      }) {}

StopSignals::~StopSignals() {
  done_.store(true);
  // Wakes the watcher's sigwait if no signal came; it then sees done_ and returns.
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
}

}  // namespace mileage::server
