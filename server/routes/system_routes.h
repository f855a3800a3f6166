#pragma once

#include "server/health.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"

namespace mileage::server {

// GET /healthz, GET /metrics and GET /ping (the trivial route scripts/bench measures).
void RegisterSystemRoutes(HttpServer& http, const HealthChecker& health, const Metrics& metrics);

}  // namespace mileage::server
