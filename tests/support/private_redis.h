#pragma once

#include <sys/types.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "kv/redis/redis_pool.h"
#include "tests/support/free_port.h"

namespace mileage::testing {

// A redis-server process of a test's own, bound to 127.0.0.1 on a free port with no
// persistence, in a temporary directory, so the test can stop and restart it. The first Start
// picks the port; later Starts reuse it. The destructor stops the server and removes the
// directory. Not safe for concurrent use.
class PrivateRedis {
 public:
  // redis-server found on PATH (as `command -v redis-server` would), or "" when missing.
  static std::string FindBinary();

  // With a non-empty `password` the server requires it (--requirepass).
  explicit PrivateRedis(std::string password = {});
  ~PrivateRedis();
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  // Starts the server and waits (up to 20 s) until it answers PING. Returns "" on success,
  // else what went wrong (including the tail of its log).
  std::string Start();
  // SHUTDOWN NOSAVE, then SIGKILL if it has not exited within 10 s; waits for the exit.
  void Stop();
  // SIGSTOP / SIGCONT: a server that accepts connections but never answers.
  void Pause();
  void Resume();

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

 private:
  std::string LogTail() const;

  std::string password_;
  std::string binary_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Runs one command on a fresh connection to 127.0.0.1:port (with AUTH when `password` is set);
// nullptr when the server cannot be reached.
kv::ReplyPtr AdminCommand(int port, std::initializer_list<std::string_view> args,
                          std::string_view password = {});

}  // namespace mileage::testing
