#include "wechat/sandbox/sandbox_config.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <set>
#include <sstream>

namespace mileage::wechat::sandbox {
namespace {

class ConfigParser {
 public:
  explicit ConfigParser(std::string_view origin) : origin_(origin) {}

  Status Error(const std::string& key, const std::string& what) const {
    return InvalidArgumentError(origin_ + ": sandbox config key \"" + key + "\" " + what,
                                "INVALID_CONFIG");
  }

  Result<std::string> String(const rapidjson::Value& v, const std::string& key) const {
    if (!v.IsString()) return Error(key, "must be a string");
    return std::string(v.GetString(), v.GetStringLength());
  }

  Result<std::string> File(const rapidjson::Value& v, const std::string& key) const {
    MILEAGE_ASSIGN_OR_RETURN(std::string path, String(v, key));
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error(key, "names file " + path + ", which cannot be read");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

  Result<SandboxMerchantConfig> Merchant(const rapidjson::Value& v, const std::string& key) const {
    if (!v.IsObject()) return Error(key, "must be an object");
    SandboxMerchantConfig m;
    for (const auto& member : v.GetObject()) {
      std::string name(member.name.GetString(), member.name.GetStringLength());
      std::string full = key + "." + name;
      if (name == "mchid") {
        MILEAGE_ASSIGN_OR_RETURN(m.mchid, String(member.value, full));
      } else if (name == "appid") {
        MILEAGE_ASSIGN_OR_RETURN(m.appid, String(member.value, full));
      } else if (name == "apiv3_key") {
        MILEAGE_ASSIGN_OR_RETURN(m.apiv3_key, String(member.value, full));
        bool printable = m.apiv3_key.size() == 32;
        for (char c : m.apiv3_key) printable = printable && c > 0x20 && c < 0x7F;
        if (!printable) return Error(full, "must be 32 printable ASCII characters");
      } else if (name == "notify_url") {
        MILEAGE_ASSIGN_OR_RETURN(m.notify_url, String(member.value, full));
      } else if (name == "merchant_key_file") {
        MILEAGE_ASSIGN_OR_RETURN(m.merchant_key_pem, File(member.value, full));
      } else if (name == "merchant_serial") {
        MILEAGE_ASSIGN_OR_RETURN(m.merchant_serial, String(member.value, full));
      } else {
        return Error(full, "is not a known setting");
      }
    }
    if (m.mchid.empty() || m.mchid.size() > 32 ||
        m.mchid.find_first_not_of("0123456789") != std::string::npos) {
      return Error(key + ".mchid", "must be 1-32 digits");
    }
    if (m.appid.empty()) return Error(key + ".appid", "is required");
    return m;
  }

  Result<SandboxMiniProgramConfig> MiniProgram(const rapidjson::Value& v,
                                               const std::string& key) const {
    if (!v.IsObject()) return Error(key, "must be an object");
    SandboxMiniProgramConfig p;
    for (const auto& member : v.GetObject()) {
      std::string name(member.name.GetString(), member.name.GetStringLength());
      std::string full = key + "." + name;
      if (name == "appid") {
        MILEAGE_ASSIGN_OR_RETURN(p.appid, String(member.value, full));
      } else if (name == "secret") {
        MILEAGE_ASSIGN_OR_RETURN(p.secret, String(member.value, full));
      } else {
        return Error(full, "is not a known setting");
      }
    }
    if (p.appid.empty() || p.secret.empty()) return Error(key, "needs appid and secret");
    return p;
  }

  Status Set(const std::string& name, const rapidjson::Value& v, SandboxConfig& c) const {
    if (name == "listen") {
      MILEAGE_ASSIGN_OR_RETURN(std::string text, String(v, name));
      Result<ListenAddress> address = ParseListenAddress(text);
      if (!address.ok()) return Error(name, address.status().message());
      c.listen = *address;
    } else if (name == "state_dir") {
      MILEAGE_ASSIGN_OR_RETURN(c.state_dir, String(v, name));
      if (c.state_dir.empty()) return Error(name, "must not be empty");
    } else if (name == "key_mode") {
      MILEAGE_ASSIGN_OR_RETURN(std::string mode, String(v, name));
      if (mode == "certificate") {
        c.key_mode = KeyMode::kCertificate;
      } else if (mode == "public_key") {
        c.key_mode = KeyMode::kPublicKey;
      } else if (mode == "both") {
        c.key_mode = KeyMode::kBoth;
      } else {
        return Error(name, "must be certificate, public_key or both");
      }
    } else if (name == "retry_scale") {
      if (!v.IsNumber() || v.GetDouble() < 0 || v.GetDouble() > 1000) {
        return Error(name, "must be a number in 0..1000");
      }
      c.retry_scale = v.GetDouble();
    } else if (name == "delivery_timeout_ms") {
      if (!v.IsInt() || v.GetInt() < 1 || v.GetInt() > 600000) {
        return Error(name, "must be an integer in 1..600000");
      }
      c.delivery_timeout_ms = v.GetInt();
    } else if (name == "http_threads") {
      if (!v.IsInt() || v.GetInt() < 1 || v.GetInt() > 1024) {
        return Error(name, "must be an integer in 1..1024");
      }
      c.http_threads = v.GetInt();
    } else if (name == "merchants") {
      if (!v.IsArray() || v.Empty()) return Error(name, "must be a non-empty array");
      c.merchants.clear();
      std::set<std::string> seen;
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        std::string key = name + "[" + std::to_string(i) + "]";
        MILEAGE_ASSIGN_OR_RETURN(SandboxMerchantConfig m, Merchant(v[i], key));
        if (!seen.insert(m.mchid).second) return Error(key + ".mchid", "repeats " + m.mchid);
        c.merchants.push_back(std::move(m));
      }
    } else if (name == "mini_programs") {
      if (!v.IsArray()) return Error(name, "must be an array");
      c.mini_programs.clear();
      std::set<std::string> seen;
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        std::string key = name + "[" + std::to_string(i) + "]";
        MILEAGE_ASSIGN_OR_RETURN(SandboxMiniProgramConfig p, MiniProgram(v[i], key));
        if (!seen.insert(p.appid).second) return Error(key + ".appid", "repeats " + p.appid);
        c.mini_programs.push_back(std::move(p));
      }
    } else {
      return Error(name, "is not a known setting");
    }
    return Status::Ok();
  }

