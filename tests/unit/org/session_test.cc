// The console session record kept in the Kv (the tokens are crypto::BearerTokens', tested in
// tests/unit/crypto; the Kv protocol is kv::SlidingSessions', tested in tests/unit/kv).
#include <gtest/gtest.h>

#include "org/session_record.h"

namespace mileage::org {
namespace {

TEST(SessionRecordTest, RoundTrips) {
  const Principal principal{42, "clerk.a@example", Role::kStoreClerk,
                            NodePath{NodeType::kStore, 1, 2, 3, 4}};
  const std::string encoded = EncodeSession(principal, 17);
  EXPECT_EQ(encoded, "s3|42|store_clerk|store|1|2|3|4|17|clerk.a@example");
  std::optional<Session> decoded = DecodeSession(encoded);
  ASSERT_TRUE(decoded.has_value()) << encoded;
  EXPECT_EQ(decoded->principal.staff_id, 42);
  EXPECT_EQ(decoded->principal.username, "clerk.a@example");
  EXPECT_EQ(decoded->principal.role, Role::kStoreClerk);
  EXPECT_EQ(decoded->principal.scope, principal.scope);
  EXPECT_EQ(decoded->credentials_version, 17);
}

TEST(SessionRecordTest, ForeignValuesDoNotDecode) {
  for (const char* bad :
       {"", "revoked", "s3|1|brand_admin|brand|1|0|0|0|3",
        "s2|1|brand_admin|brand|1|0|0|0|5|3|u" /* before the expiry moved to the entry */,
        "s1|1|brand_admin|brand|1|0|0|0|5|u" /* before credentials versions */,
        "s4|1|brand_admin|brand|1|0|0|0|3|u", "s3|x|brand_admin|brand|1|0|0|0|3|u",
        "s3|1|king|brand|1|0|0|0|3|u", "s3|1|brand_admin|galaxy|1|0|0|0|3|u",
        "s3|1|brand_admin|brand|1|0|0|0|x|u", "s3|1|brand_admin|brand|1|0|0|0|3|",
        "s3|1|brand_admin|brand|1|0|0|0|3|u|v"}) {
    EXPECT_FALSE(DecodeSession(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace mileage::org
