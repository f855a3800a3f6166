#include "server/sandbox_command.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <thread>

#include "common/log.h"
#include "server/http/json.h"
#include "server/sandbox_host.h"
#include "server/stop_signals.h"
#include "wechat/sandbox/sandbox_config.h"
#include "wechat/sandbox/sandbox_state.h"

namespace mileage::server {

const char* const kSandboxUsage =
    R"(Usage: mileage sandbox [serve] [--config FILE] [--listen HOST:PORT] [--state-dir DIR]
       mileage sandbox export --mchid M [--config FILE | --state-dir DIR] [--out DIR]
       mileage sandbox pay --amount FEN (--openid-code CODE | --openid OPENID)
                           [--sandbox URL] [--mchid M] [--notify-url URL]
                           [--description TEXT] [--out-trade-no NO] [--wait-seconds N]
       mileage sandbox refund --out-trade-no NO [--amount FEN] [--sandbox URL] [--mchid M]
                              [--notify-url URL]

The WeChat sandbox: a stand-in for api.weixin.qq.com and api.mch.weixin.qq.com (README.md,
"WeChat sandbox"; routes in docs/API.md).
  serve    Serve until SIGTERM/SIGINT (default 127.0.0.1:9090, state in var/sandbox, one
           merchant 1900000001 / appid wx8888888888888888, secret sandbox-secret).
  export   Print what a merchant integration needs as JSON (APIv3 key, platform certificate
           and serial, WeChat Pay public key and id, merchant key); with --out DIR also write
           them as files and print the matching `mileage admin add-merchant` options.
  pay      Pay a new order at a running sandbox (default http://127.0.0.1:9090) and print the
           payment and the first delivery attempt of its TRANSACTION.SUCCESS notification.
  refund   Refund an order (by default in full) and deliver REFUND.SUCCESS.
)";

namespace {

struct SandboxArgs {
  std::string command = "serve";
  std::map<std::string, std::string> options;
};

const std::map<std::string, std::set<std::string>>& CommandOptions() {
  static const auto* kOptions = new std::map<std::string, std::set<std::string>>{
      {"serve", {"config", "listen", "state-dir"}},
      {"export", {"config", "state-dir", "mchid", "out"}},
      {"pay",
       {"sandbox", "mchid", "amount", "openid-code", "openid", "notify-url", "description",
        "out-trade-no", "wait-seconds"}},
      {"refund", {"sandbox", "mchid", "out-trade-no", "amount", "notify-url"}},
  };
  return *kOptions;
}

Result<SandboxArgs> ParseArgs(const std::vector<std::string>& args) {
  SandboxArgs out;
  size_t i = 0;
  if (!args.empty() && !args[0].starts_with("-")) {
    out.command = args[0];
    i = 1;
  }
  auto known = CommandOptions().find(out.command);
  if (known == CommandOptions().end()) {
    return InvalidArgumentError("unknown sandbox command " + out.command);
  }
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) return InvalidArgumentError("unexpected argument " + arg);
    std::string name = arg.substr(2);
    std::string value;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return InvalidArgumentError("--" + name + " needs a value");
    }
    if (known->second.count(name) == 0) {
      return InvalidArgumentError("unknown option --" + name + " for sandbox " + out.command);
    }
    if (!out.options.emplace(name, value).second) {
      return InvalidArgumentError("--" + name + " is given twice");
    }
  }
  return out;
}

std::string Option(const SandboxArgs& args, const std::string& name,
                   const std::string& fallback = {}) {
  auto it = args.options.find(name);
  return it == args.options.end() ? fallback : it->second;
}

Result<wechat::sandbox::SandboxConfig> LoadConfig(const SandboxArgs& args) {
  wechat::sandbox::SandboxConfig config = wechat::sandbox::DefaultSandboxConfig();
  if (std::string path = Option(args, "config"); !path.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(config, wechat::sandbox::LoadSandboxConfig(path));
  }
  if (std::string listen = Option(args, "listen"); !listen.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(config.listen, ParseListenAddress(listen));
  }
  if (std::string dir = Option(args, "state-dir"); !dir.empty()) config.state_dir = dir;
  return config;
}

int Fail(std::ostream& err, const std::string& command, const Status& status) {
  err << "mileage sandbox " << command << ": " << status.message() << '\n';
  return 1;
}

