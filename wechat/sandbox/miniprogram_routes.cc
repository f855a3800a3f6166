#include <rapidjson/document.h>

#include "crypto/random_string.h"
#include "wechat/client/json_writer.h"
#include "wechat/internal/json_reader.h"
#include "wechat/sandbox/fixtures.h"
#include "wechat/sandbox/sandbox.h"

namespace mileage::wechat::sandbox {
namespace {

using client::JsonWriter;

constexpr int64_t kTokenLifetimeSeconds = 7200;

// A 1x1 transparent PNG: what getwxacodeunlimit answers instead of a real QR code.
constexpr char kPng[] =
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    "\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9c"
    "c\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xae"
    "B`\x82";

SandboxResponse Errcode(int64_t errcode, std::string_view errmsg) {
  JsonWriter w;
  w.BeginObject();
  w.Int("errcode", errcode);
  w.String("errmsg", errmsg);
  w.EndObject();
  return SandboxResponse{200, "application/json", w.Take(), {}};
}

}  // namespace

SandboxResponse Sandbox::Code2Session(const SandboxRequest& request) {
  std::string appid = request.Query("appid");
  std::string code = request.Query("js_code");
  {
    std::lock_guard lock(mutex_);
    auto it = mini_programs_.find(appid);
    if (it == mini_programs_.end()) return Errcode(40013, "invalid appid");
    it->second.stats.code2session_calls += 1;
    if (it->second.secret != request.Query("secret")) return Errcode(40125, "invalid appsecret");
  }
  if (request.Query("grant_type") != "authorization_code") {
    return Errcode(40002, "invalid grant_type");
  }
  if (IsRejectedCode(code)) return Errcode(40029, "invalid code");
  if (IsUsedCode(code)) return Errcode(40163, "code been used");
  if (IsThrottledCode(code)) return Errcode(45011, "api minute-quota reach limit");
  JsonWriter w;
  w.BeginObject();
  w.String("openid", OpenidFor(appid, code));
  w.String("session_key", SessionKeyFor(appid, code));
  w.String("unionid", UnionidFor(code));
  w.EndObject();
  return SandboxResponse{200, "application/json", w.Take(), {}};
}

SandboxResponse Sandbox::StableToken(const SandboxRequest& request) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) return Errcode(47001, "data format error");
  internal::ObjectReader reader(doc);
  std::string grant_type = reader.OptionalString("grant_type");
  std::string appid = reader.OptionalString("appid");
  std::string secret = reader.OptionalString("secret");
  bool force = false;
  if (auto it = doc.FindMember("force_refresh"); it != doc.MemberEnd() && it->value.IsBool()) {
    force = it->value.GetBool();
  }
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(appid);
  if (it == mini_programs_.end()) return Errcode(40013, "invalid appid");
  MiniProgram& program = it->second;
  program.stats.stable_token_calls += 1;
  if (grant_type != "client_credential") return Errcode(40002, "invalid grant_type");
  if (program.secret != secret) return Errcode(40125, "invalid appsecret");
  TimePoint now = clock_.Now();
  if (force || program.token.empty() || program.token_expires_at <= now) {
    program.token = "SBX_" + crypto::RandomAlphanumeric(random_, 60);
    program.token_expires_at = now + std::chrono::seconds(kTokenLifetimeSeconds);
  }
  JsonWriter w;
  w.BeginObject();
  w.String("access_token", program.token);
  w.Int("expires_in",
        std::chrono::duration_cast<std::chrono::seconds>(program.token_expires_at - now).count());
  w.EndObject();
  return SandboxResponse{200, "application/json", w.Take(), {}};
}

std::optional<SandboxResponse> Sandbox::CheckToken(const SandboxRequest& request,
                                                   std::string* appid) {
  std::string token = request.Query("access_token");
  std::lock_guard lock(mutex_);
  for (const auto& [id, program] : mini_programs_) {
    if (token.empty() || program.token != token) continue;
    if (program.token_expires_at <= clock_.Now()) return Errcode(42001, "access_token expired");
    *appid = id;
    return std::nullopt;
  }
  return Errcode(40001, "invalid credential, access_token is invalid or not latest");
}

SandboxResponse Sandbox::PhoneNumber(const SandboxRequest& request) {
  std::string appid;
  if (std::optional<SandboxResponse> refused = CheckToken(request, &appid)) return *refused;
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) return Errcode(47001, "data format error");
  internal::ObjectReader reader(doc);
  std::string code = reader.OptionalString("code");
  {
    std::lock_guard lock(mutex_);
    mini_programs_[appid].stats.phone_number_calls += 1;
  }
  if (IsRejectedCode(code)) return Errcode(40029, "invalid code");
  if (IsThrottledCode(code)) return Errcode(45011, "api minute-quota reach limit");
  std::string phone = PhoneFor(code);
  JsonWriter w;
  w.BeginObject();
  w.Int("errcode", 0);
  w.String("errmsg", "ok");
  w.BeginObject("phone_info");
  w.String("phoneNumber", phone);
  w.String("purePhoneNumber", phone);
  w.Int("countryCode", 86);
  w.BeginObject("watermark");
  w.Int("timestamp", UnixSeconds(clock_.Now()));
  w.String("appid", appid);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return SandboxResponse{200, "application/json", w.Take(), {}};
}

SandboxResponse Sandbox::SubscribeSend(const SandboxRequest& request) {
  std::string appid;
  if (std::optional<SandboxResponse> refused = CheckToken(request, &appid)) return *refused;
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) return Errcode(47001, "data format error");
  internal::ObjectReader reader(doc);
  std::string touser = reader.OptionalString("touser");
  std::string template_id = reader.OptionalString("template_id");
  const rapidjson::Value* data = reader.OptionalObject("data");
  if (!reader.ok() || touser.empty() || template_id.empty() || data == nullptr) {
    return Errcode(47003, "argument invalid! touser, template_id and data are required");
  }
  if (template_id.starts_with("invalid")) return Errcode(40037, "invalid template_id");
  std::lock_guard lock(mutex_);
  MiniProgram& program = mini_programs_[appid];
  if (program.busy_sends > 0) {
    program.busy_sends -= 1;
    return Errcode(-1, "system error");
  }
  // As WeChat: a send needs a one-time grant of the user for the template and takes it.
  auto grant = program.grants.find({touser, template_id});
  if (grant == program.grants.end() || grant->second <= 0) {
    program.stats.refused_messages += 1;
    return Errcode(43101, "user refuse to accept the msg");
  }
  grant->second -= 1;
  program.stats.messages.push_back(request.body);
  return Errcode(0, "ok");
}

SandboxResponse Sandbox::WxaCode(const SandboxRequest& request) {
  std::string appid;
  if (std::optional<SandboxResponse> refused = CheckToken(request, &appid)) return *refused;
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) return Errcode(47001, "data format error");
  internal::ObjectReader reader(doc);
  std::string scene = reader.OptionalString("scene");
  if (!reader.ok() || scene.empty() || scene.size() > 32) {
    return Errcode(40169, "invalid length for scene, or the data is not json string");
  }
  {
    std::lock_guard lock(mutex_);
    mini_programs_[appid].stats.wxacode_calls += 1;
  }
  return SandboxResponse{200, "image/png", std::string(kPng, sizeof kPng - 1), {}};
}

}  // namespace mileage::wechat::sandbox
