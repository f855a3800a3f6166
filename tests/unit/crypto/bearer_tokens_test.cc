// Bearer session tokens (crypto::BearerTokens): format, binding to the deployment's data key
// and to the token kind, and refusal of anything altered.
#include "crypto/bearer_tokens.h"

#include <gtest/gtest.h>

#include <cctype>
#include <regex>
#include <set>

#include "common/testing/fake_random.h"

namespace mileage::crypto {
namespace {

using testing::FakeRandom;

constexpr BearerTokenKind kStaff{"mst1.", "test/staff-token/v1", "console:session:"};
constexpr BearerTokenKind kMember{"mmt1.", "test/member-token/v1", "mp:session:"};

DataKey KeyOf(char digit) { return *DataKey::FromHex(std::string(64, digit)); }

TEST(BearerTokensTest, TokensAre256RandomBitsPlusATag) {
  FakeRandom random;
  BearerTokens tokens(KeyOf('a'), random, kStaff);
  Result<MintedToken> minted = tokens.Mint();
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_TRUE(std::regex_match(minted->token, std::regex("mst1\\.[0-9a-f]{64}\\.[0-9a-f]{32}")))
      << minted->token;
  EXPECT_TRUE(std::regex_match(minted->kv_key, std::regex("console:session:[0-9a-f]{64}")));
  EXPECT_EQ(minted->kv_key.find(minted->token.substr(5, 64)), std::string::npos)
      << "the Kv key must not contain the token";
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(tokens.Mint()->token);
  EXPECT_EQ(seen.size(), 100u);
}

TEST(BearerTokensTest, AMintedTokenMapsToItsKvKey) {
  FakeRandom random;
  BearerTokens tokens(KeyOf('a'), random, kMember);
  MintedToken minted = *tokens.Mint();
  EXPECT_TRUE(std::regex_match(minted.token, std::regex("mmt1\\.[0-9a-f]{64}\\.[0-9a-f]{32}")));
  Result<std::string> key = tokens.KvKeyOf(minted.token);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, minted.kv_key);
  EXPECT_TRUE(std::regex_match(*key, std::regex("mp:session:[0-9a-f]{64}")));
}

TEST(BearerTokensTest, TokensOfAnotherDeploymentAreRefused) {
  FakeRandom random;
  BearerTokens ours(KeyOf('a'), random, kStaff);
  BearerTokens theirs(KeyOf('b'), random, kStaff);
  Result<std::string> key = ours.KvKeyOf(theirs.Mint()->token);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(key.status().reason(), "INVALID_TOKEN");
}

TEST(BearerTokensTest, TokensOfAnotherKindAreRefusedEvenWithItsPrefixSwapped) {
  FakeRandom random;
  BearerTokens staff(KeyOf('a'), random, kStaff);
  BearerTokens members(KeyOf('a'), random, kMember);
  const std::string member_token = members.Mint()->token;
  const std::string staff_token = staff.Mint()->token;
  EXPECT_EQ(staff.KvKeyOf(member_token).status().reason(), "INVALID_TOKEN");
  EXPECT_EQ(members.KvKeyOf(staff_token).status().reason(), "INVALID_TOKEN");
  // The tag covers the prefix, and each kind has its own MAC key.
  EXPECT_EQ(staff.KvKeyOf("mst1." + member_token.substr(5)).status().reason(), "INVALID_TOKEN");
  EXPECT_EQ(members.KvKeyOf("mmt1." + staff_token.substr(5)).status().reason(), "INVALID_TOKEN");
}

TEST(BearerTokensTest, AlteredOrMalformedTokensAreRefused) {
  FakeRandom random;
  BearerTokens tokens(KeyOf('a'), random, kStaff);
  const std::string token = tokens.Mint()->token;
  std::string flipped_random = token;
  flipped_random[10] = flipped_random[10] == 'a' ? 'b' : 'a';
  std::string flipped_tag = token;
  flipped_tag.back() = flipped_tag.back() == 'a' ? 'b' : 'a';
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& bad :
       {flipped_random, flipped_tag, upper, token.substr(1), token + "0", std::string(""),
        std::string("mst1."), "mst2" + token.substr(4), std::string(token.size(), 'x')}) {
    EXPECT_EQ(tokens.KvKeyOf(bad).status().reason(), "INVALID_TOKEN") << bad;
  }
}

}  // namespace
}  // namespace mileage::crypto
