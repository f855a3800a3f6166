#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace mileage::kv {

// Where the Kv lives, parsed from the `kv` config value. A value type.
struct KvUrl {
  enum class Kind { kMemory, kRedis };

  Kind kind = Kind::kMemory;
  // The fields below are meaningful for kRedis only.
  std::string host;
  int port = 6379;
  int db = 0;
  // Redis 6 ACL user; empty for the default user.
  std::string username;
  // Empty when the URL has none (no AUTH). Never log it: use ToString().
  std::string password;

  // The URL with the password masked ("redis://:***@host:6379/0"), for logs.
  std::string ToString() const;
};

// Parses "memory" or "redis://[[username]:password@]host[:port][/db]", e.g.
// "redis://127.0.0.1:6379/0", "redis://:s3cret@cache.internal/2", "redis://[::1]:6380".
// The port defaults to 6379 and the db to 0; '%XX' escapes are decoded in the username and
// password. InvalidArgument naming what is wrong (never echoing the password) when the scheme
// is not redis:// (rediss:// TLS is not supported), the host is empty, the port is not in
// 1..65535, the db is not a non-negative integer, an escape is malformed, or the URL carries a
// query or fragment.
Result<KvUrl> ParseKvUrl(std::string_view text);

}  // namespace mileage::kv
