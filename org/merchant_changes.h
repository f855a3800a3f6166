#pragma once

#include <algorithm>
#include <mutex>
#include <string_view>
#include <vector>

namespace mileage::org {

// Told after a committed change that alters how a merchant's notifications are verified or
// accepted: its platform keys, its active flag, or its brand's apps. Implemented by the
// payment path's key cache (payments::MerchantKeyCache), which lives above org.
class MerchantChangeListener {
 public:
  virtual ~MerchantChangeListener() = default;
  // `mchid` changed; empty when any merchant may have (a brand's apps changed).
  virtual void MerchantChanged(std::string_view mchid) = 0;
};

// The listeners of one process's merchant changes. Changes made by another process (the
// operator CLI, another instance) are not seen here: listeners must also expire what they
// cache. Owned by MerchantService; safe for concurrent use.
class MerchantChanges {
 public:
  void Subscribe(MerchantChangeListener* listener) {
    std::lock_guard<std::mutex> lock(mu_);
    listeners_.push_back(listener);
  }
  void Unsubscribe(MerchantChangeListener* listener) {
    std::lock_guard<std::mutex> lock(mu_);
    listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), listener), listeners_.end());
  }
  void Notify(std::string_view mchid) {
    std::lock_guard<std::mutex> lock(mu_);
    for (MerchantChangeListener* listener : listeners_) listener->MerchantChanged(mchid);
  }

 private:
  std::mutex mu_;
  std::vector<MerchantChangeListener*> listeners_;
};

}  // namespace mileage::org
