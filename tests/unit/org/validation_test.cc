// Input rules shared by the console and the CLI.
#include "org/validation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mileage::org {
namespace {

TEST(ParseIdTest, AcceptsPositiveDecimalIdsOnly) {
  EXPECT_EQ(*ParseId("1", "id"), 1);
  EXPECT_EQ(*ParseId("9223372036854775807", "id"), INT64_MAX);
  for (const char* bad : {"", "0", "-1", "+1", "1.0", "1e3", "abc", "12a", " 1", "0x10",
                          "9223372036854775808", "99999999999999999999999"}) {
    Result<int64_t> id = ParseId(bad, "id");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().reason(), "INVALID_ID") << bad;
  }
}

TEST(ValidateMerchantKeySerialTest, AcceptsOneToSixtyFourHexDigits) {
  for (const std::string& good : {std::string("5F1C72E2A8931B72A2E13AF8DEE92471EB397115"),
                                  std::string("0a"), std::string("F"), std::string(64, 'f')}) {
    EXPECT_TRUE(ValidateMerchantKeySerial(good).ok()) << good;
  }
  for (const std::string& bad :
       {std::string(""), std::string(65, 'A'), std::string("5F1C-72E2"), std::string("0x5F"),
        std::string("G1"), std::string(" 5F"), std::string("PUB_KEY_ID_01")}) {
    EXPECT_EQ(ValidateMerchantKeySerial(bad).reason(), "INVALID_FIELD") << bad;
  }
}

TEST(ValidateNameTest, CountsCharactersNotBytes) {
  std::string hundred_chinese;
  for (int i = 0; i < 100; ++i) hundred_chinese += "车";
  EXPECT_TRUE(ValidateName(hundred_chinese, "name").ok());
  EXPECT_EQ(ValidateName(hundred_chinese + "车", "name").reason(), "INVALID_FIELD");
  EXPECT_TRUE(ValidateName(std::string(100, 'a'), "name").ok());
  EXPECT_FALSE(ValidateName(std::string(101, 'a'), "name").ok());
  EXPECT_TRUE(ValidateName("粤B 4S店 🚗", "name").ok());
}

