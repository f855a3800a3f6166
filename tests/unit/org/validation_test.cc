// Input rules shared by the console and the CLI.
#include "org/validation.h"

#include <gtest/gtest.h>

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
