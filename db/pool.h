#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "db/db.h"

namespace mileage::db {

// Sizing and health-check settings of a ConnectionPool.
struct PoolOptions {
  // Connections open at most; Acquire waits when all are in use.
  int max_size = 8;
  // How long Acquire waits for a free connection before it gives up with Unavailable.
  std::chrono::milliseconds acquire_timeout{5000};
  // An idle connection unused for at least this long is pinged before it is handed out (and
  // replaced when dead), so that a server restart or idle kill is never seen by a caller.
  std::chrono::milliseconds ping_idle_after{30000};
};

// Opens one new connection. Unavailable when the database cannot be reached.
using ConnectionFactory = std::function<Result<std::unique_ptr<Connection>>()>;

// The bounded connection pool behind every driver's Db: connections are created lazily by the
// driver's factory up to max_size, handed out most-recently-used first, checked with Ping()
// after ping_idle_after of idleness, and dropped for good once broken().
// Owned by the composition root; safe for concurrent use. Every PooledConnection must be
// returned (destroyed) before the pool is destroyed.
class ConnectionPool final : public Db {
 public:
  ConnectionPool(Dialect dialect, PoolOptions options, ConnectionFactory factory);
  ~ConnectionPool() override;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Dialect dialect() const override { return dialect_; }
  // Errors: Unavailable when the pool is closed, when the factory cannot connect, or when no
  // connection became free within acquire_timeout.
  Result<PooledConnection> Acquire() override;
  PoolStats Stats() const override;
  void Close() override;

 protected:
  void Return(std::unique_ptr<Connection> conn) override;

 private:
  struct IdleConnection {
    std::unique_ptr<Connection> conn;
    std::chrono::steady_clock::time_point since;
  };

  const Dialect dialect_;
  const PoolOptions options_;
  const ConnectionFactory factory_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<IdleConnection> idle_;  // most recently returned last
  bool closed_ = false;
  int open_ = 0;  // idle + in use + being opened
  int in_use_ = 0;
  int64_t waits_ = 0;
  int64_t timeouts_ = 0;
  int64_t replaced_ = 0;
};

}  // namespace mileage::db
