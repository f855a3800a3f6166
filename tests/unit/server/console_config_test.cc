// The console's settings: data_key and session_ttl_s in the config, and where the data key
// comes from when none is configured (server/data_key_source.h).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/testing/fake_random.h"
#include "server/config_loader.h"
#include "server/data_key_source.h"
#include "tests/support/test_server.h"

namespace mileage::server {
namespace {

constexpr const char* kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(ConsoleConfigTest, DataKeyAndSessionTtlAreReadAndValidated) {
  Result<Config> defaults = ParseConfig("{}", "cfg.json");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->data_key, "");
  EXPECT_EQ(defaults->session_ttl_s, 8 * 3600);

  Result<Config> given =
      ParseConfig(std::string(R"({"data_key":")") + kKey + R"(","session_ttl_s":600})", "cfg.json");
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_EQ(given->data_key, kKey);
  EXPECT_EQ(given->session_ttl_s, 600);

  setenv("MILEAGE_TEST_DATA_KEY", kKey, 1);
  Result<Config> from_env = ParseConfig(R"({"data_key":{"env":"MILEAGE_TEST_DATA_KEY"}})", "c");
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->data_key, kKey);

  for (const char* bad :
       {R"({"data_key":"abc"})", R"({"data_key":7})",
        R"({"data_key":"zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"})",
        R"({"session_ttl_s":59})", R"({"session_ttl_s":"8h"})", R"({"session_ttl_s":2592001})"}) {
    Result<Config> config = ParseConfig(bad, "cfg.json");
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_EQ(config.status().reason(), "INVALID_CONFIG") << bad;
    EXPECT_EQ(config.status().message().find("zz1122"), std::string::npos) << "key echoed";
  }
}

TEST(ConsoleConfigTest, PreviousDataKeysAreKeysOrSecretReferences) {
  constexpr const char* kOther = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
  testing::TempDir dir;
  const std::string file = (dir.path() / "old.key").string();
  std::ofstream(file) << kOther << "\n";
  setenv("MILEAGE_TEST_OLD_KEY", kKey, 1);
  Result<Config> config =
      ParseConfig(std::string(R"({"previous_data_keys":[")") + kOther +
                      R"(",{"env":"MILEAGE_TEST_OLD_KEY"},{"file":")" + file + R"("}]})",
                  "cfg.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->previous_data_keys, (std::vector<std::string>{kOther, kKey, kOther}));
  Result<std::vector<crypto::DataKey>> keys = PreviousDataKeys(*config);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->size(), 3u);
  EXPECT_TRUE(ParseConfig("{}", "cfg.json")->previous_data_keys.empty());

  for (const char* bad : {R"({"previous_data_keys":"abc"})", R"({"previous_data_keys":[7]})",
                          R"({"previous_data_keys":["zz1122"]})",
                          R"({"previous_data_keys":[{"env":"MILEAGE_TEST_UNSET_KEY_VAR"}]})",
                          R"({"previous_data_keys":[{"vault":"x"}]})"}) {
    unsetenv("MILEAGE_TEST_UNSET_KEY_VAR");
    Result<Config> refused = ParseConfig(bad, "cfg.json");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().reason(), "INVALID_CONFIG") << bad;
    EXPECT_NE(refused.status().message().find("previous_data_keys"), std::string::npos)
        << refused.status().message();
    EXPECT_EQ(refused.status().message().find("zz1122"), std::string::npos) << "key echoed";
  }
  Config direct;
  direct.previous_data_keys = {"abc"};
  Result<std::vector<crypto::DataKey>> refused = PreviousDataKeys(direct);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().find("abc"), std::string::npos);
}

TEST(DataKeySourceTest, AConfiguredKeyWins) {
  testing::FakeRandom random;
  Config config;
  config.data_key = kKey;
  config.database = "mysql://u:p@db:3306/m";
  EXPECT_TRUE(ResolveDataKey(config, random).ok());
}

TEST(DataKeySourceTest, MysqlWithoutAKeyIsRefused) {
  testing::FakeRandom random;
  Config config;
  config.database = "mysql://u:p@db:3306/m";
  Result<crypto::DataKey> key = ResolveDataKey(config, random);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("\"data_key\" is required"), std::string::npos);
}

TEST(DataKeySourceTest, SqliteGeneratesAPrivateKeyFileOnceAndReusesIt) {
  testing::TempDir dir;
  testing::FakeRandom random;
  Config config;
  config.database = "sqlite:" + (dir.path() / "var" / "mileage.db").string();
  const std::filesystem::path file = dir.path() / "var" / "data.key";
  ASSERT_TRUE(ResolveDataKey(config, random).ok());
  ASSERT_TRUE(std::filesystem::exists(file));
  struct stat info {};
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string first;
  std::getline(std::ifstream(file), first);
  EXPECT_EQ(first.size(), 64u);
  ASSERT_TRUE(ResolveDataKey(config, random).ok());
  std::string second;
  std::getline(std::ifstream(file), second);
  EXPECT_EQ(first, second) << "the key must survive restarts";

  std::ofstream(file, std::ios::trunc) << "not a key\n";
  Result<crypto::DataKey> broken = ResolveDataKey(config, random);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("data.key"), std::string::npos);
}

TEST(DataKeySourceTest, AnInMemoryDatabaseGetsAnEphemeralKey) {
  testing::FakeRandom random;
  Config config;
  config.database = "sqlite::memory:";
  EXPECT_TRUE(ResolveDataKey(config, random).ok());
}

}  // namespace
}  // namespace mileage::server
