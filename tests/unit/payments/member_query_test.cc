#include <gtest/gtest.h>

#include <string>

#include "payments/member_views.h"

namespace mileage::payments {
namespace {

using members::MemberSearchBy;

MemberSearchBy By(const std::string& q) {
  Result<MemberQuery> query = ParseMemberQuery(q);
  EXPECT_TRUE(query.ok()) << q << ": " << query.status().ToString();
  return query.ok() ? query->by : MemberSearchBy::kOpenid;
}

std::string Reason(const std::string& q) {
  Result<MemberQuery> query = ParseMemberQuery(q);
  EXPECT_FALSE(query.ok()) << q;
  return query.ok() ? "" : std::string(query.status().reason());
}

TEST(MemberQueryTest, TwelveDigitsAreANumberOtherDigitsAPhoneTheRestAnOpenid) {
  EXPECT_EQ(By("123456789012"), MemberSearchBy::kNumber);
  EXPECT_EQ(By("13800138000"), MemberSearchBy::kPhone);
  EXPECT_EQ(By("+86 138-0013-8000"), MemberSearchBy::kPhone);
  EXPECT_EQ(By("8613800138000"), MemberSearchBy::kPhone);
  EXPECT_EQ(By("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), MemberSearchBy::kOpenid);
  EXPECT_EQ(By("openid-alice"), MemberSearchBy::kOpenid);
  EXPECT_EQ(ParseMemberQuery("openid-alice")->value, "openid-alice");
}

// A plate starts with its province character; whether it is a plate at all is the directory's
// INVALID_PLATE (so "张三" is read as a plate, and refused there).
TEST(MemberQueryTest, TextStartingWithAChineseCharacterIsAPlate) {
  EXPECT_EQ(By("京A12345"), MemberSearchBy::kPlate);
  EXPECT_EQ(By("粤B·D12345"), MemberSearchBy::kPlate);
  EXPECT_EQ(By("张三"), MemberSearchBy::kPlate);
  EXPECT_EQ(ParseMemberQuery("京a 12345")->value, "京a 12345");
  EXPECT_EQ(By("A12345"), MemberSearchBy::kOpenid);
}

TEST(MemberQueryTest, EmptyTooLongOrUnreadableQueriesAreRefused) {
  EXPECT_EQ(Reason(""), "INVALID_QUERY");
  EXPECT_EQ(Reason(std::string(kMaxQuery + 1, 'o')), "INVALID_QUERY");
  EXPECT_EQ(Reason("not an openid"), "INVALID_QUERY");
  EXPECT_EQ(Reason("o+1"), "INVALID_QUERY");
  EXPECT_EQ(By(std::string(kMaxQuery, 'o')), MemberSearchBy::kOpenid);
}

}  // namespace
}  // namespace mileage::payments
