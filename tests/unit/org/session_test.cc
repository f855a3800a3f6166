// Console session tokens (format, deployment binding) and the session record kept in the Kv.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>

#include "common/testing/fake_random.h"
#include "crypto/data_key.h"
#include "org/session_record.h"
#include "org/session_tokens.h"

namespace mileage::org {
namespace {

using testing::FakeRandom;

crypto::DataKey KeyOf(char digit) { return *crypto::DataKey::FromHex(std::string(64, digit)); }

TEST(SessionTokensTest, TokensAre256RandomBitsPlusATag) {
  FakeRandom random;
  SessionTokens tokens(KeyOf('a'), random);
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

TEST(SessionTokensTest, AMintedTokenMapsToItsKvKey) {
  FakeRandom random;
  SessionTokens tokens(KeyOf('a'), random);
  MintedToken minted = *tokens.Mint();
  Result<std::string> key = tokens.KvKeyOf(minted.token);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, minted.kv_key);
}

TEST(SessionTokensTest, TokensOfAnotherDeploymentAreRefused) {
  FakeRandom random;
  SessionTokens ours(KeyOf('a'), random);
  SessionTokens theirs(KeyOf('b'), random);
  Result<std::string> key = ours.KvKeyOf(theirs.Mint()->token);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(key.status().reason(), "INVALID_TOKEN");
}

TEST(SessionTokensTest, AlteredOrMalformedTokensAreRefused) {
  FakeRandom random;
  SessionTokens tokens(KeyOf('a'), random);
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

TEST(SessionRecordTest, RoundTrips) {
  Session session;
  session.principal =
      Principal{42, "clerk.a@example", Role::kStoreClerk, NodePath{NodeType::kStore, 1, 2, 3, 4}};
  session.expires_at = TimePoint(std::chrono::milliseconds(1'800'000'123'456));
  session.credentials_version = 17;
  std::string encoded = EncodeSession(session);
  std::optional<Session> decoded = DecodeSession(encoded);
  ASSERT_TRUE(decoded.has_value()) << encoded;
  EXPECT_EQ(decoded->principal.staff_id, 42);
  EXPECT_EQ(decoded->principal.username, "clerk.a@example");
  EXPECT_EQ(decoded->principal.role, Role::kStoreClerk);
  EXPECT_EQ(decoded->principal.scope, session.principal.scope);
  EXPECT_EQ(decoded->expires_at, session.expires_at);
  EXPECT_EQ(decoded->credentials_version, 17);
}

TEST(SessionRecordTest, ForeignValuesDoNotDecode) {
  for (const char* bad :
       {"", "revoked", "s2|1|brand_admin|brand|1|0|0|0|5|3",
        "s1|1|brand_admin|brand|1|0|0|0|5|u" /* before credentials versions */,
        "s3|1|brand_admin|brand|1|0|0|0|5|3|u", "s2|x|brand_admin|brand|1|0|0|0|5|3|u",
        "s2|1|king|brand|1|0|0|0|5|3|u", "s2|1|brand_admin|galaxy|1|0|0|0|5|3|u",
        "s2|1|brand_admin|brand|1|0|0|0|5|x|u", "s2|1|brand_admin|brand|1|0|0|0|5|3|"}) {
    EXPECT_FALSE(DecodeSession(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace mileage::org
