// QR tokens: minted for a coupon, verified by tag before anything in them is believed, refused
// when altered, foreign or expired.
#include "coupons/qr_tokens.h"

#include <gtest/gtest.h>

#include <string>

#include "common/testing/fake_random.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "members/member_codes.h"
#include "tests/support/data_keys.h"

namespace mileage::coupons {
namespace {

constexpr int64_t kNow = 1'794'880'800;

class QrTokensTest : public ::testing::Test {
 protected:
  testing::FakeRandom random_{3};
  crypto::DataKey key_ = testing::FilledDataKey(9);
  QrTokens tokens_{key_, random_};
};

TEST_F(QrTokensTest, ATokenNamesItsCouponForSixtySeconds) {
  Result<QrToken> minted = tokens_.Mint(4242, kNow);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_EQ(minted->expires_at, kNow + 60);
  EXPECT_EQ(minted->token.rfind("cq1.4242." + std::to_string(kNow + 60) + ".", 0), 0u)
      << minted->token;
  // The tag: the first 16 bytes of HMAC-SHA256 over the rest, under the derived subkey,
  // recomputed here from the documented format.
  const size_t dot = minted->token.rfind('.');
  const crypto::Key256 subkey = key_.Derive("mileage/coupon-qr-token/v1").value();
  const std::string mac =
      crypto::HmacSha256(std::string(reinterpret_cast<const char*>(subkey.data()), subkey.size()),
                         minted->token.substr(0, dot));
  EXPECT_EQ(minted->token.substr(dot + 1), crypto::HexEncode(mac.substr(0, 16)));

  for (int64_t at : {kNow, kNow + 59}) {
    Result<int64_t> verified = tokens_.Verify(minted->token, at);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(*verified, 4242);
  }
  Result<int64_t> late = tokens_.Verify(minted->token, kNow + 60);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().reason(), "QR_TOKEN_EXPIRED");
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(QrTokensTest, AlteredTokensAreInvalid) {
  const std::string token = tokens_.Mint(4242, kNow).value().token;
  std::vector<std::string> bad = {"", "cq1", token + "0", token.substr(0, token.size() - 1),
                                  // another coupon id or a later expiry with the old tag
                                  "cq1.4243" + token.substr(8),
                                  "cq1.4242." + std::to_string(kNow + 3600) + token.substr(19),
                                  "cq2" + token.substr(3), std::string(200, 'a')};
  for (size_t i = 0; i < token.size(); ++i) {
    std::string flipped = token;
    flipped[i] = flipped[i] == '0' ? '1' : '0';
    bad.push_back(flipped);
  }
  for (const std::string& t : bad) {
    Result<int64_t> verified = tokens_.Verify(t, kNow);
    ASSERT_FALSE(verified.ok()) << t;
    EXPECT_EQ(verified.status().reason(), "INVALID_QR_TOKEN") << t;
  }
}

TEST_F(QrTokensTest, AnotherDeploymentsTokenIsInvalidAndAnExpiredForgeryIsNotExpired) {
  QrTokens other(testing::FilledDataKey(10), random_);
  const std::string foreign = other.Mint(4242, kNow).value().token;
  Result<int64_t> verified = tokens_.Verify(foreign, kNow);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().reason(), "INVALID_QR_TOKEN");
  // The tag is checked before the expiry: a forged token is never reported as merely old.
  Result<int64_t> late = tokens_.Verify(foreign, kNow + 3600);
  EXPECT_EQ(late.status().reason(), "INVALID_QR_TOKEN");
}

// The QR tokens and the member codes share one construction (crypto::SignedTokens) and one data
// key; their prefixes and key labels keep them apart.
TEST_F(QrTokensTest, QrTokensAndMemberCodesAreNotInterchangeable) {
  members::MemberCodes codes(key_, random_);
  const std::string qr_token = tokens_.Mint(901, kNow).value().token;
  EXPECT_EQ(codes.Verify(3, qr_token, kNow).status().reason(), "INVALID_MEMBER_CODE");
  EXPECT_EQ(codes.Verify(3, "mc2" + qr_token.substr(3), kNow).status().reason(),
            "INVALID_MEMBER_CODE");
  const std::string code = codes.Mint(3, 901, kNow).value().token;
  EXPECT_EQ(tokens_.Verify(code, kNow).status().reason(), "INVALID_QR_TOKEN");
  EXPECT_EQ(tokens_.Verify("cq1" + code.substr(3), kNow).status().reason(), "INVALID_QR_TOKEN");
}

}  // namespace
}  // namespace mileage::coupons
