#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "kv/kv.h"
#include "org/merchant_changes.h"

namespace mileage::server {

// Carries "a cached thing changed" from the node that made the change to every node on the
// same Kv, so that in-process caches (merchant keys, merchant pay clients, partner credentials)
// converge within one poll interval instead of their TTL. A committed change on this node
// (as an org::MerchantChangeListener, or through Bump()) adds one to the Kv integer
// kCacheEpochKey (one round trip, changes are rare); a thread reads that integer every `poll`
// (one round trip per interval per node, none per request) and, when it moved since its last
// read, runs every `drop` (each empties one cache; the next use reloads from the database).
// Without a reachable Kv a node falls back on its caches' own TTLs. Owned by the App; Start
// once, Stop (or the destructor) ends the thread. Bump and MerchantChanged are safe from any
// thread.
class CacheSync : public org::MerchantChangeListener {
 public:
  static constexpr std::string_view kCacheEpochKey = "cache:epoch";
  static constexpr std::chrono::milliseconds kDefaultPoll{1000};

  CacheSync(kv::Kv& kv, std::chrono::milliseconds poll, std::vector<std::function<void()>> drops)
      : kv_(kv), poll_(poll), drops_(std::move(drops)) {}
  ~CacheSync() override { Stop(); }
  CacheSync(const CacheSync&) = delete;
  CacheSync& operator=(const CacheSync&) = delete;

  void Start();
  void Stop();

  // Tells every node (this one included, at its next poll) that a cached thing changed. A Kv
  // error is logged: the other nodes then see the change when their caches expire.
  void Bump();
  void MerchantChanged(std::string_view mchid) override;

 private:
  // Reads the epoch; runs the drops when it moved since the last read.
  void Poll();

  kv::Kv& kv_;
  const std::chrono::milliseconds poll_;
  const std::vector<std::function<void()>> drops_;
  std::optional<int64_t> seen_;  // the poll thread's
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mileage::server
