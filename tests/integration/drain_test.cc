// Draining (what SIGTERM does, App::DrainAndStop): GET /healthz answers 503 DRAINING at once,
// every other route is still served for drain_s, then the server stops accepting, finishes
// the requests in flight and Serve() returns.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "tests/support/test_server.h"

namespace mileage {
namespace {

using testing::EmbeddedConfig;
using testing::TempDir;
using testing::TestServer;

// Whether `condition` held within 30 s (checked every 10 ms).
bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// A gate a test route waits at: the test knows when a request is inside and lets it go.
class Gate {
 public:
  void Arrive() {
    std::unique_lock lock(mu_);
    inside_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  bool WaitInside() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [this] { return inside_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool inside_ = false;
  bool open_ = false;
};

TEST(DrainTest, HealthzSaysDrainingAtOnceWhileTheOtherRoutesAreServed) {
  TempDir dir;
  Config config = EmbeddedConfig(dir);
  config.drain_s = 600;  // the test ends the drain with Stop()
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  auto client = server->Client();
  auto healthy = client->Get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);

  std::thread drain([&] { server->app().DrainAndStop(); });
  ASSERT_TRUE(Eventually([&] {
    auto res = server->Client()->Get("/healthz");
    return res && res->status == 503;
  }));
  auto draining = client->Get("/healthz");
  ASSERT_TRUE(draining);
  EXPECT_EQ(draining->status, 503);
  rapidjson::Document body;
  body.Parse(draining->body.c_str());
  ASSERT_TRUE(body.IsObject()) << draining->body;
  EXPECT_EQ(std::string(body["code"].GetString()), "DRAINING");
  EXPECT_EQ(std::string(body["status"].GetString()), "draining");
  // Everything else is still answered, on new connections and on kept-alive ones.
  for (int i = 0; i < 5; ++i) {
    auto ping = server->Client()->Get("/ping");
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->status, 200);
    auto again = client->Get("/ping");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, "{\"pong\":true}");
  }
  server->app().Stop();  // ends the drain's wait
  drain.join();
  server->Stop();
  EXPECT_FALSE(server->Client()->Get("/ping")) << "still accepting after the drain";
}

TEST(DrainTest, AfterTheDrainInFlightRequestsFinishAndNewConnectionsAreRefused) {
  TempDir dir;
  Config config = EmbeddedConfig(dir);
  config.drain_s = 0;
  Gate gate;
  auto server = TestServer::Start(config, [&gate](server::App& app) {
    app.http().Route("GET", "/test/slow", [&gate](const httplib::Request&, httplib::Response& res) {
      gate.Arrive();
      res.set_content("done", "text/plain");
    });
  });
  ASSERT_NE(server, nullptr);
  int slow_status = 0;
  std::string slow_body;
  std::thread in_flight([&] {
    httplib::Result slow = server->Client()->Get("/test/slow");
    if (slow) {
      slow_status = slow->status;
      slow_body = slow->body;
    }
  });
  ASSERT_TRUE(gate.WaitInside());

  std::thread drain([&] { server->app().DrainAndStop(); });
  EXPECT_TRUE(Eventually([&] { return !server->Client()->Get("/ping"); }))
      << "new connections still accepted after a drain of 0 s";
  gate.Open();
  in_flight.join();
  drain.join();
  EXPECT_EQ(slow_status, 200) << "the request in flight was cut off";
  EXPECT_EQ(slow_body, "done");
  server->Stop();  // Serve() has returned: this joins its thread
}

}  // namespace
}  // namespace mileage