 private:
  std::string origin_;
};

}  // namespace

std::string_view KeyModeName(KeyMode mode) {
  switch (mode) {
    case KeyMode::kCertificate:
      return "certificate";
    case KeyMode::kPublicKey:
      return "public_key";
    case KeyMode::kBoth:
      return "both";
  }
  return "both";
}

SandboxConfig DefaultSandboxConfig() {
  SandboxConfig config;
  SandboxMerchantConfig merchant;
  merchant.mchid = "1900000001";
  merchant.appid = "wx8888888888888888";
  merchant.notify_url = "http://127.0.0.1:8080/wechatpay/v3/notify/1900000001";
  config.merchants.push_back(std::move(merchant));
  config.mini_programs.push_back({"wx8888888888888888", "sandbox-secret"});
  return config;
}

Result<SandboxConfig> ParseSandboxConfig(std::string_view json, std::string_view origin) {
  ConfigParser parser(origin);
  rapidjson::Document doc;
  // Iterative, like every other JSON reader here: no nesting exhausts the stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return InvalidArgumentError(std::string(origin) + ": malformed JSON at byte " +
                                    std::to_string(doc.GetErrorOffset()) + ": " +
                                    rapidjson::GetParseError_En(doc.GetParseError()),
                                "INVALID_CONFIG");
  }
  if (!doc.IsObject()) {
    return InvalidArgumentError(std::string(origin) + ": the sandbox config must be an object",
                                "INVALID_CONFIG");
  }
  SandboxConfig config = DefaultSandboxConfig();
  for (const auto& member : doc.GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    MILEAGE_RETURN_IF_ERROR(parser.Set(name, member.value, config));
  }
  return config;
}

Result<SandboxConfig> LoadSandboxConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read sandbox config file " + path, "INVALID_CONFIG");
  std::ostringstream content;
  content << in.rdbuf();
  return ParseSandboxConfig(content.str(), path);
}

}  // namespace mileage::wechat::sandbox
