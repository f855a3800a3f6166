// Member codes (members/member_codes.h): "mc1" signed short tokens bound to their member (in
// the signed text) and their brand (in the key label), refused when altered, expired, of
// another brand or deployment (a coupon QR token is refused in tests/unit/coupons).
#include "members/member_codes.h"

#include <gtest/gtest.h>

#include <string>

#include "common/testing/fake_random.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "tests/support/data_keys.h"

namespace mileage::members {
namespace {

constexpr int64_t kNow = 1'794'880'800;

class MemberCodesTest : public ::testing::Test {
 protected:
  testing::FakeRandom random_{7};
  crypto::DataKey key_ = testing::FilledDataKey(9);
  MemberCodes codes_{key_, random_};
};

TEST_F(MemberCodesTest, ACodeNamesItsMemberForSixtySecondsUnderItsBrandsKey) {
  Result<MemberCode> minted = codes_.Mint(3, 901, kNow);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_EQ(minted->expires_at, kNow + 60);
  ASSERT_EQ(minted->token.rfind("mc1.901." + std::to_string(kNow + 60) + ".", 0), 0u)
      << minted->token;
  // The tag recomputed from the documented label of brand 3.
  const size_t dot = minted->token.rfind('.');
  const crypto::Key256 subkey = key_.Derive("mileage/member-code/v1/brand:3").value();
  const std::string mac =
      crypto::HmacSha256(std::string(reinterpret_cast<const char*>(subkey.data()), subkey.size()),
                         minted->token.substr(0, dot));
  EXPECT_EQ(minted->token.substr(dot + 1), crypto::HexEncode(mac.substr(0, 16)));

  for (int64_t at : {kNow, kNow + 59}) {
    Result<int64_t> member = codes_.Verify(3, minted->token, at);
    ASSERT_TRUE(member.ok()) << member.status().ToString();
    EXPECT_EQ(*member, 901);
  }
  Result<int64_t> late = codes_.Verify(3, minted->token, kNow + 60);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().reason(), "MEMBER_CODE_EXPIRED");
}

TEST_F(MemberCodesTest, TamperedCodesAreInvalid) {
  const std::string code = codes_.Mint(3, 901, kNow).value().token;
  // Another member with the old tag, a later expiry with the old tag, every character flipped.
  std::vector<std::string> bad = {"mc1.902" + code.substr(7),
                                  "mc1.901." + std::to_string(kNow + 3600) + code.substr(19),
                                  code + "0", ""};
  for (size_t i = 0; i < code.size(); ++i) {
    std::string flipped = code;
    flipped[i] = flipped[i] == '0' ? '1' : '0';
    bad.push_back(flipped);
  }
  for (const std::string& c : bad) {
    Result<int64_t> member = codes_.Verify(3, c, kNow);
    ASSERT_FALSE(member.ok()) << c;
    EXPECT_EQ(member.status().code(), StatusCode::kInvalidArgument) << c;
    EXPECT_EQ(member.status().reason(), "INVALID_MEMBER_CODE") << c;
  }
}

TEST_F(MemberCodesTest, AnotherBrandsOrDeploymentsCodeIsForeignEvenWhenExpired) {
  const std::string brand4 = codes_.Mint(4, 901, kNow).value().token;
  ASSERT_TRUE(codes_.Verify(4, brand4, kNow).ok());
  MemberCodes other_deployment(testing::FilledDataKey(10), random_);
  const std::string foreign = other_deployment.Mint(3, 901, kNow).value().token;
  for (const std::string& code : {brand4, foreign}) {
    for (int64_t at : {kNow, kNow + 3600}) {
      Result<int64_t> member = codes_.Verify(3, code, at);
      ASSERT_FALSE(member.ok()) << code;
      EXPECT_EQ(member.status().reason(), "INVALID_MEMBER_CODE") << code;
    }
  }
}

TEST_F(MemberCodesTest, BrandAndMemberIdsMustBePositive) {
  EXPECT_EQ(codes_.Mint(0, 901, kNow).status().reason(), "INVALID_ID");
  EXPECT_EQ(codes_.Mint(3, 0, kNow).status().reason(), "INVALID_ID");
  EXPECT_EQ(codes_.Verify(-1, "mc1", kNow).status().reason(), "INVALID_ID");
}

}  // namespace
}  // namespace mileage::members
