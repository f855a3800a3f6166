#include "common/config.h"

#include <gtest/gtest.h>

namespace mileage {
namespace {

TEST(ListenAddressTest, ParsesHostAndPort) {
  auto a = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(ListenAddressTest, RejectsMalformed) {
  for (const char* bad :
       {"", "8080", ":8080", "localhost:", "localhost:http", "h:65536", "h:-1", "h:80x"}) {
    auto a = ParseListenAddress(bad);
    EXPECT_FALSE(a.ok()) << bad;
    if (!a.ok()) {
      EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(ConfigTest, DefaultsAreTheEmbeddedMode) {
  Config c;
  EXPECT_EQ(c.database.rfind("sqlite:", 0), 0u);
  EXPECT_EQ(c.kv, "memory");
  EXPECT_GT(c.http_threads, 8);
}

}  // namespace
}  // namespace mileage
