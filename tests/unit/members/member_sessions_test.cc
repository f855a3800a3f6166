// The member session payload kept in the Kv and the shape check of wx.login codes (the
// sessions' behaviour over HTTP is in tests/integration/mp).
#include "members/member_sessions.h"

#include <gtest/gtest.h>

#include "members/member_login.h"

namespace mileage::members {
namespace {

TEST(MemberSessionPayloadTest, RoundTrips) {
  const MemberPrincipal member{42, 7, "wx8888888888888888"};
  const std::string payload = EncodeMemberPrincipal(member);
  EXPECT_EQ(payload, "m1|42|7|wx8888888888888888");
  std::optional<MemberPrincipal> decoded = DecodeMemberPrincipal(payload);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->member_id, 42);
  EXPECT_EQ(decoded->brand_id, 7);
  EXPECT_EQ(decoded->appid, "wx8888888888888888");
}

TEST(MemberSessionPayloadTest, ForeignPayloadsDoNotDecode) {
  for (const char* bad :
       {"", "m1", "m1|42|7", "m1|42|7|", "m2|42|7|wx1", "m1|x|7|wx1", "m1|42|-7|wx1", "m1|0|7|wx1",
        "m1|42|7|wx|1", "m1| 42|7|wx1", "s3|42|brand_admin|brand|1|0|0|0|3|u"}) {
    EXPECT_FALSE(DecodeMemberPrincipal(bad).has_value()) << bad;
  }
}

TEST(LoginCodeTest, OnlyPrintableAsciiWithoutSpacesUpTo256Bytes) {
  EXPECT_TRUE(IsPlausibleLoginCode("0a3Bc~!"));
  EXPECT_TRUE(IsPlausibleLoginCode(std::string(256, 'x')));
  for (const std::string& bad :
       {std::string(), std::string(257, 'x'), std::string("a b"), std::string("a\tb"),
        std::string("a\nb"), std::string("\x7f"), std::string("caf\xc3\xa9")}) {
    EXPECT_FALSE(IsPlausibleLoginCode(bad)) << bad;
  }
}

}  // namespace
}  // namespace mileage::members
