#pragma once

#include <atomic>
#include <string>

#include "db/db.h"
#include "kv/kv.h"

namespace mileage::server {

// The outcome of each check: OK, or what went wrong (driver text: for the log, not clients).
struct HealthReport {
  Status database;
  Status kv;
  bool healthy() const { return database.ok() && kv.ok(); }
};

// Answers "can this process serve?": one round trip to the database (a read of the migrations
// table) and one to the Kv, unless the process is draining (after SIGTERM), when the answer is
// "no" at once so that a load balancer takes the node out. Holds references; safe for
// concurrent use (each check uses its own pooled connection).
class HealthChecker {
 public:
  HealthChecker(db::Db& db, kv::Kv& kv) : db_(db), kv_(kv) {}
  HealthReport Check() const;

  // From now on draining() is true (for good: a draining process stops).
  void SetDraining() { draining_.store(true); }
  bool draining() const { return draining_.load(); }

 private:
  db::Db& db_;
  kv::Kv& kv_;
  std::atomic<bool> draining_{false};
};

}  // namespace mileage::server