int Serve(const SandboxArgs& args, std::ostream& out, std::ostream& err) {
  StopSignals::Block();

  Result<wechat::sandbox::SandboxConfig> config = LoadConfig(args);
  if (!config.ok()) return Fail(err, "serve", config.status());
  std::string host_name = config->listen.host;
  Result<std::unique_ptr<SandboxHost>> host = SandboxHost::Create(*config);
  if (!host.ok()) return Fail(err, "serve", host.status());
  Result<int> port = (*host)->Bind();
  if (!port.ok()) return Fail(err, "serve", port.status());

  StopSignals stop_signals([&host](int) { (*host)->Stop(); });
  const wechat::sandbox::Sandbox& sandbox = (*host)->sandbox();
  out << "mileage sandbox: listening on http://" << host_name << ':' << *port << '\n';
  out << "mileage sandbox: key mode " << KeyModeName(sandbox.config().key_mode)
      << ", platform certificate " << sandbox.state().platform.certificate_serial << ", "
      << sandbox.state().platform.public_key_id << ", state in " << sandbox.config().state_dir
      << '\n';
  for (const wechat::sandbox::MerchantState& m : sandbox.state().merchants) {
    out << "mileage sandbox: merchant " << m.mchid << " (appid " << m.appid
        << "): mileage sandbox export --state-dir " << sandbox.config().state_dir << " --mchid "
        << m.mchid << '\n';
  }
  out.flush();
  (*host)->Serve();
  (*host)->Stop();
  return 0;
}

Status WriteFile(const std::filesystem::path& path, const std::string& content, bool secret) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file || !(file << content) || !file.flush()) {
    return UnavailableError("cannot write " + path.string());
  }
  if (secret) chmod(path.c_str(), 0600);
  return Status::Ok();
}

int Export(const SandboxArgs& args, std::ostream& out, std::ostream& err) {
  std::string mchid = Option(args, "mchid");
  if (mchid.empty()) {
    err << "mileage sandbox export: --mchid is required\n\n" << kSandboxUsage;
    return 2;
  }
  Result<wechat::sandbox::SandboxConfig> config = LoadConfig(args);
  if (!config.ok()) return Fail(err, "export", config.status());
  Result<wechat::sandbox::SandboxState> state =
      wechat::sandbox::ReadMerchantState(config->state_dir, mchid);
  if (!state.ok()) return Fail(err, "export", state.status());
  const wechat::sandbox::PlatformIdentity& platform = state->platform;
  const wechat::sandbox::MerchantState& merchant = state->merchants.front();
  std::string dir = Option(args, "out");
  if (dir.empty()) {
    out << wechat::sandbox::ExportJson(platform, merchant, state->key_mode) << '\n';
    return 0;
  }
  std::filesystem::path base(dir);
  std::error_code error;
  std::filesystem::create_directories(base, error);
  const std::pair<const char*, const std::string*> files[] = {
      {"apiv3.key", &merchant.apiv3_key},
      {"platform_certificate.pem", &platform.certificate_pem},
      {"wechatpay_public_key.pem", &platform.public_key_pem},
      {"merchant_private_key.pem", &merchant.merchant_private_key_pem},
  };
  for (const auto& [name, content] : files) {
    if (content->empty()) continue;
    bool secret = std::string_view(name) != "platform_certificate.pem" &&
                  std::string_view(name) != "wechatpay_public_key.pem";
    Status written = WriteFile(base / name, *content, secret);
    if (!written.ok()) return Fail(err, "export", written);
  }
  out << "mileage admin add-merchant --store STORE_ID --mchid " << merchant.mchid << " --appid "
      << merchant.appid << " --apiv3-key-file " << (base / "apiv3.key").string()
      << " --platform-key " << platform.certificate_serial << '='
      << (base / "platform_certificate.pem").string() << " --platform-key "
      << platform.public_key_id << '=' << (base / "wechatpay_public_key.pem").string() << '\n';
  return 0;
}

// POSTs JSON to the sandbox; the parsed answer, or the failure.
Result<rapidjson::Document> PostJson(httplib::Client& client, const std::string& path,
                                     const std::string& body) {
  httplib::Result result = client.Post(path, body, "application/json");
  if (!result) {
    return UnavailableError("cannot reach the sandbox: " + httplib::to_string(result.error()));
  }
  Result<rapidjson::Document> doc = ParseJsonObject(result->body);
  if (result->status != 200 || !doc.ok()) {
    return FailedPreconditionError("the sandbox answered HTTP " + std::to_string(result->status) +
                                   ": " + result->body);
  }
  return doc;
}

