#include "db/pool.h"

#include <string>
#include <utility>

#include "common/log.h"

namespace mileage::db {
namespace {

PoolOptions Normalized(PoolOptions options) {
  if (options.max_size < 1) options.max_size = 1;
  if (options.acquire_timeout.count() < 0) options.acquire_timeout = {};
  return options;
}

}  // namespace

ConnectionPool::ConnectionPool(Dialect dialect, PoolOptions options, ConnectionFactory factory)
    : dialect_(dialect), options_(Normalized(options)), factory_(std::move(factory)) {}

ConnectionPool::~ConnectionPool() {
  Close();
  std::lock_guard lock(mutex_);
  if (in_use_ != 0) {
    MILEAGE_LOG(kError) << "database pool destroyed with " << in_use_
                        << " connection(s) still checked out";
  }
}

Result<PooledConnection> ConnectionPool::Acquire() {
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  std::unique_lock lock(mutex_);
  bool counted_wait = false;
  while (true) {
    if (closed_) return UnavailableError("database pool is closed");

    if (!idle_.empty()) {
      IdleConnection idle = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      const bool stale = std::chrono::steady_clock::now() - idle.since >= options_.ping_idle_after;
      if (!stale) return PooledConnection(this, std::move(idle.conn));
      lock.unlock();
      Status ping = idle.conn->Ping();
      if (ping.ok() && !idle.conn->broken()) return PooledConnection(this, std::move(idle.conn));
      MILEAGE_LOG(kWarn) << "dropping a dead idle database connection: " << ping.ToString();
      idle.conn.reset();
      lock.lock();
      --in_use_;
      --open_;
      ++replaced_;
      continue;
    }

    if (open_ < options_.max_size) {
      ++open_;
      ++in_use_;
      lock.unlock();
      Result<std::unique_ptr<Connection>> conn = factory_();
      if (conn.ok()) return PooledConnection(this, std::move(conn).value());
      lock.lock();
      --open_;
      --in_use_;
      available_.notify_one();
      return conn.status();
    }

    if (!counted_wait) {
      counted_wait = true;
      ++waits_;
    }
    const bool ready = available_.wait_until(
        lock, deadline, [this] { return closed_ || !idle_.empty() || open_ < options_.max_size; });
    if (!ready) {
      ++timeouts_;
      return UnavailableError("no database connection became free within " +
                              std::to_string(options_.acquire_timeout.count()) + " ms (pool size " +
                              std::to_string(options_.max_size) + ")");
    }
  }
}

void ConnectionPool::Return(std::unique_ptr<Connection> conn) {
  if (conn == nullptr) return;
  const bool drop = conn->broken() || conn->in_transaction();
  std::unique_lock lock(mutex_);
  --in_use_;
  if (drop || closed_) {
    --open_;
    if (drop) ++replaced_;
    lock.unlock();
    available_.notify_one();
    // Closing may do network I/O: never under the lock.
    conn.reset();
    return;
  }
  idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
  lock.unlock();
  available_.notify_one();
}

PoolStats ConnectionPool::Stats() const {
  std::lock_guard lock(mutex_);
  PoolStats stats;
  stats.size = options_.max_size;
  stats.open = open_;
  stats.in_use = in_use_;
  stats.waits = waits_;
  stats.timeouts = timeouts_;
  stats.replaced = replaced_;
  return stats;
}

void ConnectionPool::Close() {
  std::vector<IdleConnection> idle;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
    open_ -= static_cast<int>(idle.size());
  }
  available_.notify_all();
  idle.clear();
}

}  // namespace mileage::db
