#include "server/health.h"

namespace mileage::server {

HealthReport HealthChecker::Check() const {
  HealthReport report;
  report.database = [this]() -> Status {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    // A read of a real table, not Ping's SELECT 1: a MariaDB Galera node cut off from its
    // cluster's majority still answers SELECT 1 but refuses every table (error 1047), and such
    // a process must report down so that a load balancer stops sending it requests.
    return conn->Query("SELECT MAX(version) FROM schema_migrations").status();
  }();
  report.kv = kv_.Ping();
  return report;
}

}  // namespace mileage::server
