#include "kv/redis/redis_kv.h"

#include <csignal>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/kv_integer.h"
#include "kv/redis/redis_pool.h"

namespace mileage::kv {
namespace {

// The Lua scripts behind the operations that read and write atomically. Errors they raise on
// purpose start with "NOTINT" and mean the value is not an integer. Results that are integers
// are returned as the stored text, because Lua numbers are doubles and lose precision.

// KEYS[1] = key, ARGV[1] = expected value. Returns 1 when deleted, else 0.
constexpr std::string_view kDeleteIfEqualsScript = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
)lua";

// KEYS[1] = key, ARGV[1] = expected value, ARGV[2] = new value, ARGV[3] = ttl in ms ("0" =
// none). Returns 1 when written, else 0.
constexpr std::string_view kCompareAndSetScript = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[3] == '0' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
)lua";

// KEYS[1] = key, ARGV[1] = delta, ARGV[2] = ttl in ms ("0" = none), applied only on creation.
// Returns the new value as text.
constexpr std::string_view kIncrementScript = R"lua(
local existed = redis.call('EXISTS', KEYS[1])
if not pcall(redis.call, 'INCRBY', KEYS[1], ARGV[1]) then
  return redis.error_reply('NOTINT the value is not an integer or the sum overflows int64')
end
if existed == 0 and ARGV[2] ~= '0' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('GET', KEYS[1])
)lua";

// KEYS[1] = key. Returns the decremented value as text, or nil when absent, zero or negative.
constexpr std::string_view kDecrementIfPositiveScript = R"lua(
local v = redis.call('GET', KEYS[1])
if not v then
  return false
end
if v ~= '0' and (#v > 20 or not string.match(v, '^%-?[1-9]%d*$')) then
  return redis.error_reply('NOTINT the value is not an integer')
end
if v == '0' or string.sub(v, 1, 1) == '-' then
  return false
end
if not pcall(redis.call, 'DECR', KEYS[1]) then
  return redis.error_reply('NOTINT the value is not an integer')
end
return redis.call('GET', KEYS[1])
)lua";

// A Lua script and its SHA1 in the server's script cache.
struct Script {
  std::string_view body;
  std::string sha;
};

Status CheckTtl(std::chrono::milliseconds ttl) {
  if (ttl.count() < 0) return InvalidArgumentError("kv: ttl must not be negative");
  return Status::Ok();
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool IsError(const redisReply& reply, std::string_view prefix) {
  return reply.type == REDIS_REPLY_ERROR &&
         StartsWith(std::string_view(reply.str, reply.len), prefix);
}

Status ValidateOptions(const RedisOptions& options) {
  if (options.host.empty()) return InvalidArgumentError("Redis options: the host is empty");
  if (options.port < 1 || options.port > 65535) {
    return InvalidArgumentError("Redis options: port " + std::to_string(options.port) +
                                " is not in 1..65535");
  }
  if (options.db < 0) return InvalidArgumentError("Redis options: db must not be negative");
  if (options.pool_size < 1) {
    return InvalidArgumentError("Redis options: pool_size must be at least 1");
  }
  if (options.connect_timeout.count() <= 0 || options.command_timeout.count() <= 0) {
    return InvalidArgumentError("Redis options: timeouts must be positive");
  }
  for (char c : options.client_name) {
    if (c <= ' ' || c > '~') {
      return InvalidArgumentError("Redis options: client_name must be printable without spaces");
    }
  }
  return Status::Ok();
}

void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      std::signal(SIGPIPE, SIG_IGN);
    }
  });
}

// Kv on Redis (see OpenRedisKv). Owns its pool. Safe for concurrent use once LoadScripts has
// succeeded.
class RedisKv final : public Kv {
 public:
  explicit RedisKv(const RedisOptions& options) : pool_(options) {}

