#include "server/config_loader.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "tests/support/test_server.h"

namespace mileage::server {
namespace {

TEST(ConfigLoaderTest, EmptyObjectGivesTheEmbeddedDefaults) {
  auto config = ParseConfig("{}", "test");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Config defaults;
  EXPECT_EQ(config->database, defaults.database);
  EXPECT_EQ(config->kv, "memory");
  EXPECT_EQ(config->listen.port, 8080);
  EXPECT_EQ(config->wechat_api_base_url, "https://api.weixin.qq.com");
  EXPECT_EQ(config->wechat_pay_base_url, "https://api.mch.weixin.qq.com");
  EXPECT_TRUE(config->trusted_proxies.empty());
  EXPECT_EQ(config->max_connections, 1024);
  EXPECT_EQ(config->max_connections_per_client, 128);
  EXPECT_EQ(config->request_deadline_ms, 30000);
  EXPECT_EQ(config->member_session_ttl_s, 7 * 24 * 3600);
}

TEST(ConfigLoaderTest, ReadsEverySetting) {
  auto config = ParseConfig(R"({
    "listen": "0.0.0.0:9000", "database": "mysql://u:p@db:3307/m", "database_pool_size": 4,
    "database_timeout_ms": 100, "kv": "redis://127.0.0.1:6380/2", "kv_pool_size": 3,
    "kv_timeout_ms": 50, "http_threads": 8, "keep_alive_max_count": 10,
    "keep_alive_timeout_s": 2, "max_body_bytes": 2048, "log_level": "debug",
    "wechat_api_base_url": "http://127.0.0.1:9090",
    "wechat_pay_base_url": "https://[::1]:9443/",
    "trusted_proxies": ["10.0.0.0/8", "::1"], "max_connections": 300,
    "max_connections_per_client": 0, "request_deadline_ms": 2500,
    "member_session_ttl_s": 86400})",
                            "test");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen.host, "0.0.0.0");
  EXPECT_EQ(config->listen.port, 9000);
  EXPECT_EQ(config->database, "mysql://u:p@db:3307/m");
  EXPECT_EQ(config->database_pool_size, 4);
  EXPECT_EQ(config->database_timeout_ms, 100);
  EXPECT_EQ(config->kv, "redis://127.0.0.1:6380/2");
  EXPECT_EQ(config->kv_pool_size, 3);
  EXPECT_EQ(config->kv_timeout_ms, 50);
  EXPECT_EQ(config->http_threads, 8);
  EXPECT_EQ(config->keep_alive_max_count, 10);
  EXPECT_EQ(config->keep_alive_timeout_s, 2);
  EXPECT_EQ(config->max_body_bytes, 2048);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->wechat_api_base_url, "http://127.0.0.1:9090");
  EXPECT_EQ(config->wechat_pay_base_url, "https://[::1]:9443/");
  EXPECT_EQ(config->trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(config->max_connections, 300);
  EXPECT_EQ(config->max_connections_per_client, 0);
  EXPECT_EQ(config->request_deadline_ms, 2500);
  EXPECT_EQ(config->member_session_ttl_s, 86400);
}

TEST(ConfigLoaderTest, WeChatBaseUrlsMayComeFromTheEnvironment) {
  setenv("MILEAGE_TEST_SANDBOX_URL", "http://sandbox.internal:9090", 1);
  auto config =
      ParseConfig(R"({"wechat_pay_base_url":{"env":"MILEAGE_TEST_SANDBOX_URL"}})", "test");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->wechat_pay_base_url, "http://sandbox.internal:9090");
  EXPECT_EQ(config->wechat_api_base_url, "https://api.weixin.qq.com");
}

TEST(ConfigLoaderTest, SecretsFromEnvironmentAndFile) {
  setenv("MILEAGE_TEST_DB_URL", "mysql://u:s3cret@127.0.0.1:3306/m", 1);
  auto from_env = ParseConfig(R"({"database":{"env":"MILEAGE_TEST_DB_URL"}})", "test");
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->database, "mysql://u:s3cret@127.0.0.1:3306/m");

  testing::TempDir dir;
  std::string secret = (dir.path() / "kv").string();
  std::ofstream(secret) << "redis://:pw@127.0.0.1:6379/1\n";
  auto from_file = ParseConfig(R"({"kv":{"file":")" + secret + R"("}})", "test");
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->kv, "redis://:pw@127.0.0.1:6379/1");
}

TEST(ConfigLoaderTest, ReadsTheRelaySettings) {
  auto defaults = ParseConfig("{}", "test");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->relay_poll_ms, 1000);
  EXPECT_EQ(defaults->relay_timeout_s, 10);
  EXPECT_EQ(defaults->relay_retry_base_s, 10);
  EXPECT_EQ(defaults->relay_retry_max_s, 3600);
  EXPECT_EQ(defaults->relay_dead_after_s, 86400);
  EXPECT_FALSE(defaults->webhook_allow_private_urls);
  auto config = ParseConfig(R"({"relay_poll_ms": 0, "relay_timeout_s": 5, "relay_retry_base_s": 2,
    "relay_retry_max_s": 60, "relay_dead_after_s": 3600, "webhook_allow_private_urls": true})",
                            "test");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->relay_poll_ms, 0);
  EXPECT_EQ(config->relay_timeout_s, 5);
  EXPECT_EQ(config->relay_retry_base_s, 2);
  EXPECT_EQ(config->relay_retry_max_s, 60);
  EXPECT_EQ(config->relay_dead_after_s, 3600);
  EXPECT_TRUE(config->webhook_allow_private_urls);
}

