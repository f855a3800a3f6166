#include "server/config_loader.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
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

// An integer setting in [min, max], stored in `member`.
template <typename Member>
Setter IntSetting(const std::string& origin, const char* key, int64_t min, int64_t max,
                  Member Config::*member) {
  return [&origin, key, min, max, member](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(int64_t n, ReadInt(v, origin, key, min, max));
    c.*member = static_cast<Member>(n);
    return Status::Ok();
  };
}

// A boolean setting (true or false) stored in `member`.
Setter BoolSetting(const std::string& origin, const char* key, bool Config::*member) {
  return [&origin, key, member](const rapidjson::Value& v, Config& c) {
    if (!v.IsBool()) return KeyError(origin, key, "must be true or false");
    c.*member = v.GetBool();
    return Status::Ok();
  };
}

// A string setting (or secret reference) stored in `member`, then checked by `check`, whose
// error message says what is wrong (it must never repeat a secret).
Setter CheckedString(const std::string& origin, const char* key, std::string Config::*member,
                     std::function<Status(const std::string&)> check) {
  return [&origin, key, member, check = std::move(check)](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(c.*member, ReadString(v, origin, key));
    Status valid = check(c.*member);
    if (!valid.ok()) return KeyError(origin, key, valid.message());
    return Status::Ok();
  };
}

Status CheckLogLevel(const std::string& name) {
  LogLevel level;
  if (!ParseLogLevel(name, &level))
    return InvalidArgumentError("must be debug, info, warn or error");
  return Status::Ok();
}

// Recorded as the job lease's holder (VARCHAR(128)) and logged: printable ASCII, no spaces.
Status CheckNodeId(const std::string& id) {
  if (id.empty() || id.size() > 128) return InvalidArgumentError("must be 1..128 characters");
  for (char ch : id) {
    if (ch <= ' ' || ch > '~') return InvalidArgumentError("must be printable ASCII, no spaces");
  }
  return Status::Ok();
}

// The message never repeats the key.
Status CheckDataKey(const std::string& hex) {
  if (!crypto::DataKey::FromHex(hex).ok()) {
    return InvalidArgumentError("must be 64 hex digits (32 bytes)");
  }
  return Status::Ok();
}

// The console is served from an existing directory; a typo stops start-up instead of serving
// 404s.
Status CheckConsoleDir(const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return InvalidArgumentError("must be an existing directory (the built console/dist)");
  }
  return Status::Ok();
}

// The same rule as the WeChat API client that will use the URL, so that a URL accepted here
// cannot fail later.
Status CheckBaseUrl(const std::string& text) {
  Result<wechat::client::BaseUrl> url = wechat::client::ParseBaseUrl(text);
  if (!url.ok())
    return InvalidArgumentError("must be http(s)://host[:port]: " + url.status().message());
  return Status::Ok();
}

Setter ListenSetting(const std::string& origin) {
  return [&origin](const rapidjson::Value& v, Config& c) {
    MILEAGE_ASSIGN_OR_RETURN(std::string text, ReadString(v, origin, "listen"));
    Result<ListenAddress> address = ParseListenAddress(text);
    if (!address.ok()) return KeyError(origin, "listen", address.status().message());
    c.listen = *address;
    return Status::Ok();
  };
}

Setter PreviousDataKeysSetting(const std::string& origin) {
  return [&origin](const rapidjson::Value& v, Config& c) {
    if (!v.IsArray()) {
      return KeyError(origin, "previous_data_keys",
                      "must be a list of keys (each 64 hex digits, {\"env\":..} or "
                      "{\"file\":..})");
    }
    c.previous_data_keys.clear();
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const std::string entry = "previous_data_keys[" + std::to_string(i) + "]";
      MILEAGE_ASSIGN_OR_RETURN(std::string key, ReadString(v[i], origin, entry));
      Status valid = CheckDataKey(key);
      if (!valid.ok()) return KeyError(origin, entry, valid.message());
      c.previous_data_keys.push_back(std::move(key));
    }
    return Status::Ok();
  };
}

