#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace mileage::server {

// The HTTP server's task queue (one task per accepted connection): `min_threads` workers are
// kept; when every worker is busy a new task gets a new worker, up to `max_threads`, so that
// slow clients holding workers do not leave other clients (and /healthz) waiting in the
// queue. Workers above `min_threads` leave after `idle_timeout` without work. Tasks beyond
// `max_threads` busy workers wait in FIFO order. shutdown() runs the queued tasks, then joins
// every worker. Owned by httplib::Server (new_task_queue); safe for concurrent use.
class WorkerPool : public httplib::TaskQueue {
 public:
  WorkerPool(size_t min_threads, size_t max_threads, std::chrono::milliseconds idle_timeout);
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // Workers alive now, and those running a task (for the metrics).
  size_t threads() const;
  size_t busy() const;

 private:
  void Work(size_t id);
  // Joins the workers that left; call without holding mutex_.
  void JoinRetired();

  const size_t min_threads_;
  const size_t max_threads_;
  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::deque<std::function<void()>> tasks_;
  std::map<size_t, std::thread> workers_;  // by id
  std::vector<std::thread> retired_;       // left after idling; joined later
  size_t next_id_ = 0;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace mileage::server
