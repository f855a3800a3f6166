#include "server/http/worker_pool.h"

#include <algorithm>
#include <system_error>

#include "common/log.h"

namespace mileage::server {

WorkerPool::WorkerPool(size_t min_threads, size_t max_threads,
                       std::chrono::milliseconds idle_timeout)
    : min_threads_(std::max<size_t>(min_threads, 1)),
      max_threads_(std::max(max_threads, min_threads_)),
      idle_timeout_(idle_timeout) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < min_threads_; ++i) {
    size_t id = next_id_++;
    workers_.emplace(id, std::thread(&WorkerPool::Work, this, id));
  }
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::enqueue(std::function<void()> fn) {
  JoinRetired();
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(fn));
    // More waiting tasks than idle workers: this one would wait for a busy worker.
    if (tasks_.size() > idle_ && workers_.size() < max_threads_) {
      size_t id = next_id_++;
      try {
        workers_.emplace(id, std::thread(&WorkerPool::Work, this, id));
      } catch (const std::system_error& e) {
        // Out of threads: the task waits for a worker that exists.
        MILEAGE_LOG(kError) << "cannot start an HTTP worker (" << workers_.size()
                            << " running): " << e.what();
      }
    }
  }
  work_available_.notify_one();
}

void WorkerPool::Work(size_t id) {
  std::unique_lock lock(mutex_);
  while (true) {
    ++idle_;
    const bool woken = work_available_.wait_for(lock, idle_timeout_,
                                                [this] { return shutdown_ || !tasks_.empty(); });
    --idle_;
    if (!tasks_.empty()) {
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    if (shutdown_) return;  // shutdown() joins this thread
    if (!woken && workers_.size() > min_threads_) {
      // Idle too long above the floor: leave, and let a later call join this thread.
      auto self = workers_.find(id);
      retired_.push_back(std::move(self->second));
      workers_.erase(self);
      return;
    }
  }
}

void WorkerPool::JoinRetired() {
  std::vector<std::thread> retired;
  {
    std::lock_guard lock(mutex_);
    retired.swap(retired_);
  }
  for (std::thread& t : retired) t.join();
}

void WorkerPool::shutdown() {
  std::map<size_t, std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
    workers.swap(workers_);
  }
  work_available_.notify_all();
  for (auto& [id, t] : workers) t.join();
  JoinRetired();
}

size_t WorkerPool::threads() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return workers_.size() > idle_ ? workers_.size() - idle_ : 0;
}

}  // namespace mileage::server
