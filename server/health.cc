#include "server/health.h"

namespace mileage::server {
namespace {

std::string Describe(const Status& status) {
  return status.ok() ? "ok" : "down: " + status.message();
}

}  // namespace

HealthReport HealthChecker::Check() const {
  HealthReport report;
  Status db_status = [this]() -> Status {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    return conn->Ping();
  }();
  Status kv_status = kv_.Ping();
  report.database = Describe(db_status);
  report.kv = Describe(kv_status);
  report.healthy = db_status.ok() && kv_status.ok();
  return report;
}

}  // namespace mileage::server
