#include "kv/memory/memory_kv.h"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "kv/kv_integer.h"

namespace mileage::kv {
namespace {

constexpr TimePoint kNever = TimePoint::max();

// Expiry instants in order, each pointing at the key it expires (the key string lives in the
// node of the shard's map, whose address is stable until the entry is erased).
using ExpiryIndex = std::multimap<TimePoint, const std::string*>;

struct Entry {
  std::string value;
  TimePoint expires_at = kNever;
  // Valid while expires_at != kNever.
  ExpiryIndex::iterator expiry;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using EntryMap = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;

bool Expired(const Entry& entry, TimePoint now) { return now >= entry.expires_at; }

Status CheckTtl(std::chrono::milliseconds ttl) {
  if (ttl.count() < 0) return InvalidArgumentError("kv: ttl must not be negative");
  return Status::Ok();
}

// now + ttl, saturating at kNever; kNever for a ttl of zero.
TimePoint Deadline(TimePoint now, std::chrono::milliseconds ttl) {
  if (ttl.count() == 0) return kNever;
  auto room = std::chrono::duration_cast<std::chrono::milliseconds>(kNever - now);
  if (ttl >= room) return kNever;
  return now + ttl;
}

}  // namespace

// One independent part of the store. Every member is guarded by `mutex`.
struct alignas(64) MemoryKv::Shard {
  mutable std::mutex mutex;
  EntryMap entries;
  ExpiryIndex expiries;
  uint64_t operations = 0;

  // The entry at key when it is live; an expired one is reclaimed and end() returned.
  EntryMap::iterator FindLive(std::string_view key, TimePoint now) {
    auto it = entries.find(key);
    if (it != entries.end() && Expired(it->second, now)) {
      Erase(it);
      return entries.end();
    }
    return it;
  }

  void Erase(EntryMap::iterator it) {
    if (it->second.expires_at != kNever) expiries.erase(it->second.expiry);
    entries.erase(it);
  }

  void SetExpiry(EntryMap::iterator it, TimePoint expires_at) {
    Entry& entry = it->second;
    if (entry.expires_at != kNever) expiries.erase(entry.expiry);
    entry.expires_at = expires_at;
    if (expires_at != kNever) entry.expiry = expiries.emplace(expires_at, &it->first);
  }

  void Upsert(std::string_view key, std::string_view value, TimePoint expires_at) {
    auto it = entries.find(key);
    if (it == entries.end()) it = entries.emplace(std::string(key), Entry{}).first;
    it->second.value.assign(value);
    SetExpiry(it, expires_at);
  }

  // Counts one operation; every `interval`-th reclaims up to `batch` expired entries, oldest
  // expiry first, so the work per operation stays bounded.
  void CountOperation(TimePoint now, int interval, int batch) {
    if (++operations % static_cast<uint64_t>(interval) != 0) return;
    for (int i = 0; i < batch && !expiries.empty(); ++i) {
      auto first = expiries.begin();
      if (first->first > now) break;
      Erase(entries.find(*first->second));
    }
  }
};

MemoryKv::MemoryKv(const Clock& clock, MemoryKvOptions options)
    : clock_(clock),
      options_{std::max(options.shards, 1), std::max(options.sweep_interval, 1),
               std::max(options.sweep_batch, 1)},
      shards_(std::make_unique<Shard[]>(static_cast<size_t>(options_.shards))) {}

MemoryKv::~MemoryKv() = default;

template <typename Op>
auto MemoryKv::Locked(std::string_view key, Op&& op) {
  const TimePoint now = clock_.Now();
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  shard.CountOperation(now, options_.sweep_interval, options_.sweep_batch);
  return op(shard, now);
}

MemoryKv::Shard& MemoryKv::ShardFor(std::string_view key) {
  // Mix the hash so that the shard does not correlate with the bucket inside the shard's map.
  uint64_t h = std::hash<std::string_view>{}(key);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return shards_[h % static_cast<uint64_t>(options_.shards)];
}

Result<std::optional<std::string>> MemoryKv::Get(std::string_view key) {
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<std::optional<std::string>> {
    auto it = shard.FindLive(key, now);
    if (it == shard.entries.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second.value);
  });
}

Status MemoryKv::Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
  MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
  return Locked(key, [&](Shard& shard, TimePoint now) -> Status {
    shard.Upsert(key, value, Deadline(now, ttl));
    return Status::Ok();
  });
}

Result<bool> MemoryKv::Delete(std::string_view key) {
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<bool> {
    auto it = shard.FindLive(key, now);
    if (it == shard.entries.end()) return false;
    shard.Erase(it);
    return true;
  });
}

Result<bool> MemoryKv::SetIfAbsent(std::string_view key, std::string_view value,
                                   std::chrono::milliseconds ttl) {
  MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<bool> {
    if (shard.FindLive(key, now) != shard.entries.end()) return false;
    shard.Upsert(key, value, Deadline(now, ttl));
    return true;
  });
}

Result<bool> MemoryKv::DeleteIfEquals(std::string_view key, std::string_view value) {
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<bool> {
    auto it = shard.FindLive(key, now);
    if (it == shard.entries.end() || it->second.value != value) return false;
    shard.Erase(it);
    return true;
  });
}

Result<bool> MemoryKv::CompareAndSet(std::string_view key, std::string_view expected,
                                     std::string_view value, std::chrono::milliseconds ttl) {
  MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<bool> {
    auto it = shard.FindLive(key, now);
    if (it == shard.entries.end() || it->second.value != expected) return false;
    it->second.value.assign(value);
    shard.SetExpiry(it, Deadline(now, ttl));
    return true;
  });
}

Result<int64_t> MemoryKv::Increment(std::string_view key, int64_t delta,
                                    std::chrono::milliseconds ttl) {
  MILEAGE_RETURN_IF_ERROR(CheckTtl(ttl));
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<int64_t> {
    auto it = shard.FindLive(key, now);
    if (it == shard.entries.end()) {
      shard.Upsert(key, std::to_string(delta), Deadline(now, ttl));
      return delta;
    }
    std::optional<int64_t> current = ParseKvInteger(it->second.value);
    if (!current) return FailedPreconditionError("kv: the value is not an integer");
    int64_t sum = 0;
    if (__builtin_add_overflow(*current, delta, &sum)) {
      return FailedPreconditionError("kv: increment would overflow int64");
    }
    it->second.value = std::to_string(sum);
    return sum;
  });
}

Result<std::optional<int64_t>> MemoryKv::DecrementIfPositive(std::string_view key) {
  return Locked(key, [&](Shard& shard, TimePoint now) -> Result<std::optional<int64_t>> {
    auto it = shard.FindLive(key, now);
    if (it == shard.entries.end()) return std::optional<int64_t>();
    std::optional<int64_t> current = ParseKvInteger(it->second.value);
    if (!current) return FailedPreconditionError("kv: the value is not an integer");
    if (*current <= 0) return std::optional<int64_t>();
    it->second.value = std::to_string(*current - 1);
    return std::optional<int64_t>(*current - 1);
  });
}

Status MemoryKv::Ping() { return Status::Ok(); }

size_t MemoryKv::EntryCount() const {
  size_t count = 0;
  for (int i = 0; i < options_.shards; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    count += shards_[i].entries.size();
  }
  return count;
}

}  // namespace mileage::kv
