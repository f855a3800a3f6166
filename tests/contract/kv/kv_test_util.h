#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"
#include "kv/kv.h"

namespace mileage::testing {

// The value of a Result, or T{} after recording a test failure that shows the Status.
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.status().ToString();
    return T{};
  }
  return std::move(result).value();
}

#define EXPECT_OK(expr)                                              \
  do {                                                               \
    const ::mileage::Status mileage_status_ = (expr);                \
    EXPECT_TRUE(mileage_status_.ok()) << mileage_status_.ToString(); \
  } while (false)

// A key prefix no other test or process uses: "mileage-test:<pid>:<n>:<test name>:".
inline std::string UniqueKeyPrefix() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr ? info->name() : "none";
  return "mileage-test:" + std::to_string(getpid()) + ":" + std::to_string(counter++) + ":" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ":" + name +
         ":";
}

// Polls `condition` every 10 ms; false when it is still false after 5 s. For waiting out real
// TTLs without asserting how long they take.
template <typename Condition>
bool Eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// True once `key` reads as absent (an error reads as not yet).
inline bool EventuallyAbsent(kv::Kv& kv, const std::string& key) {
  return Eventually([&] {
    Result<std::optional<std::string>> value = kv.Get(key);
    return value.ok() && !value->has_value();
  });
}

}  // namespace mileage::testing