TEST(ConfigLoaderTest, EveryBadValueNamesItsKey) {
  struct Case {
    const char* json;
    const char* key;
  };
  for (const Case& c :
       {Case{R"({"unknown":1})", "\"unknown\""},
        Case{R"({"listen":8080})", "\"listen\""},
        Case{R"({"listen":"nohost"})", "\"listen\""},
        Case{R"({"database":"oracle://x"})", "\"database\""},
        Case{R"({"database":"mysql://u:p@h:99999/db"})", "\"database\""},
        Case{R"({"database":{"vault":"x"}})", "\"database\""},
        Case{R"({"database":{"env":"A","file":"B"}})", "\"database\""},
        Case{R"({"kv":"redis://h:1/x"})", "\"kv\""},
        Case{R"({"database_pool_size":0})", "\"database_pool_size\""},
        Case{R"({"database_pool_size":1.5})", "\"database_pool_size\""},
        Case{R"({"kv_pool_size":-1})", "\"kv_pool_size\""},
        Case{R"({"http_threads":100000})", "\"http_threads\""},
        Case{R"({"max_body_bytes":10})", "\"max_body_bytes\""},
        Case{R"({"keep_alive_timeout_s":true})", "\"keep_alive_timeout_s\""},
        Case{R"({"log_level":"verbose"})", "\"log_level\""},
        Case{R"({"wechat_api_base_url":"ftp://api.weixin.qq.com"})", "\"wechat_api_base_url\""},
        Case{R"({"wechat_api_base_url":"api.weixin.qq.com"})", "\"wechat_api_base_url\""},
        Case{R"({"wechat_api_base_url":"http://"})", "\"wechat_api_base_url\""},
        Case{R"({"wechat_api_base_url":9090})", "\"wechat_api_base_url\""},
        Case{R"({"wechat_pay_base_url":"http://127.0.0.1:99999"})", "\"wechat_pay_base_url\""},
        Case{R"({"wechat_pay_base_url":"https://h/v3/pay"})", "\"wechat_pay_base_url\""},
        Case{R"({"wechat_pay_base_url":"https://h?x=1"})", "\"wechat_pay_base_url\""},
        Case{R"({"wechat_pay_base_url":""})", "\"wechat_pay_base_url\""},
        Case{R"({"max_connections":0})", "\"max_connections\""},
        Case{R"({"max_connections_per_client":-1})", "\"max_connections_per_client\""},
        Case{R"({"request_deadline_ms":10})", "\"request_deadline_ms\""},
        Case{R"({"member_session_ttl_s":299})", "\"member_session_ttl_s\""},
        Case{R"({"member_session_ttl_s":2592001})", "\"member_session_ttl_s\""},
        Case{R"({"member_session_ttl_s":"7d"})", "\"member_session_ttl_s\""},
        Case{R"({"request_deadline_ms":"30s"})", "\"request_deadline_ms\""},
        Case{R"({"console_dir":"/nonexistent/console/dist"})", "\"console_dir\""},
        Case{R"({"console_dir":7})", "\"console_dir\""},
        Case{R"({"trusted_proxies":"10.0.0.1"})", "\"trusted_proxies\""},
        Case{R"({"relay_poll_ms":-1})", "\"relay_poll_ms\""},
        Case{R"({"relay_timeout_s":0})", "\"relay_timeout_s\""},
        Case{R"({"relay_retry_base_s":0})", "\"relay_retry_base_s\""},
        Case{R"({"relay_retry_max_s":"1h"})", "\"relay_retry_max_s\""},
        Case{R"({"relay_dead_after_s":59})", "\"relay_dead_after_s\""},
        Case{R"({"webhook_allow_private_urls":1})", "\"webhook_allow_private_urls\""},
        Case{R"({"trusted_proxies":[10]})", "\"trusted_proxies\""},
        Case{R"({"trusted_proxies":["10.0.0.1/8"]})", "\"trusted_proxies\""},
        Case{R"({"trusted_proxies":["10.0.0.0/8","proxy.internal"]})", "proxy.internal"}}) {
    auto config = ParseConfig(c.json, "cfg.json");
    ASSERT_FALSE(config.ok()) << c.json;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(config.status().message().find(c.key), std::string::npos)
        << c.json << " -> " << config.status().message();
    EXPECT_EQ(config.status().message().rfind("cfg.json", 0), 0u);
  }
}

TEST(ConfigLoaderTest, ConsoleDirIsAnExistingDirectoryOrEmpty) {
  testing::TempDir dir;
  auto config = ParseConfig(R"({"console_dir":")" + dir.path().string() + R"("})", "cfg.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->console_dir, dir.path().string());
  EXPECT_EQ(ParseConfig("{}", "cfg.json")->console_dir, "");
  std::ofstream(dir.path() / "file") << "x";
  auto file =
      ParseConfig(R"({"console_dir":")" + (dir.path() / "file").string() + R"("})", "cfg.json");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("\"console_dir\""), std::string::npos);
}

TEST(ConfigLoaderTest, MalformedJsonSaysWhere) {
  auto config = ParseConfig("{\"listen\": }", "cfg.json");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("malformed JSON at byte 11"), std::string::npos)
      << config.status().message();
}

}  // namespace
}  // namespace mileage::server
