#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"
#include "kv/kv.h"
#include "kv/kv_url.h"

namespace mileage::kv {

// How to reach Redis and how many connections to keep. A value type.
struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  // Redis 6 ACL user; empty for the default user. Used only with a password.
  std::string username;
  // Sent with AUTH on every new connection when not empty. Never logged.
  std::string password;
  // Connections kept open at most; callers beyond it wait for a free one.
  int pool_size = 8;
  std::chrono::milliseconds connect_timeout{2000};
  // Bounds each command's send and receive.
  std::chrono::milliseconds command_timeout{2000};
  // CLIENT SETNAME of every connection (shown by CLIENT LIST); empty to skip.
  std::string client_name = "mileage";
};

// The server, db and credentials of a parsed "redis://" URL; the other fields keep their
// defaults.
RedisOptions RedisOptionsFromUrl(const KvUrl& url);

// A Kv on Redis through a bounded pool of hiredis connections. It connects immediately (and
// loads its Lua scripts), so a Redis that cannot be reached fails start-up. Later I/O errors
// return Unavailable and drop the connection; the next call reconnects, so calls work again
// once the server is back (a restart is survived, including its empty script cache).
//
// Errors: InvalidArgument when an option is out of range (empty host, port not in 1..65535,
// negative db, pool_size < 1, a timeout <= 0, a client_name with spaces); Unavailable, naming
// host:port but never the password, when Redis cannot be reached or rejects AUTH, SELECT or
// SCRIPT LOAD.
//
// The first call also ignores SIGPIPE process-wide if it still has its default action, so that
// writing to a connection the server has closed fails with EPIPE instead of killing the process.
Result<std::unique_ptr<Kv>> OpenRedisKv(const RedisOptions& options);

}  // namespace mileage::kv
