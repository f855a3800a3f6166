#pragma once

#include <hiredis/hiredis.h>

#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kv/redis/redis_kv.h"

namespace mileage::kv {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
// A reply of hiredis, freed when it goes out of scope.
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
// A hiredis connection, closed when it goes out of scope.
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

// A bounded pool of synchronous hiredis connections to one Redis server, opened on demand (at
// most options.pool_size at a time), authenticated and switched to the configured db. A
// connection that fails is closed rather than reused, and the idle ones opened before it are
// closed as well (they most likely share its fate, e.g. a server restart); an idle connection
// the server has closed is detected and replaced when it is next borrowed. Owned by the Kv
// that uses it. Safe for concurrent use; each Lease is used by one thread at a time.
class RedisPool {
 public:
  // One borrowed connection, given back to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    // Sends one command and reads its reply; an error reply of Redis is a reply, not a failure.
    // Unavailable on an I/O error, a timeout or a protocol error; the connection is then
    // closed when the lease ends instead of being given back.
    Result<ReplyPtr> Command(std::span<const std::string_view> args);
    Result<ReplyPtr> Command(std::initializer_list<std::string_view> args) {
      return Command(std::span<const std::string_view>(args.begin(), args.size()));
    }

   private:
    friend class RedisPool;
    Lease(RedisPool* pool, ContextPtr context, uint64_t generation);

    RedisPool* pool_;
    ContextPtr context_;
    uint64_t generation_;
    bool broken_ = false;
  };

  explicit RedisPool(RedisOptions options);
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // An open connection: an idle one, else a new one while fewer than pool_size are open, else
  // the next one given back. Unavailable (naming host:port) when connecting, AUTH or SELECT
  // fails, or when no connection is given back within connect_timeout + command_timeout.
  Result<Lease> Acquire();

  // "host:port" (never the password), for messages.
  const std::string& address() const { return address_; }

 private:
  Result<ContextPtr> Connect() const;
  void Release(ContextPtr context, uint64_t generation, bool broken);

  const RedisOptions options_;
  const std::string address_;

  std::mutex mutex_;
  std::condition_variable released_;
  // Guarded by mutex_.
  std::vector<ContextPtr> idle_;
  // Connections idle, leased or being opened. Guarded by mutex_.
  int open_ = 0;
  // Bumped when a connection fails; leases from an older generation are not reused. Guarded
  // by mutex_.
  uint64_t generation_ = 0;
};

}  // namespace mileage::kv
