#include "kv/kv_url.h"

#include <gtest/gtest.h>

#include <string>

namespace mileage::kv {
namespace {

TEST(ParseKvUrlTest, Memory) {
  Result<KvUrl> url = ParseKvUrl("memory");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->kind, KvUrl::Kind::kMemory);
  EXPECT_EQ(url->ToString(), "memory");
}

TEST(ParseKvUrlTest, FullRedisUrl) {
  Result<KvUrl> url = ParseKvUrl("redis://10.0.0.5:6380/3");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->kind, KvUrl::Kind::kRedis);
  EXPECT_EQ(url->host, "10.0.0.5");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 3);
  EXPECT_EQ(url->username, "");
  EXPECT_EQ(url->password, "");
  EXPECT_EQ(url->ToString(), "redis://10.0.0.5:6380/3");
}

TEST(ParseKvUrlTest, DefaultsPortAndDb) {
  for (const char* text :
       {"redis://cache.internal", "redis://cache.internal/", "REDIS://cache.internal"}) {
    Result<KvUrl> url = ParseKvUrl(text);
    ASSERT_TRUE(url.ok()) << text << ": " << url.status().ToString();
    EXPECT_EQ(url->host, "cache.internal") << text;
    EXPECT_EQ(url->port, 6379) << text;
    EXPECT_EQ(url->db, 0) << text;
  }
  Result<KvUrl> db_only = ParseKvUrl("redis://localhost/15");
  ASSERT_TRUE(db_only.ok());
  EXPECT_EQ(db_only->port, 6379);
  EXPECT_EQ(db_only->db, 15);
}

TEST(ParseKvUrlTest, PasswordOnly) {
  Result<KvUrl> url = ParseKvUrl("redis://:s3cret@127.0.0.1:6379/0");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->username, "");
  EXPECT_EQ(url->password, "s3cret");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->ToString(), "redis://:***@127.0.0.1:6379/0");
}

TEST(ParseKvUrlTest, UsernameAndPassword) {
  Result<KvUrl> url = ParseKvUrl("redis://app:pw@cache:7000/1");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->username, "app");
  EXPECT_EQ(url->password, "pw");
  EXPECT_EQ(url->ToString(), "redis://app:***@cache:7000/1");
}

TEST(ParseKvUrlTest, PasswordWithEscapesAndReservedCharacters) {
  Result<KvUrl> escaped = ParseKvUrl("redis://:p%40ss%3Aw%2Fd@host/2");
  ASSERT_TRUE(escaped.ok()) << escaped.status().ToString();
  EXPECT_EQ(escaped->password, "p@ss:w/d");
  EXPECT_EQ(escaped->host, "host");
  EXPECT_EQ(escaped->db, 2);

  // Unescaped '/', '?', '#' and '@' in the password: the credentials end at the last '@'.
  Result<KvUrl> raw = ParseKvUrl("redis://:a/b?c#d@e@host:1234/5");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->password, "a/b?c#d@e");
  EXPECT_EQ(raw->host, "host");
  EXPECT_EQ(raw->port, 1234);
  EXPECT_EQ(raw->db, 5);
}

TEST(ParseKvUrlTest, Ipv6Host) {
  Result<KvUrl> url = ParseKvUrl("redis://[::1]:6380/0");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->ToString(), "redis://[::1]:6380/0");
  Result<KvUrl> no_port = ParseKvUrl("redis://[fe80::1]");
  ASSERT_TRUE(no_port.ok()) << no_port.status().ToString();
  EXPECT_EQ(no_port->host, "fe80::1");
  EXPECT_EQ(no_port->port, 6379);
}

struct Malformed {
  const char* text;
  const char* message_part;
};

class ParseKvUrlMalformedTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(ParseKvUrlMalformedTest, IsInvalidArgumentNamingTheProblem) {
  Result<KvUrl> url = ParseKvUrl(GetParam().text);
  ASSERT_FALSE(url.ok()) << GetParam().text;
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(url.status().message().find(GetParam().message_part), std::string::npos)
      << url.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseKvUrlMalformedTest,
    ::testing::Values(
        Malformed{"", "expected \"memory\""}, Malformed{"Memory", "expected \"memory\""},
        Malformed{" memory", "expected \"memory\""},
        Malformed{"localhost:6379", "expected \"memory\""},
        Malformed{"http://localhost:6379", "unsupported scheme \"http\""},
        Malformed{"rediss://localhost:6379", "TLS"}, Malformed{"redis://", "host is empty"},
        Malformed{"redis://:6379/0", "host is empty"}, Malformed{"redis://:pw@/0", "host is empty"},
        Malformed{"redis://local host", "invalid character"},
        Malformed{"redis://host:", "port \"\""}, Malformed{"redis://host:0", "port \"0\""},
        Malformed{"redis://host:65536", "port \"65536\""},
        Malformed{"redis://host:63a9", "port \"63a9\""},
        Malformed{"redis://host:-1", "port \"-1\""}, Malformed{"redis://host:6379/x", "db \"x\""},
        Malformed{"redis://host:6379/-1", "db \"-1\""},
        Malformed{"redis://host:6379/0/1", "db \"0/1\""},
        Malformed{"redis://host:6379/9999999999", "db \"9999999999\""},
        Malformed{"redis://host:6379/0?timeout=1", "query"},
        Malformed{"redis://host#frag", "fragment"}, Malformed{"redis://::1:6379", "brackets"},
        Malformed{"redis://[::1:6379", "']'"}, Malformed{"redis://[::1]x", "after the IPv6 host"},
        Malformed{"redis://[::g]", "invalid character"},
        Malformed{"redis://secret@host", "credentials"},
        Malformed{"redis://:@host", "password is empty"},
        Malformed{"redis://:bad%zzescape@host", "password has a malformed"},
        Malformed{"redis://us%4:pw@host", "username has a malformed"}));

TEST(ParseKvUrlTest, ErrorsNeverEchoThePassword) {
  for (const char* text :
       {"redis://:hunter2@host:99999/0", "redis://:hunter2@host/x", "redis://:hunter2@",
        "redis://:hunter2%zz@host", "redis://u:hunter2@host?x=1", "mysql://:hunter2@host"}) {
    Result<KvUrl> url = ParseKvUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.status().message().find("hunter2"), std::string::npos) << url.status().message();
  }
}

}  // namespace
}  // namespace mileage::kv