TEST(ValidateNameTest, RejectsEmptyBlankControlAndInvalidUtf8) {
  for (std::string bad : {std::string(""), std::string("   "), std::string("a\nb"),
                          std::string("a\x7f"), std::string("\xc3\x28"), std::string("\xe8\xbd"),
                          std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    EXPECT_EQ(ValidateName(bad, "name").reason(), "INVALID_FIELD") << bad;
  }
}

TEST(UsernameTest, IsLowercasedAndLimitedToASafeAlphabet) {
  EXPECT_EQ(*NormalizeUsername("Clerk.A@Example-1_x"), "clerk.a@example-1_x");
  for (const char* bad : {"ab", "a b", "a|b", "ä123", ""}) {
    EXPECT_FALSE(NormalizeUsername(bad).ok()) << bad;
  }
  EXPECT_FALSE(NormalizeUsername(std::string(65, 'a')).ok());
}

TEST(PasswordTest, NeedsEightBytesAtLeast) {
  EXPECT_EQ(ValidatePassword("1234567").reason(), "WEAK_PASSWORD");
  EXPECT_TRUE(ValidatePassword("12345678").ok());
  EXPECT_EQ(ValidatePassword(std::string(1025, 'x')).reason(), "INVALID_FIELD");
}

TEST(WeChatFieldsTest, MchidAppidKeyAndPlatformKeys) {
  EXPECT_TRUE(ValidateMchid("1900000109").ok());
  EXPECT_FALSE(ValidateMchid("19000x0109").ok());
  EXPECT_FALSE(ValidateMchid("").ok());
  EXPECT_TRUE(ValidateAppid("wxd678efh567hg6787").ok());
  EXPECT_FALSE(ValidateAppid("wx-1").ok());
  EXPECT_TRUE(ValidateApiV3Key(std::string(32, 'k')).ok());
  EXPECT_FALSE(ValidateApiV3Key(std::string(31, 'k')).ok());
  EXPECT_FALSE(ValidateApiV3Key(std::string(31, 'k') + " ").ok());
  EXPECT_TRUE(ValidatePlatformKey("5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
                                  "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n")
                  .ok());
  EXPECT_TRUE(ValidatePlatformKey("PUB_KEY_ID_0114232134912410000",
                                  "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----\n")
                  .ok());
  EXPECT_FALSE(ValidatePlatformKey("", "-----BEGIN PUBLIC KEY-----").ok());
  EXPECT_FALSE(ValidatePlatformKey("ab cd", "-----BEGIN PUBLIC KEY-----").ok());
  EXPECT_FALSE(ValidatePlatformKey("abcd", "not pem").ok());
}

std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(MILEAGE_WECHAT_TESTDATA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Unix times: the Go SDK's platform certificate (serial D7CE59D1F522D701) is valid until
// 2031-04-25T08:55:23Z, the Java SDK's (440024045C4A...) until 2025-05-09T02:04:30Z.
constexpr int64_t kGoCertificateExpiry = 1934873723;
constexpr int64_t kJavaCertificateExpiry = 1746756270;
constexpr int64_t k2026 = 1790000000;

TEST(ParsePlatformKeyTest, AcceptsACertificateUnderItsOwnSerialUntilItExpires) {
  const std::string certificate = Testdata("go_notify_wechatpay_certificate.pem");
  Result<PlatformKey> key = ParsePlatformKey("D7CE59D1F522D701", certificate, k2026);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->serial, "D7CE59D1F522D701");
  EXPECT_EQ(key->expires_at, kGoCertificateExpiry);
  // Serials are hex numbers: case and leading zeros do not matter.
  EXPECT_TRUE(ParsePlatformKey("0d7ce59d1f522d701", certificate, k2026).ok());

  Result<PlatformKey> other = ParsePlatformKey("D7CE59D1F522D702", certificate, k2026);
  EXPECT_EQ(other.status().reason(), "PLATFORM_KEY_SERIAL_MISMATCH");
  Result<PlatformKey> expired =
      ParsePlatformKey("D7CE59D1F522D701", certificate, kGoCertificateExpiry);
  EXPECT_EQ(expired.status().reason(), "PLATFORM_KEY_EXPIRED");

  const std::string java = Testdata("java_wechat_pay_certificate.pem");
  const char* java_serial = "440024045C4A427599D09BB4E3DE0279F2E813FD";
  EXPECT_TRUE(ParsePlatformKey(java_serial, java, kJavaCertificateExpiry - 1).ok());
  EXPECT_EQ(ParsePlatformKey(java_serial, java, k2026).status().reason(), "PLATFORM_KEY_EXPIRED");
}

TEST(ParsePlatformKeyTest, APublicKeyNeedsAPublicKeyIdAndAnRsa2048Key) {
  const std::string public_key = Testdata("java_wechat_pay_public_key.pem");
  Result<PlatformKey> key =
      ParsePlatformKey("PUB_KEY_ID_0114232134912410000000000000", public_key, k2026);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->expires_at, 0);

  const std::string certificate = Testdata("go_notify_wechatpay_certificate.pem");
  const std::string short_key =
      "-----BEGIN PUBLIC KEY-----\n"
      "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDAXWG/E+OiPnQQzpOjU0cMy8ic\n"
      "LBgkSr3OHR/gIsNM9oDJtWuZZqt4ynMX6ImO521ed87B/in5osjOMYGhsnh7Zpka\n"
      "+7TeTSQwArjhsf6S8oRX+0RrPL+LnG6ZURj9H7daSgwPMFw8dUmU5AACvkbKz+0Q\n"
      "Zl9g5pMTTJbGHjf6JwIDAQAB\n"
      "-----END PUBLIC KEY-----\n";
  struct Case {
    const char* serial;
    std::string pem;
  };
  for (const Case& c : std::vector<Case>{
           {"PUB_KEY_ID_0114232134912410000000000000", certificate},  // a certificate
           {"PUB_KEY_ID_0114232134912410000000000000", short_key},    // RSA-1024
           {"PUB_KEY_ID_", public_key},                               // no digits
           {"PUB_KEY_ID_12ab", public_key},
           {"PUB_KEY_ID_1", "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----\n"},
           {"D7CE59D1F522D701", public_key},  // a certificate serial with a public key
           {"D7CE59D1F522D701", "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n"}}) {
    Result<PlatformKey> refused = ParsePlatformKey(c.serial, c.pem, k2026);
    EXPECT_EQ(refused.status().reason(), "INVALID_PLATFORM_KEY") << c.serial;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << c.serial;
  }
  EXPECT_NE(ParsePlatformKey("PUB_KEY_ID_1", short_key, k2026).status().message().find("2048"),
            std::string::npos);
  // Shape errors stay INVALID_FIELD.
  EXPECT_EQ(ParsePlatformKey("ab cd", public_key, k2026).status().reason(), "INVALID_FIELD");
}

TEST(BrandAppFieldsTest, KindsAndSecrets) {
  EXPECT_EQ(*ValidateAppKind("miniprogram"), AppKind::kMiniprogram);
  EXPECT_EQ(*ValidateAppKind("official_account"), AppKind::kOfficialAccount);
  EXPECT_EQ(*ValidateAppKind("app"), AppKind::kApp);
  EXPECT_EQ(ValidateAppKind("web").status().reason(), "INVALID_FIELD");
  EXPECT_TRUE(ValidateAppSecret("sandbox-secret").ok());
  EXPECT_FALSE(ValidateAppSecret("").ok());
  EXPECT_FALSE(ValidateAppSecret("two words").ok());
  EXPECT_FALSE(ValidateAppSecret(std::string(129, 'a')).ok());
}

TEST(PageTest, BoundsPageAndSize) {
  EXPECT_TRUE(ValidatePage({1, 1}).ok());
  EXPECT_TRUE(ValidatePage({1, PageRequest::kMaxPageSize}).ok());
  EXPECT_EQ(ValidatePage({0, 10}).reason(), "INVALID_PAGE");
  EXPECT_EQ(ValidatePage({1, 0}).reason(), "INVALID_PAGE");
  EXPECT_EQ(ValidatePage({1, PageRequest::kMaxPageSize + 1}).reason(), "INVALID_PAGE");
  EXPECT_EQ(ValidatePage({PageRequest::kMaxPage + 1, 10}).reason(), "INVALID_PAGE");
}

}  // namespace
}  // namespace mileage::org
