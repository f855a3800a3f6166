#include "server/config_loader.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "common/log.h"
#include "crypto/data_key.h"
#include "members/rules.h"
#include "server/http/client_address.h"
#include "server/http/json.h"
#include "server/storage.h"
#include "wechat/client/api_client.h"

namespace mileage::server {
namespace {

Status KeyError(const std::string& origin, const std::string& key, const std::string& what) {
  return InvalidArgumentError(origin + ": config key \"" + key + "\" " + what, "INVALID_CONFIG");
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A string, or {"env":NAME} / {"file":PATH} for secrets.
Result<std::string> ReadString(const rapidjson::Value& v, const std::string& origin,
                               const std::string& key) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (!v.IsObject() || v.MemberCount() != 1) {
    return KeyError(origin, key, "must be a string, {\"env\":\"NAME\"} or {\"file\":\"PATH\"}");
  }
  const auto& source = *v.MemberBegin();
  std::string kind = source.name.GetString();
  if (!source.value.IsString() || (kind != "env" && kind != "file")) {
    return KeyError(origin, key, "must be a string, {\"env\":\"NAME\"} or {\"file\":\"PATH\"}");
  }
  std::string ref = source.value.GetString();
  if (kind == "env") {
    const char* value = std::getenv(ref.c_str());
    if (value == nullptr)
      return KeyError(origin, key, "names environment variable " + ref + ", which is not set");
    return std::string(value);
  }
  Result<std::string> content = ReadWholeFile(ref);
  if (!content.ok()) return KeyError(origin, key, "names file " + ref + ", which cannot be read");
  std::string text = std::move(content).value();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<int64_t> ReadInt(const rapidjson::Value& v, const std::string& origin,
                        const std::string& key, int64_t min, int64_t max) {
  if (!v.IsInt64()) return KeyError(origin, key, "must be an integer");
  int64_t n = v.GetInt64();
  if (n < min || n > max) {
    return KeyError(origin, key,
                    "must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
                        std::to_string(n));
  }
  return n;
}

using Setter = std::function<Status(const rapidjson::Value&, Config&)>;

std::map<std::string, Setter> Setters(const std::string& origin) {
  auto int_field = [&origin](const char* key, int64_t min, int64_t max, auto member) {
    return Setter([&origin, key, min, max, member](const rapidjson::Value& v, Config& c) {
      MILEAGE_ASSIGN_OR_RETURN(int64_t n, ReadInt(v, origin, key, min, max));
      c.*member = static_cast<std::remove_reference_t<decltype(c.*member)>>(n);
      return Status::Ok();
    });
  };
  std::map<std::string, Setter> setters;
  setters["listen"] = [&origin](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(std::string text, ReadString(v, origin, "listen"));
    Result<ListenAddress> address = ParseListenAddress(text);
    if (!address.ok()) return KeyError(origin, "listen", address.status().message());
    c.listen = *address;
    return Status::Ok();
  };
  setters["database"] = [&origin](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(c.database, ReadString(v, origin, "database"));
    Status valid = ValidateDatabaseUrl(c.database);
    if (!valid.ok()) return KeyError(origin, "database", valid.message());
    return Status::Ok();
  };
  setters["kv"] = [&origin](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(c.kv, ReadString(v, origin, "kv"));
    Status valid = ValidateKvUrl(c.kv);
    if (!valid.ok()) return KeyError(origin, "kv", valid.message());
    return Status::Ok();
  };
  setters["log_level"] = [&origin](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(c.log_level, ReadString(v, origin, "log_level"));
    LogLevel level;
    if (!ParseLogLevel(c.log_level, &level)) {
      return KeyError(origin, "log_level", "must be debug, info, warn or error");
    }
    return Status::Ok();
  };
  setters["data_key"] = [&origin](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(c.data_key, ReadString(v, origin, "data_key"));
    // The message must never repeat the key.
    if (!crypto::DataKey::FromHex(c.data_key).ok()) {
      return KeyError(origin, "data_key", "must be 64 hex digits (32 bytes)");
    }
    return Status::Ok();
  };
  setters["previous_data_keys"] = [&origin](const rapidjson::Value& v, Config& c) {
    if (!v.IsArray()) {
      return KeyError(origin, "previous_data_keys",
                      "must be a list of keys (each 64 hex digits, {\"env\":..} or "
                      "{\"file\":..})");
    }
    c.previous_data_keys.clear();
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const std::string entry = "previous_data_keys[" + std::to_string(i) + "]";
      MILEAGE_ASSIGN_OR_RETURN(std::string key, ReadString(v[i], origin, entry));
      // The message must never repeat the key.
      if (!crypto::DataKey::FromHex(key).ok()) {
        return KeyError(origin, entry, "must be 64 hex digits (32 bytes)");
      }
      c.previous_data_keys.push_back(std::move(key));
    }
    return Status::Ok();
  };
  auto base_url_field = [&origin](const char* key, std::string Config::*member) {
    return Setter([&origin, key, member](const rapidjson::Value& v, Config& c) {
      MILEAGE_ASSIGN_OR_RETURN(c.*member, ReadString(v, origin, key));
      // The same rule as the WeChat API client that will use it, so a URL accepted here
      // cannot fail later.
      Result<wechat::client::BaseUrl> url = wechat::client::ParseBaseUrl(c.*member);
      if (!url.ok()) {
        return KeyError(origin, key, "must be http(s)://host[:port]: " + url.status().message());
      }
      return Status::Ok();
    });
  };
  setters["wechat_api_base_url"] =
      base_url_field("wechat_api_base_url", &Config::wechat_api_base_url);
  setters["wechat_pay_base_url"] =
      base_url_field("wechat_pay_base_url", &Config::wechat_pay_base_url);
  setters["session_ttl_s"] = int_field("session_ttl_s", 60, 30 * 24 * 3600, &Config::session_ttl_s);
  setters["database_pool_size"] =
      int_field("database_pool_size", 1, 1024, &Config::database_pool_size);
  setters["database_timeout_ms"] =
      int_field("database_timeout_ms", 1, 600000, &Config::database_timeout_ms);
  setters["kv_pool_size"] = int_field("kv_pool_size", 1, 1024, &Config::kv_pool_size);
  setters["kv_timeout_ms"] = int_field("kv_timeout_ms", 1, 600000, &Config::kv_timeout_ms);
  setters["http_threads"] = int_field("http_threads", 1, 4096, &Config::http_threads);
  setters["max_connections"] = int_field("max_connections", 1, 65536, &Config::max_connections);
  setters["max_connections_per_client"] =
      int_field("max_connections_per_client", 0, 65536, &Config::max_connections_per_client);
  setters["request_deadline_ms"] =
      int_field("request_deadline_ms", 100, 3600000, &Config::request_deadline_ms);
  setters["keep_alive_max_count"] =
      int_field("keep_alive_max_count", 1, 100000000, &Config::keep_alive_max_count);
  setters["keep_alive_timeout_s"] =
      int_field("keep_alive_timeout_s", 1, 3600, &Config::keep_alive_timeout_s);
  setters["max_body_bytes"] =
      int_field("max_body_bytes", 1024, int64_t{1} << 30, &Config::max_body_bytes);
  setters["trusted_proxies"] = [&origin](const rapidjson::Value& v, Config& c) {
    const char* shape = "must be a list of IP addresses or CIDR networks";
    if (!v.IsArray()) return KeyError(origin, "trusted_proxies", shape);
    c.trusted_proxies.clear();
    for (const auto& entry : v.GetArray()) {
      if (!entry.IsString()) return KeyError(origin, "trusted_proxies", shape);
      c.trusted_proxies.emplace_back(entry.GetString(), entry.GetStringLength());
    }
    Result<TrustedProxies> parsed = TrustedProxies::Parse(c.trusted_proxies);
    if (!parsed.ok()) return KeyError(origin, "trusted_proxies", parsed.status().message());
    return Status::Ok();
  };
  setters["tiers"] = [&origin](const rapidjson::Value& v, Config& c) {
    const char* shape = "must be a list of {\"name\", \"min_spend_fen\", \"min_visits\"}";
    if (!v.IsArray() || v.Empty()) return KeyError(origin, "tiers", shape);
    c.tiers.clear();
    for (const auto& tier : v.GetArray()) {
      if (!tier.IsObject() || tier.MemberCount() != 3 || !tier.HasMember("name") ||
          !tier["name"].IsString() || !tier.HasMember("min_spend_fen") ||
          !tier["min_spend_fen"].IsInt64() || !tier.HasMember("min_visits") ||
          !tier["min_visits"].IsInt64()) {
        return KeyError(origin, "tiers", shape);
      }
      c.tiers.push_back({tier["name"].GetString(), tier["min_spend_fen"].GetInt64(),
                         tier["min_visits"].GetInt64()});
    }
    Status valid = members::ValidateTierPolicy(TierPolicyOf(c));
    if (!valid.ok()) return KeyError(origin, "tiers", valid.message());
    return Status::Ok();
  };
  setters["tier_grace_days"] = int_field("tier_grace_days", 0, 3650, &Config::tier_grace_days);
  setters["points_expiry_months"] =
      int_field("points_expiry_months", 0, 1200, &Config::points_expiry_months);
  setters["jobs_interval_s"] = int_field("jobs_interval_s", 0, 7 * 86400, &Config::jobs_interval_s);
  return setters;
}

}  // namespace

members::TierPolicy TierPolicyOf(const Config& config) {
  members::TierPolicy policy;
  policy.tiers.clear();
  for (const TierSetting& t : config.tiers) {
    policy.tiers.push_back({t.name, t.min_spend_fen, t.min_visits});
  }
  policy.grace_days = config.tier_grace_days;
  return policy;
}

payments::PaymentPolicy PaymentPolicyOf(const Config& config) {
  return {TierPolicyOf(config), points::ExpiryPolicy{config.points_expiry_months}};
}

Result<Config> ParseConfig(const std::string& json, const std::string& origin) {
  Result<rapidjson::Document> parsed = ParseJson(json);
  if (!parsed.ok()) {
    return InvalidArgumentError(origin + ": " + parsed.status().message(), "INVALID_CONFIG");
  }
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) {
    return InvalidArgumentError(origin + ": the config must be a JSON object", "INVALID_CONFIG");
  }
  Config config;
  std::map<std::string, Setter> setters = Setters(origin);
  for (const auto& member : doc.GetObject()) {
    std::string key(member.name.GetString(), member.name.GetStringLength());
    auto setter = setters.find(key);
    if (setter == setters.end()) return KeyError(origin, key, "is not a known setting");
    MILEAGE_RETURN_IF_ERROR(setter->second(member.value, config));
  }
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return InvalidArgumentError("cannot read config file " + path, "INVALID_CONFIG");
  return ParseConfig(*text, path);
}

}  // namespace mileage::server
