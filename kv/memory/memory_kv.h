#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "kv/kv.h"

namespace mileage::kv {

// Tuning of MemoryKv. Values below 1 are treated as 1.
struct MemoryKvOptions {
  // Independent maps, each behind its own mutex; a key's shard is fixed by its hash.
  int shards = 16;
  // Every `sweep_interval`-th operation on a shard also reclaims expired entries of that shard.
  int sweep_interval = 64;
  // At most this many expired entries are reclaimed by one sweep, so no request pays for an
  // unbounded amount of cleanup.
  int sweep_batch = 32;
};

// The in-process Kv of the embedded mode: sharded hash maps, each with one mutex, and an
// expiry index per shard. Expired entries are invisible at once; their memory is reclaimed
// when the key is next touched and by small bounded sweeps piggy-backed on other operations.
// TTLs are measured on the injected clock, which the caller owns and which must outlive this
// object. Safe for concurrent use. Never returns Unavailable.
class MemoryKv final : public Kv {
 public:
  explicit MemoryKv(const Clock& clock, MemoryKvOptions options = {});
  ~MemoryKv() override;
  MemoryKv(const MemoryKv&) = delete;
  MemoryKv& operator=(const MemoryKv&) = delete;

  Result<std::optional<std::string>> Get(std::string_view key) override;
  Status Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override;
  Result<bool> Delete(std::string_view key) override;
  Result<bool> SetIfAbsent(std::string_view key, std::string_view value,
                           std::chrono::milliseconds ttl) override;
  Result<bool> DeleteIfEquals(std::string_view key, std::string_view value) override;
  Result<bool> CompareAndSet(std::string_view key, std::string_view expected,
                             std::string_view value, std::chrono::milliseconds ttl) override;
  Result<int64_t> Increment(std::string_view key, int64_t delta,
                            std::chrono::milliseconds ttl) override;
  Result<std::optional<int64_t>> DecrementIfPositive(std::string_view key) override;
  Status Ping() override;

  // Entries held in memory, including expired ones not reclaimed yet (tests and metrics).
  size_t EntryCount() const;

 private:
  struct Shard;

  Shard& ShardFor(std::string_view key);
  // Runs `op(shard, now)` under the lock of the key's shard, after counting the operation
  // there (which sweeps expired entries now and then).
  template <typename Op>
  auto Locked(std::string_view key, Op&& op);

  const Clock& clock_;
  const MemoryKvOptions options_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace mileage::kv