std::string Pretty(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A JSON object from string/integer options (integers where `integers` says so).
Result<std::string> JsonBody(const SandboxArgs& args,
                             const std::vector<std::pair<std::string, std::string>>& strings,
                             const std::vector<std::pair<std::string, std::string>>& integers) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [option, key] : strings) {
    if (auto it = args.options.find(option); it != args.options.end()) {
      w.Key(key.c_str());
      w.String(it->second.c_str());
    }
  }
  for (const auto& [option, key] : integers) {
    if (auto it = args.options.find(option); it != args.options.end()) {
      char* end = nullptr;
      long long n = std::strtoll(it->second.c_str(), &end, 10);
      if (it->second.empty() || *end != '\0' || n <= 0) {
        return InvalidArgumentError("--" + option + " must be a positive integer");
      }
      w.Key(key.c_str());
      w.Int64(n);
    }
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::unique_ptr<httplib::Client> SandboxClient(const SandboxArgs& args) {
  auto client = std::make_unique<httplib::Client>(Option(args, "sandbox", "http://127.0.0.1:9090"));
  client->set_connection_timeout(std::chrono::seconds(5));
  client->set_read_timeout(std::chrono::seconds(30));
  return client;
}

// "delivered (first attempt: HTTP 204)" from a delivery the sandbox answered, or nullopt until
// it has an attempt (or when the answer has another shape).
std::optional<std::string> FirstAttempt(const std::string& body) {
  Result<rapidjson::Document> doc = ParseJsonObject(body);
  if (!doc.ok()) return std::nullopt;
  auto state = doc->FindMember("state");
  auto attempts = doc->FindMember("attempts");
  if (state == doc->MemberEnd() || !state->value.IsString() || attempts == doc->MemberEnd() ||
      !attempts->value.IsArray() || attempts->value.Empty() || !attempts->value[0].IsObject()) {
    return std::nullopt;
  }
  const rapidjson::Value& first = attempts->value[0];
  std::string line = std::string(state->value.GetString()) + " (first attempt: ";
  auto error = first.FindMember("error");
  auto http_status = first.FindMember("http_status");
  if (error != first.MemberEnd() && error->value.IsString()) {
    line += "no answer, " + std::string(error->value.GetString());
  } else if (http_status != first.MemberEnd() && http_status->value.IsInt()) {
    line += "HTTP " + std::to_string(http_status->value.GetInt());
  } else {
    return std::nullopt;
  }
  return line + ")";
}

// Waits until the delivery has its first attempt and prints it.
void ReportDelivery(httplib::Client& client, int64_t delivery_id, int wait_seconds,
                    std::ostream& out) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Result result = client.Get("/sandbox/deliveries/" + std::to_string(delivery_id));
    if (result && result->status == 200) {
      if (std::optional<std::string> line = FirstAttempt(result->body)) {
        out << "delivery " << delivery_id << ": " << *line << "; details: GET /sandbox/deliveries/"
            << delivery_id << '\n';
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  out << "delivery " << delivery_id << ": no attempt yet; see GET /sandbox/deliveries/"
      << delivery_id << '\n';
}

int Pay(const SandboxArgs& args, std::ostream& out, std::ostream& err) {
  if (Option(args, "amount").empty() ||
      (Option(args, "openid-code").empty() && Option(args, "openid").empty())) {
    err << "mileage sandbox pay: needs --amount and --openid-code or --openid\n\n" << kSandboxUsage;
    return 2;
  }
  Result<std::string> body = JsonBody(args,
                                      {{"mchid", "mchid"},
                                       {"openid-code", "openid_code"},
                                       {"openid", "openid"},
                                       {"notify-url", "notify_url"},
                                       {"description", "description"},
                                       {"out-trade-no", "out_trade_no"}},
                                      {{"amount", "amount"}});
  if (!body.ok()) return Fail(err, "pay", body.status());
  std::unique_ptr<httplib::Client> client = SandboxClient(args);
  Result<rapidjson::Document> paid = PostJson(*client, "/sandbox/payments", *body);
  if (!paid.ok()) return Fail(err, "pay", paid.status());
  out << Pretty(*paid) << '\n';
  int wait = std::atoi(Option(args, "wait-seconds", "10").c_str());
  auto delivery = paid->FindMember("delivery_id");
  if (delivery != paid->MemberEnd() && delivery->value.IsInt64() && wait > 0) {
    ReportDelivery(*client, delivery->value.GetInt64(), wait, out);
  }
  return 0;
}

int Refund(const SandboxArgs& args, std::ostream& out, std::ostream& err) {
  if (Option(args, "out-trade-no").empty()) {
    err << "mileage sandbox refund: needs --out-trade-no\n\n" << kSandboxUsage;
    return 2;
  }
  Result<std::string> body = JsonBody(
      args, {{"mchid", "mchid"}, {"out-trade-no", "out_trade_no"}, {"notify-url", "notify_url"}},
      {{"amount", "amount"}});
  if (!body.ok()) return Fail(err, "refund", body.status());
  std::unique_ptr<httplib::Client> client = SandboxClient(args);
  Result<rapidjson::Document> refunded = PostJson(*client, "/sandbox/refunds", *body);
  if (!refunded.ok()) return Fail(err, "refund", refunded.status());
  out << Pretty(*refunded) << '\n';
  return 0;
}

}  // namespace

int RunSandbox(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    out << kSandboxUsage;
    return 0;
  }
  Result<SandboxArgs> parsed = ParseArgs(args);
  if (!parsed.ok()) {
    err << "mileage sandbox: " << parsed.status().message() << "\n\n" << kSandboxUsage;
    return 2;
  }
  if (parsed->command == "export") return Export(*parsed, out, err);
  if (parsed->command == "pay") return Pay(*parsed, out, err);
  if (parsed->command == "refund") return Refund(*parsed, out, err);
  return Serve(*parsed, out, err);
}

}  // namespace mileage::server
