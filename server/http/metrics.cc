#include "server/http/metrics.h"

#include <cstdio>
#include <sstream>

namespace mileage::server {
namespace {

// Prometheus label values escape backslash, quote and newline.
std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

Metrics::RouteId Metrics::RegisterRoute(std::string method, std::string route) {
  RouteMetrics& m = routes_.emplace_back();
  m.method = std::move(method);
  m.route = std::move(route);
  return routes_.size() - 1;
}

void Metrics::Record(RouteId route, int http_status, std::chrono::nanoseconds latency) {
  if (route >= routes_.size()) return;
  RouteMetrics& m = routes_[route];
  if (http_status >= kMinStatus && http_status <= kMaxStatus) {
    m.by_status[static_cast<size_t>(http_status - kMinStatus)].fetch_add(1,
                                                                         std::memory_order_relaxed);
  }
  double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  m.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  m.latency_sum_ns.fetch_add(static_cast<uint64_t>(latency.count()), std::memory_order_relaxed);
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void Metrics::AddCounter(std::string name, std::string help, std::function<double()> read) {
  gauges_.push_back({std::move(name), std::move(help), std::move(read), "counter"});
}

std::string Metrics::RenderPrometheus() const {
  std::ostringstream out;
  out << "# HELP mileage_http_requests_total HTTP requests by route and status.\n"
         "# TYPE mileage_http_requests_total counter\n";
  for (const RouteMetrics& m : routes_) {
    for (size_t i = 0; i < m.by_status.size(); ++i) {
      uint64_t n = m.by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out << "mileage_http_requests_total{method=\"" << m.method << "\",route=\""
          << EscapeLabel(m.route) << "\",status=\"" << (kMinStatus + static_cast<int>(i)) << "\"} "
          << n << '\n';
    }
  }
  out << "# HELP mileage_http_request_duration_seconds Time from routing to response.\n"
         "# TYPE mileage_http_request_duration_seconds histogram\n";
  for (const RouteMetrics& m : routes_) {
    std::string labels = "method=\"" + m.method + "\",route=\"" + EscapeLabel(m.route) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b < m.buckets.size(); ++b) {
      cumulative += m.buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kBuckets.size() ? FormatDouble(kBuckets[b]) : "+Inf";
      out << "mileage_http_request_duration_seconds_bucket{" << labels << ",le=\"" << le << "\"} "
          << cumulative << '\n';
    }
    out << "mileage_http_request_duration_seconds_sum{" << labels << "} "
        << FormatDouble(static_cast<double>(m.latency_sum_ns.load(std::memory_order_relaxed)) / 1e9)
        << '\n';
    out << "mileage_http_request_duration_seconds_count{" << labels << "} " << cumulative << '\n';
  }
  out << "# HELP mileage_http_requests_in_flight Requests being served now.\n"
         "# TYPE mileage_http_requests_in_flight gauge\n"
      << "mileage_http_requests_in_flight " << in_flight_.load(std::memory_order_relaxed) << '\n';
  for (const Gauge& g : gauges_) {
    out << "# HELP " << g.name << ' ' << g.help << "\n# TYPE " << g.name << ' ' << g.type << '\n'
        << g.name << ' ' << FormatDouble(g.read()) << '\n';
  }
  return out.str();
}

}  // namespace mileage::server
