#include "server/sandbox_host.h"

#include <cctype>

namespace mileage::server {
namespace {

wechat::sandbox::SandboxRequest ToSandboxRequest(const httplib::Request& req) {
  wechat::sandbox::SandboxRequest out;
  out.method = req.method;
  out.target = req.target;
  out.path = req.path;
  for (size_t i = 1; i < req.matches.size(); ++i) out.path_params.push_back(req.matches[i].str());
  for (const auto& [name, value] : req.params) out.query.emplace(name, value);
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(std::move(lower), value);
  }
  out.body = req.body;
  return out;
}

}  // namespace

Result<std::unique_ptr<SandboxHost>> SandboxHost::Create(wechat::sandbox::SandboxConfig config,
                                                         const Clock* clock, RandomSource* random) {
  std::unique_ptr<SandboxHost> host(new SandboxHost());
  host->http_config_.listen = config.listen;
  host->http_config_.http_threads = config.http_threads;
  host->http_config_.keep_alive_timeout_s = 5;
  const Clock& used_clock = clock != nullptr ? *clock : host->system_clock_;
  RandomSource& used_random = random != nullptr ? *random : host->os_random_;
  MILEAGE_ASSIGN_OR_RETURN(
      host->sandbox_, wechat::sandbox::Sandbox::Create(std::move(config), used_clock, used_random));
  host->http_ = std::make_unique<HttpServer>(host->http_config_, host->metrics_);
  host->http_->Route("GET", "/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  for (wechat::sandbox::SandboxRoute& route : host->sandbox_->Routes()) {
    host->http_->Route(
        route.method, route.path_template,
        [handler = std::move(route.handler)](const httplib::Request& req, httplib::Response& res) {
          wechat::sandbox::SandboxResponse out = handler(ToSandboxRequest(req));
          res.status = out.status;
          for (const auto& [name, value] : out.headers) res.set_header(name, value);
          if (out.status != 204) res.set_content(out.body, out.content_type);
        });
  }
  return host;
}

SandboxHost::~SandboxHost() {
  if (sandbox_) sandbox_->Stop();
}

Result<int> SandboxHost::Bind() { return http_->Bind(http_config_.listen); }

void SandboxHost::Serve() { http_->Serve(); }

void SandboxHost::Stop() {
  http_->Stop();
  sandbox_->Stop();
}

}  // namespace mileage::server
