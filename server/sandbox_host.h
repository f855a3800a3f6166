#pragma once

#include <memory>

#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "common/result.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "wechat/sandbox/sandbox.h"
#include "wechat/sandbox/sandbox_config.h"

namespace mileage::server {

// The WeChat sandbox served over HTTP: a wechat::sandbox::Sandbox whose routes are registered
// on an HttpServer (request ids, metrics, JSON errors for unknown routes), plus GET /healthz.
// Owned by `mileage sandbox` or by a test. Create, Bind, Serve on one thread; Stop from any.
class SandboxHost {
 public:
  // `clock` and `random` (default: the system clock and the OS CSPRNG) must outlive the host.
  // Errors of Sandbox::Create (the state directory).
  static Result<std::unique_ptr<SandboxHost>> Create(wechat::sandbox::SandboxConfig config,
                                                     const Clock* clock = nullptr,
                                                     RandomSource* random = nullptr);
  ~SandboxHost();

  // Binds config.listen; returns the port. Unavailable when it cannot be bound.
  Result<int> Bind();
  // Serves until Stop().
  void Serve();
  // Stops serving and the notification deliveries.
  void Stop();

  wechat::sandbox::Sandbox& sandbox() { return *sandbox_; }

 private:
  SandboxHost() = default;

  SystemClock system_clock_;
  OsRandom os_random_;
  Config http_config_;
  Metrics metrics_;
  std::unique_ptr<wechat::sandbox::Sandbox> sandbox_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace mileage::server
