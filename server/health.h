#pragma once

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
// table) and one to the Kv.
// Holds references; safe for concurrent use (each check uses its own pooled connection).
class HealthChecker {
 public:
  HealthChecker(db::Db& db, kv::Kv& kv) : db_(db), kv_(kv) {}
  HealthReport Check() const;

 private:
  db::Db& db_;
  kv::Kv& kv_;
};

}  // namespace mileage::server
