#include "server/cache_sync.h"

#include <charconv>
#include <string>
#include <system_error>

#include "common/log.h"

namespace mileage::server {

void CacheSync::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      Poll();
      lock.lock();
      wake_.wait_for(lock, poll_, [this] { return stopping_; });
    }
  });
}

void CacheSync::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CacheSync::Bump() {
  Result<int64_t> bumped = kv_.Increment(kCacheEpochKey, 1);
  if (!bumped.ok()) {
    MILEAGE_LOG(kWarn) << "cache sync: telling the other nodes of a change failed (they see it "
                          "when their caches expire): "
                       << bumped.status().ToString();
  }
}

void CacheSync::MerchantChanged(std::string_view) { Bump(); }

void CacheSync::Poll() {
  Result<std::optional<std::string>> read = kv_.Get(kCacheEpochKey);
  if (!read.ok()) return;  // the health check reports the Kv; the caches' TTLs still apply
  // An absent key (a fresh or flushed Kv) reads as 0; a change that lost its key is still a
  // change, since any value other than the last one seen counts.
  int64_t epoch = 0;
  if (read->has_value()) {
    const std::string& text = **read;
    if (std::from_chars(text.data(), text.data() + text.size(), epoch).ec != std::errc()) {
      epoch = -1;
    }
  }
  const bool moved = seen_.has_value() && *seen_ != epoch;
  seen_ = epoch;
  if (!moved) return;
  for (const std::function<void()>& drop : drops_) drop();
}

}  // namespace mileage::server
