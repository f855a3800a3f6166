// Input rules of members/ (members/validation.h).

#include "members/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace mileage::members {
namespace {

std::string ReasonOf(const Status& status) { return std::string(status.reason()); }

TEST(MembersValidationTest, WechatIds) {
  EXPECT_TRUE(ValidateWechatId("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "openid").ok());
  EXPECT_TRUE(ValidateWechatId(std::string(128, 'a'), "openid").ok());
  EXPECT_EQ(ReasonOf(ValidateWechatId("", "openid")), "INVALID_FIELD");
  EXPECT_EQ(ReasonOf(ValidateWechatId(std::string(129, 'a'), "openid")), "INVALID_FIELD");
  EXPECT_EQ(ReasonOf(ValidateWechatId("abc def", "openid")), "INVALID_FIELD");
  EXPECT_EQ(ReasonOf(ValidateWechatId("abc'--", "openid")), "INVALID_FIELD");
  EXPECT_NE(ValidateWechatId("", "unionid").message().find("unionid"), std::string::npos);
}

TEST(MembersValidationTest, Payer) {
  PayerIdentity payer{1, "wx1234567890abcdef", "openid_1", std::nullopt};
  EXPECT_TRUE(ValidatePayer(payer).ok());
  payer.unionid = "union_1";
  EXPECT_TRUE(ValidatePayer(payer).ok());
  PayerIdentity bad = payer;
  bad.brand_id = 0;
  EXPECT_EQ(ReasonOf(ValidatePayer(bad)), "INVALID_ID");
  bad = payer;
  bad.appid = "";
  EXPECT_EQ(ReasonOf(ValidatePayer(bad)), "INVALID_FIELD");
  bad = payer;
  bad.unionid = "";
  EXPECT_EQ(ReasonOf(ValidatePayer(bad)), "INVALID_FIELD");
}

TEST(MembersValidationTest, EnrolledVia) {
  for (const char* via : {"wechat_pay", "miniprogram", "console", "partner"}) {
    EXPECT_TRUE(ValidateEnrolledVia(via).ok()) << via;
  }
  EXPECT_EQ(ReasonOf(ValidateEnrolledVia("")), "INVALID_FIELD");
  EXPECT_EQ(ReasonOf(ValidateEnrolledVia("WECHAT_PAY")), "INVALID_FIELD");
}

TEST(MembersValidationTest, MemberNumber) {
  EXPECT_TRUE(ValidateMemberNumber("079927398713").ok());
  EXPECT_EQ(ReasonOf(ValidateMemberNumber("079927398710")), "INVALID_MEMBER_NUMBER");
  EXPECT_EQ(ReasonOf(ValidateMemberNumber("")), "INVALID_MEMBER_NUMBER");
}

TEST(MembersValidationTest, PhonesNormaliseToElevenDigits) {
  for (const char* phone :
       {"13812345678", "+8613812345678", "8613812345678", "+86 138-1234-5678", "138 1234 5678"}) {
    Result<std::string> normalized = NormalizePhone(phone);
    ASSERT_TRUE(normalized.ok()) << phone << ": " << normalized.status().ToString();
    EXPECT_EQ(*normalized, "13812345678") << phone;
  }
  for (const char* phone :
       {"", "1381234567", "138123456789", "12812345678", "23812345678", "1381234567x",
        "+1 13812345678", "138.1234.5678", "1 3 8 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5"}) {
    Result<std::string> normalized = NormalizePhone(phone);
    ASSERT_FALSE(normalized.ok()) << phone;
    EXPECT_EQ(ReasonOf(normalized.status()), "INVALID_PHONE") << phone;
    EXPECT_EQ(normalized.status().message().find("138"), std::string::npos);
  }
}

TEST(MembersValidationTest, MaskShowsThreeAndFour) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("123"), "****");
}

TEST(MembersValidationTest, WechatIdMaskShowsFourAndFourAndHidesShortIds) {
  EXPECT_EQ(MaskWechatId("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), "oUpF****eS6o");
  EXPECT_EQ(MaskWechatId("abcdefghijklm"), "abcd****jklm");  // 13: five hidden
  EXPECT_EQ(MaskWechatId("abcdefghijkl"), "****");           // 12 would hide only four
  EXPECT_EQ(MaskWechatId(""), "****");
}

}  // namespace
}  // namespace mileage::members