Setter TrustedProxiesSetting(const std::string& origin) {
  return [&origin](const rapidjson::Value& v, Config& c) {
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
}

Setter TiersSetting(const std::string& origin) {
  return [&origin](const rapidjson::Value& v, Config& c) {
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
}

// Every config key and how it is read; a key not here is refused.
std::map<std::string, Setter> Setters(const std::string& origin) {
  using C = Config;
  return {
      // Storage and the service.
      {"listen", ListenSetting(origin)},
      {"database", CheckedString(origin, "database", &C::database, ValidateDatabaseUrl)},
      {"database_pool_size",
       IntSetting(origin, "database_pool_size", 1, 1024, &C::database_pool_size)},
      {"database_timeout_ms",
       IntSetting(origin, "database_timeout_ms", 1, 600000, &C::database_timeout_ms)},
      {"kv", CheckedString(origin, "kv", &C::kv, ValidateKvUrl)},
      {"kv_pool_size", IntSetting(origin, "kv_pool_size", 1, 1024, &C::kv_pool_size)},
      {"kv_timeout_ms", IntSetting(origin, "kv_timeout_ms", 1, 600000, &C::kv_timeout_ms)},
      {"log_level", CheckedString(origin, "log_level", &C::log_level, CheckLogLevel)},
      {"jobs_interval_s", IntSetting(origin, "jobs_interval_s", 0, 7 * 86400, &C::jobs_interval_s)},
      {"segment_grant_interval_s",
       IntSetting(origin, "segment_grant_interval_s", 0, 86400, &C::segment_grant_interval_s)},
      {"node_id", CheckedString(origin, "node_id", &C::node_id, CheckNodeId)},
      {"job_lease_ttl_s", IntSetting(origin, "job_lease_ttl_s", 3, 3600, &C::job_lease_ttl_s)},
      {"drain_s", IntSetting(origin, "drain_s", 0, 600, &C::drain_s)},
      // The outbox relay and webhooks.
      {"relay_poll_ms", IntSetting(origin, "relay_poll_ms", 0, 600000, &C::relay_poll_ms)},
      {"relay_timeout_s", IntSetting(origin, "relay_timeout_s", 1, 600, &C::relay_timeout_s)},
      {"relay_retry_base_s",
       IntSetting(origin, "relay_retry_base_s", 1, 86400, &C::relay_retry_base_s)},
      {"relay_retry_max_s",
       IntSetting(origin, "relay_retry_max_s", 1, 86400, &C::relay_retry_max_s)},
      {"relay_dead_after_s",
       IntSetting(origin, "relay_dead_after_s", 60, 30 * 86400, &C::relay_dead_after_s)},
      {"webhook_allow_private_urls",
       BoolSetting(origin, "webhook_allow_private_urls", &C::webhook_allow_private_urls)},
      // Secrets.
      {"data_key", CheckedString(origin, "data_key", &C::data_key, CheckDataKey)},
      {"previous_data_keys", PreviousDataKeysSetting(origin)},
      {"session_ttl_s", IntSetting(origin, "session_ttl_s", 60, 30 * 24 * 3600, &C::session_ttl_s)},
      {"member_session_ttl_s",
       IntSetting(origin, "member_session_ttl_s", 300, 30 * 24 * 3600, &C::member_session_ttl_s)},
      // HTTP.
      {"http_threads", IntSetting(origin, "http_threads", 1, 4096, &C::http_threads)},
      {"max_connections", IntSetting(origin, "max_connections", 1, 65536, &C::max_connections)},
      {"max_connections_per_client",
       IntSetting(origin, "max_connections_per_client", 0, 65536, &C::max_connections_per_client)},
      {"request_deadline_ms",
       IntSetting(origin, "request_deadline_ms", 100, 3600000, &C::request_deadline_ms)},
      {"keep_alive_max_count",
       IntSetting(origin, "keep_alive_max_count", 1, 100000000, &C::keep_alive_max_count)},
      {"keep_alive_timeout_s",
       IntSetting(origin, "keep_alive_timeout_s", 1, 3600, &C::keep_alive_timeout_s)},
      {"max_body_bytes",
       IntSetting(origin, "max_body_bytes", 1024, int64_t{1} << 30, &C::max_body_bytes)},
      {"trusted_proxies", TrustedProxiesSetting(origin)},
      // WeChat.
      {"wechat_api_base_url",
       CheckedString(origin, "wechat_api_base_url", &C::wechat_api_base_url, CheckBaseUrl)},
      {"wechat_pay_base_url",
       CheckedString(origin, "wechat_pay_base_url", &C::wechat_pay_base_url, CheckBaseUrl)},
      {"public_base_url",
       CheckedString(origin, "public_base_url", &C::public_base_url, CheckBaseUrl)},
      {"console_dir", CheckedString(origin, "console_dir", &C::console_dir, CheckConsoleDir)},
      // Membership.
      {"tiers", TiersSetting(origin)},
      {"tier_grace_days", IntSetting(origin, "tier_grace_days", 0, 3650, &C::tier_grace_days)},
      {"points_expiry_months",
       IntSetting(origin, "points_expiry_months", 0, 1200, &C::points_expiry_months)},
  };
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
  Result<rapidjson::Document> parsed = json::Parse(json);
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