  // Opens the first connection and loads the scripts, learning their SHA1s. Unavailable when
  // Redis cannot be reached or refuses.
  Status LoadScripts() {
    MILEAGE_ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_.Acquire());
    for (Script* script :
         {&delete_if_equals_, &compare_and_set_, &increment_, &decrement_if_positive_}) {
      MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, lease.Command({"SCRIPT", "LOAD", script->body}));
      if (reply->type != REDIS_REPLY_STRING) return UnexpectedReply("SCRIPT LOAD", *reply);
      script->sha.assign(reply->str, reply->len);
    }
    return Status::Ok();
  }

  Result<std::optional<std::string>> Get(std::string_view key) override {
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, Run({"GET", key}));
    if (reply->type == REDIS_REPLY_NIL) return std::optional<std::string>();
    if (reply->type != REDIS_REPLY_STRING) return UnexpectedReply("GET", *reply);
    return std::optional<std::string>(std::in_place, reply->str, reply->len);
  }

  Status Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override {
    MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
    const std::string ms = std::to_string(ttl.count());
    Result<ReplyPtr> reply =
        ttl.count() == 0 ? Run({"SET", key, value}) : Run({"SET", key, value, "PX", ms});
    if (!reply.ok()) return reply.status();
    if ((*reply)->type != REDIS_REPLY_STATUS) return UnexpectedReply("SET", **reply);
    return Status::Ok();
  }

  Result<bool> Delete(std::string_view key) override {
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, Run({"DEL", key}));
    if (reply->type != REDIS_REPLY_INTEGER) return UnexpectedReply("DEL", *reply);
    return reply->integer > 0;
  }

  Result<bool> SetIfAbsent(std::string_view key, std::string_view value,
                           std::chrono::milliseconds ttl) override {
    MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
    const std::string ms = std::to_string(ttl.count());
    Result<ReplyPtr> reply = ttl.count() == 0 ? Run({"SET", key, value, "NX"})
                                              : Run({"SET", key, value, "NX", "PX", ms});
    if (!reply.ok()) return reply.status();
    if ((*reply)->type == REDIS_REPLY_NIL) return false;
    if ((*reply)->type != REDIS_REPLY_STATUS) return UnexpectedReply("SET NX", **reply);
    return true;
  }

  Result<bool> DeleteIfEquals(std::string_view key, std::string_view value) override {
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, RunScript(delete_if_equals_, key, {value}));
    if (reply->type != REDIS_REPLY_INTEGER) return UnexpectedReply("DeleteIfEquals", *reply);
    return reply->integer > 0;
  }

  Result<bool> CompareAndSet(std::string_view key, std::string_view expected,
                             std::string_view value, std::chrono::milliseconds ttl) override {
    MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
    const std::string ms = std::to_string(ttl.count());
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply,
                             RunScript(compare_and_set_, key, {expected, value, ms}));
    if (reply->type != REDIS_REPLY_INTEGER) return UnexpectedReply("CompareAndSet", *reply);
    return reply->integer > 0;
  }

  Result<int64_t> Increment(std::string_view key, int64_t delta,
                            std::chrono::milliseconds ttl) override {
    MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
    const std::string delta_text = std::to_string(delta);
    const std::string ms = std::to_string(ttl.count());
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, RunScript(increment_, key, {delta_text, ms}));
    std::optional<int64_t> value = IntegerText(*reply);
    if (!value) return UnexpectedReply("Increment", *reply);
    return *value;
  }

  Result<std::optional<int64_t>> DecrementIfPositive(std::string_view key) override {
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, RunScript(decrement_if_positive_, key, {}));
    if (reply->type == REDIS_REPLY_NIL) return std::optional<int64_t>();
    std::optional<int64_t> value = IntegerText(*reply);
    if (!value) return UnexpectedReply("DecrementIfPositive", *reply);
    return value;
  }

  Status Ping() override {
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, Run({"PING"}));
    if (reply->type != REDIS_REPLY_STATUS) return UnexpectedReply("PING", *reply);
    return Status::Ok();
  }

 private:
  // Runs one command on a pooled connection.
  Result<ReplyPtr> Run(std::initializer_list<std::string_view> args) {
    MILEAGE_ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_.Acquire());
    return lease.Command(args);
  }

  // Runs a script on `key` by its SHA1; when the server no longer has it cached (NOSCRIPT,
  // e.g. after a restart or SCRIPT FLUSH) sends the body with EVAL, which caches it again.
  Result<ReplyPtr> RunScript(const Script& script, std::string_view key,
                             std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> argv = {"EVALSHA", script.sha, "1", key};
    argv.insert(argv.end(), args.begin(), args.end());
    MILEAGE_ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(ReplyPtr reply, lease.Command(argv));
    if (!IsError(*reply, "NOSCRIPT")) return reply;
    argv[0] = "EVAL";
    argv[1] = script.body;
    return lease.Command(argv);
  }

  // The integer a script returned as text, or nullopt when the reply is something else.
  static std::optional<int64_t> IntegerText(const redisReply& reply) {
    if (reply.type != REDIS_REPLY_STRING) return std::nullopt;
    return ParseKvInteger(std::string_view(reply.str, reply.len));
  }

  // The Status for a reply an operation did not expect: FailedPrecondition for a value that is
  // not an integer (or not a string), InvalidArgument for an expiry Redis refuses, Unavailable
  // for anything else.
  Status UnexpectedReply(std::string_view operation, const redisReply& reply) const {
    if (reply.type == REDIS_REPLY_ERROR) {
      std::string_view text(reply.str, reply.len);
      if (StartsWith(text, "NOTINT ")) {
        return FailedPreconditionError("kv: " + std::string(text.substr(7)));
      }
      if (StartsWith(text, "WRONGTYPE")) {
        return FailedPreconditionError("kv: the key holds a value that is not a string");
      }
      if (text.find("invalid expire time") != std::string_view::npos) {
        return InvalidArgumentError("kv: ttl out of range");
      }
      return UnavailableError("Redis at " + pool_.address() + " answered " +
                              std::string(operation) + " with an error: " + std::string(text));
    }
    return UnavailableError("Redis at " + pool_.address() + " answered " + std::string(operation) +
                            " with an unexpected reply of type " + std::to_string(reply.type));
  }

  RedisPool pool_;
  // Set by LoadScripts before the Kv is shared; read-only afterwards.
  Script delete_if_equals_{kDeleteIfEqualsScript, {}};
  Script compare_and_set_{kCompareAndSetScript, {}};
  Script increment_{kIncrementScript, {}};
  Script decrement_if_positive_{kDecrementIfPositiveScript, {}};
};

}  // namespace

RedisOptions RedisOptionsFromUrl(const KvUrl& url) {
  RedisOptions options;
  options.host = url.host;
  options.port = url.port;
  options.db = url.db;
  options.username = url.username;
  options.password = url.password;
  return options;
}

Result<std::unique_ptr<Kv>> OpenRedisKv(const RedisOptions& options) {
  MILEAGE_RETURN_IF_ERROR(ValidateOptions(options));
  IgnoreSigpipeOnce();
  auto kv = std::make_unique<RedisKv>(options);
  MILEAGE_RETURN_IF_ERROR(kv->LoadScripts());
  return std::unique_ptr<Kv>(std::move(kv));
}

}  // namespace mileage::kv
