#include "kv/redis/redis_pool.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <utility>

namespace mileage::kv {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string Address(const RedisOptions& options) {
  std::string host =
      options.host.find(':') == std::string::npos ? options.host : "[" + options.host + "]";
  return host + ":" + std::to_string(options.port);
}

// Sends one command; nullptr when the connection failed (context->err says why).
ReplyPtr RunCommand(redisContext* context, std::span<const std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return ReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

std::string ConnectionError(const redisContext& context) {
  return context.err != 0 ? std::string(context.errstr) : std::string("no reply");
}

// True when the server has closed the connection (or sent something unasked) while it sat idle.
bool PeerClosed(const redisContext& context) {
  if (context.err != 0) return true;
  char byte;
  ssize_t n = recv(context.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n >= 0) return true;
  return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

}  // namespace

RedisPool::Lease::Lease(RedisPool* pool, ContextPtr context, uint64_t generation)
    : pool_(pool), context_(std::move(context)), generation_(generation) {}

RedisPool::Lease::~Lease() {
  if (context_ != nullptr) pool_->Release(std::move(context_), generation_, broken_);
}

Result<ReplyPtr> RedisPool::Lease::Command(std::span<const std::string_view> args) {
  if (broken_) return UnavailableError("Redis at " + pool_->address() + ": connection lost");
  ReplyPtr reply = RunCommand(context_.get(), args);
  if (reply == nullptr || context_->err != 0) {
    broken_ = true;
    return UnavailableError("Redis at " + pool_->address() + ": " + ConnectionError(*context_));
  }
  return reply;
}

RedisPool::RedisPool(RedisOptions options)
    : options_(std::move(options)), address_(Address(options_)) {}

Result<ContextPtr> RedisPool::Connect() const {
  const std::string prefix = "cannot connect to Redis at " + address_ + ": ";
  ContextPtr context(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                             ToTimeval(options_.connect_timeout)));
  if (context == nullptr) return UnavailableError(prefix + "out of memory");
  if (context->err != 0) return UnavailableError(prefix + context->errstr);
  if (redisSetTimeout(context.get(), ToTimeval(options_.command_timeout)) != REDIS_OK) {
    return UnavailableError(prefix + "cannot set the command timeout");
  }
  // Best effort: a connection that silently died is noticed sooner; failing to enable it is
  // harmless.
  static_cast<void>(redisEnableKeepAlive(context.get()));

  // Runs one set-up command; Unavailable naming `what` unless Redis answers +OK.
  auto setup = [&](std::string_view what, std::span<const std::string_view> args) -> Status {
    ReplyPtr reply = RunCommand(context.get(), args);
    if (reply == nullptr) return UnavailableError(prefix + ConnectionError(*context));
    if (reply->type == REDIS_REPLY_ERROR) {
      return UnavailableError("Redis at " + address_ + " rejected " + std::string(what) + ": " +
                              std::string(reply->str, reply->len));
    }
    if (reply->type != REDIS_REPLY_STATUS) {
      return UnavailableError("Redis at " + address_ + " answered " + std::string(what) +
                              " unexpectedly");
    }
    return Status::Ok();
  };
  if (!options_.password.empty()) {
    if (options_.username.empty()) {
      const std::string_view args[] = {"AUTH", options_.password};
      MILEAGE_RETURN_IF_ERROR(setup("AUTH", args));
    } else {
      const std::string_view args[] = {"AUTH", options_.username, options_.password};
      MILEAGE_RETURN_IF_ERROR(setup("AUTH", args));
    }
  }
  if (options_.db != 0) {
    const std::string db = std::to_string(options_.db);
    const std::string_view args[] = {"SELECT", db};
    MILEAGE_RETURN_IF_ERROR(setup("SELECT " + db, args));
  }
  if (!options_.client_name.empty()) {
    const std::string_view args[] = {"CLIENT", "SETNAME", options_.client_name};
    MILEAGE_RETURN_IF_ERROR(setup("CLIENT SETNAME", args));
  }
  return context;
}

Result<RedisPool::Lease> RedisPool::Acquire() {
  const auto deadline =
      std::chrono::steady_clock::now() + options_.connect_timeout + options_.command_timeout;
  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      ContextPtr context = std::move(idle_.back());
      idle_.pop_back();
      const uint64_t generation = generation_;
      lock.unlock();
      if (!PeerClosed(*context)) return Lease(this, std::move(context), generation);
      context.reset();
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < options_.pool_size) {
      ++open_;
      const uint64_t generation = generation_;
      lock.unlock();
      Result<ContextPtr> context = Connect();
      if (!context.ok()) {
        lock.lock();
        --open_;
        lock.unlock();
        released_.notify_one();
        return context.status();
      }
      return Lease(this, std::move(context).value(), generation);
    }
    bool available = released_.wait_until(
        lock, deadline, [this] { return !idle_.empty() || open_ < options_.pool_size; });
    if (!available) {
      return UnavailableError("no Redis connection to " + address_ + " became free in time (" +
                              std::to_string(options_.pool_size) + " in use)");
    }
  }
}

void RedisPool::Release(ContextPtr context, uint64_t generation, bool broken) {
  // Connections to close are destroyed after the lock is released.
  std::vector<ContextPtr> closing;
  {
    std::lock_guard lock(mutex_);
    if (broken) {
      ++generation_;
      closing.swap(idle_);
      open_ -= static_cast<int>(closing.size()) + 1;
    } else if (generation != generation_) {
      --open_;
      closing.push_back(std::move(context));
    } else {
      idle_.push_back(std::move(context));
    }
  }
  if (broken) {
    released_.notify_all();
  } else {
    released_.notify_one();
  }
}

}  // namespace mileage::kv
