#include "server/routes/system_routes.h"

#include "common/log.h"
#include "server/http/json.h"

namespace mileage::server {

void RegisterSystemRoutes(HttpServer& http, const HealthChecker& health, const Metrics& metrics) {
  http.Route("GET", "/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"pong\":true}", "application/json");
  });

  http.Route("GET", "/healthz", [&health](const httplib::Request&, httplib::Response& res) {
    // No round trips: a draining node wants out of the balancer, whatever its storage says.
    if (health.draining()) {
      WriteJson(res, 503, [](JsonWriter& w) {
        w.StartObject();
        w.Key("code");
        w.String("DRAINING");
        w.Key("message");
        w.String("draining: this node is shutting down");
        w.Key("status");
        w.String("draining");
        w.EndObject();
      });
      return;
    }
    HealthReport report = health.Check();
    // Clients (and load balancers) learn which check failed; what the driver said goes to the
    // log, under this request's id.
    if (!report.database.ok()) {
      MILEAGE_LOG(kWarn) << "health: database " << report.database.ToString();
    }
    if (!report.kv.ok()) {
      MILEAGE_LOG(kWarn) << "health: kv " << report.kv.ToString();
    }
    const bool healthy = report.healthy();
    WriteJson(res, healthy ? 200 : 503, [&](JsonWriter& w) {
      w.StartObject();
      if (!healthy) {
        std::string down;
        if (!report.database.ok()) down += "database";
        if (!report.kv.ok()) down += down.empty() ? "kv" : " and kv";
        w.Key("code");
        w.String("UNAVAILABLE");
        w.Key("message");
        WriteString(w, down + " unavailable");
      }
      w.Key("status");
      w.String(healthy ? "ok" : "unavailable");
      w.Key("checks");
      w.StartObject();
      w.Key("database");
      w.String(report.database.ok() ? "ok" : "down");
      w.Key("kv");
      w.String(report.kv.ok() ? "ok" : "down");
      w.EndObject();
      w.EndObject();
    });
  });

  http.Route("GET", "/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.RenderPrometheus(), "text/plain; version=0.0.4");
  });
}

}  // namespace mileage::server
