// Signed short tokens (crypto/signed_tokens.h), the construction under coupon QR tokens and
// member codes: the documented format and tag recomputed here, expiry, altered and foreign
// tokens, and kinds kept apart by prefix and key label.
#include "crypto/signed_tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/testing/fake_random.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "tests/support/data_keys.h"

namespace mileage::crypto {
namespace {

constexpr int64_t kNow = 1'794'880'800;

constexpr SignedTokenKind kKind = {
    .prefix = "tt1",
    .key_label = "mileage/test-token/v1",
    .lifetime_s = 90,
    .invalid_reason = "INVALID_TEST_TOKEN",
    .invalid_message = "not valid",
    .expired_reason = "TEST_TOKEN_EXPIRED",
    .expired_message = "expired",
};

class SignedTokensTest : public ::testing::Test {
 protected:
  testing::FakeRandom random_{3};
  DataKey key_ = testing::FilledDataKey(9);
  SignedTokens tokens_{key_, random_, kKind};
};

TEST_F(SignedTokensTest, ATokenNamesItsIdForItsLifetime) {
  Result<SignedToken> minted = tokens_.Mint(77, kNow);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_EQ(minted->expires_at, kNow + 90);
  const std::string head = "tt1.77." + std::to_string(kNow + 90) + ".";
  ASSERT_EQ(minted->token.rfind(head, 0), 0u) << minted->token;
  // 16 hex of randomness, then 32 hex of tag: the first 16 bytes of HMAC-SHA256 over the rest
  // under the label's subkey, recomputed from the documented format.
  ASSERT_EQ(minted->token.size(), head.size() + 16 + 1 + 32);
  const size_t dot = minted->token.rfind('.');
  const Key256 subkey = key_.Derive("mileage/test-token/v1").value();
  const std::string mac =
      HmacSha256(std::string(reinterpret_cast<const char*>(subkey.data()), subkey.size()),
                 minted->token.substr(0, dot));
  EXPECT_EQ(minted->token.substr(dot + 1), HexEncode(mac.substr(0, 16)));

  for (int64_t at : {kNow - 5, kNow, kNow + 89}) {
    Result<int64_t> verified = tokens_.Verify(minted->token, at);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(*verified, 77);
  }
  for (int64_t at : {kNow + 90, kNow + 86400}) {
    Result<int64_t> late = tokens_.Verify(minted->token, at);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(late.status().reason(), "TEST_TOKEN_EXPIRED");
  }
}

TEST_F(SignedTokensTest, TwoTokensOfOneIdAndSecondDiffer) {
  EXPECT_NE(tokens_.Mint(77, kNow).value().token, tokens_.Mint(77, kNow).value().token);
}

TEST_F(SignedTokensTest, OnlyPositiveIdsAreMinted) {
  for (int64_t id : {int64_t{0}, int64_t{-1}}) {
    Result<SignedToken> minted = tokens_.Mint(id, kNow);
    ASSERT_FALSE(minted.ok());
    EXPECT_EQ(minted.status().reason(), "INVALID_ID");
  }
}

TEST_F(SignedTokensTest, AlteredTokensAreInvalid) {
  const std::string token = tokens_.Mint(77, kNow).value().token;
  const std::string tail = token.substr(std::string("tt1.77").size());
  std::vector<std::string> bad = {"",
                                  "tt1",
                                  token + "0",
                                  token + ".",
                                  token.substr(0, token.size() - 1),
                                  "tt1.78" + tail,
                                  "tt1.077" + tail,
                                  "tt1.-77" + tail,
                                  "TT1.77" + tail,
                                  "tt2.77" + tail,
                                  std::string(300, 'a')};
  // A later expiry with the old tag.
  bad.push_back("tt1.77." + std::to_string(kNow + 3600) +
                token.substr(std::string("tt1.77.").size() + std::to_string(kNow + 90).size()));
  for (size_t i = 0; i < token.size(); ++i) {
    std::string flipped = token;
    flipped[i] = flipped[i] == '0' ? '1' : '0';
    bad.push_back(flipped);
  }
  for (const std::string& t : bad) {
    Result<int64_t> verified = tokens_.Verify(t, kNow);
    ASSERT_FALSE(verified.ok()) << t;
    EXPECT_EQ(verified.status().code(), StatusCode::kInvalidArgument) << t;
    EXPECT_EQ(verified.status().reason(), "INVALID_TEST_TOKEN") << t;
  }
}

TEST_F(SignedTokensTest, AnotherKeyLabelOrDeploymentIsForeignEvenWhenExpired) {
  SignedTokens other_label(key_, "mileage/test-token/v2", random_, kKind);
  SignedTokens other_key(testing::FilledDataKey(10), random_, kKind);
  for (const SignedTokens* other : {&other_label, &other_key}) {
    const std::string foreign = other->Mint(77, kNow).value().token;
    ASSERT_TRUE(other->Verify(foreign, kNow).ok());
    // The tag is checked before the expiry: a forgery is never reported as merely old.
    for (int64_t at : {kNow, kNow + 3600}) {
      Result<int64_t> verified = tokens_.Verify(foreign, at);
      ASSERT_FALSE(verified.ok());
      EXPECT_EQ(verified.status().reason(), "INVALID_TEST_TOKEN");
    }
  }
}

TEST_F(SignedTokensTest, AnotherPrefixUnderTheSameKeyIsForeign) {
  SignedTokenKind renamed = kKind;
  renamed.prefix = "xx1";
  SignedTokens other(key_, random_, renamed);
  const std::string token = other.Mint(77, kNow).value().token;
  EXPECT_EQ(tokens_.Verify(token, kNow).status().reason(), "INVALID_TEST_TOKEN");
  // With the prefix swapped back the tag no longer matches either.
  EXPECT_EQ(tokens_.Verify("tt1" + token.substr(3), kNow).status().reason(), "INVALID_TEST_TOKEN");
}

}  // namespace
}  // namespace mileage::crypto
