#pragma once

#include <memory>

#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "db/db.h"
#include "kv/kv.h"
#include "server/health.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"

namespace mileage::server {

// The composition root: owns the clock, randomness, database, Kv, metrics and HTTP server of
// one `mileage serve` process and wires the routes. Create, Bind, Serve on one thread; Stop
// from any thread. Destruction closes the pools.
class App {
 public:
  // Opens the database (reachable, migrations applied) and the Kv, then registers routes.
  // Nothing listens yet. Errors: Unavailable when the database or Kv cannot be reached;
  // FailedPrecondition when a recorded migration changed; InvalidArgument for a bad URL.
  static Result<std::unique_ptr<App>> Create(const Config& config);
  ~App();

  // Binds config.listen; returns the bound port. Unavailable when the address is taken.
  Result<int> Bind();
  // Serves until Stop(); in-flight requests finish, then the pools close.
  void Serve();
  void Stop();

  db::Db& db() { return *db_; }
  kv::Kv& kv() { return *kv_; }
  HttpServer& http() { return *http_; }

 private:
  explicit App(const Config& config) : config_(config) {}
  void RegisterRoutes();

  Config config_;
  SystemClock clock_;
  OsRandom random_;
  std::unique_ptr<db::Db> db_;
  std::unique_ptr<kv::Kv> kv_;
  Metrics metrics_;
  std::unique_ptr<HealthChecker> health_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace mileage::server
