#include "server/health.h"

namespace mileage::server {

HealthReport HealthChecker::Check() const {
  HealthReport report;
  report.database = [this]() -> Status {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    return conn->Ping();
  }();
  report.kv = kv_.Ping();
  return report;
}

}  // namespace mileage::server
