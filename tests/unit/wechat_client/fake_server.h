#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "common/status.h"

namespace mileage::testing {

// A tiny WeChat stand-in for one test: an httplib::Server on a free loopback port whose routes
// the test registers, counting requests per path. Stops and joins on destruction.
class FakeServer {
 public:
  explicit FakeServer(const std::function<void(httplib::Server&)>& routes) {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard lock(mutex_);
      ++hits_[req.path];
      return httplib::Server::HandlerResponse::Unhandled;
    });
    routes(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeServer() {
    server_.stop();
    thread_.join();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Requests received on `path` so far (counted before the handler runs).
  int hits(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto it = hits_.find(path);
    return it == hits_.end() ? 0 : it->second;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, int> hits_;
};

// The value of a Result, or T{} after recording a failure that shows the Status.
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.status().ToString();
    return T{};
  }
  return std::move(result).value();
}

}  // namespace mileage::testing

#define EXPECT_OK(expr)                                              \
  do {                                                               \
    const ::mileage::Status mileage_status_ = (expr);                \
    EXPECT_TRUE(mileage_status_.ok()) << mileage_status_.ToString(); \
  } while (false)

#define EXPECT_STATUS(expr, status_code, status_reason)                               \
  do {                                                                                \
    const ::mileage::Status mileage_status_ = (expr);                                 \
    EXPECT_EQ(mileage_status_.code(), ::mileage::StatusCode::status_code)             \
        << mileage_status_.ToString();                                                \
    EXPECT_EQ(mileage_status_.reason(), status_reason) << mileage_status_.ToString(); \
  } while (false)
