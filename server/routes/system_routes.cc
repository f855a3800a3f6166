#include "server/routes/system_routes.h"

#include "server/http/json.h"

namespace mileage::server {

void RegisterSystemRoutes(HttpServer& http, const HealthChecker& health, const Metrics& metrics) {
  http.Route("GET", "/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"pong\":true}", "application/json");
  });

  http.Route("GET", "/healthz", [&health](const httplib::Request&, httplib::Response& res) {
    HealthReport report = health.Check();
    WriteJson(res, report.healthy ? 200 : 503, [&](JsonWriter& w) {
      w.StartObject();
      if (!report.healthy) {
        std::string down;
        if (report.database != "ok") down += "database";
        if (report.kv != "ok") down += down.empty() ? "kv" : " and kv";
        w.Key("code");
        w.String("UNAVAILABLE");
        w.Key("message");
        WriteString(w, down + " unavailable");
      }
      w.Key("status");
      w.String(report.healthy ? "ok" : "unavailable");
      w.Key("checks");
      w.StartObject();
      w.Key("database");
      WriteString(w, report.database);
      w.Key("kv");
      WriteString(w, report.kv);
      w.EndObject();
      w.EndObject();
    });
  });

  http.Route("GET", "/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.RenderPrometheus(), "text/plain; version=0.0.4");
  });
}

}  // namespace mileage::server
