#pragma once

#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/config.h"
#include "server/app.h"

namespace mileage::testing {

// A real `mileage` App serving on a free loopback port in this process, for integration tests.
// `customize` may add test routes before the server binds. Stops and joins on destruction.
class TestServer {
 public:
  static std::unique_ptr<TestServer> Start(
      Config config, const std::function<void(server::App&)>& customize = {}) {
    return Start(std::move(config), server::AppOptions(), customize);
  }
  // The same with test replacements (clock, randomness, cheaper scrypt) for the App.
  static std::unique_ptr<TestServer> Start(
      Config config, const server::AppOptions& options,
      const std::function<void(server::App&)>& customize = {}) {
    config.listen = ListenAddress{"127.0.0.1", 0};
    auto app = server::App::Create(config, options);
    if (!app.ok()) return nullptr;
    std::unique_ptr<TestServer> ts(new TestServer());
    ts->app_ = std::move(app).value();
    if (customize) customize(*ts->app_);
    auto port = ts->app_->Bind();
    if (!port.ok()) return nullptr;
    ts->port_ = *port;
    ts->thread_ = std::thread([app = ts->app_.get()] { app->Serve(); });
    return ts;
  }

  ~TestServer() { Stop(); }

  void Stop() {
    if (thread_.joinable()) {
      app_->Stop();
      thread_.join();
    }
  }

  int port() const { return port_; }
  server::App& app() { return *app_; }
  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_read_timeout(30, 0);
    return client;
  }

 private:
  TestServer() = default;
  std::unique_ptr<server::App> app_;
  std::thread thread_;
  int port_ = 0;
};

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mileage-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The embedded configuration on a private SQLite file in `dir`.
inline Config EmbeddedConfig(const TempDir& dir) {
  Config config;
  config.database = "sqlite:" + (dir.path() / "mileage.db").string();
  config.kv = "memory";
  config.http_threads = 16;
  config.log_level = "warn";
  // Tests run the membership jobs themselves; a scheduler on a test's fake clock would race them.
  config.jobs_interval_s = 0;
  // Likewise the outbox relay (tests run relay::OutboxRelay passes themselves), and webhook
  // receivers in tests listen on loopback.
  config.relay_poll_ms = 0;
  config.webhook_allow_private_urls = true;
  return config;
}

}  // namespace mileage::testing
