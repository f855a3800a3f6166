#include "db/url.h"

#include <gtest/gtest.h>

namespace mileage::db {
namespace {

TEST(DatabaseUrlTest, SqliteFile) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("sqlite:var/mileage.db");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->dialect, Dialect::kSqlite);
  EXPECT_EQ(url->path, "var/mileage.db");
  EXPECT_EQ(url->Redacted(), "sqlite:var/mileage.db");
}

TEST(DatabaseUrlTest, SqliteAbsolutePathAndMemory) {
  Result<DatabaseUrl> file = ParseDatabaseUrl("sqlite:/srv/mileage/db.sqlite");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->path, "/srv/mileage/db.sqlite");
  Result<DatabaseUrl> memory = ParseDatabaseUrl("sqlite::memory:");
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->path, ":memory:");
}

TEST(DatabaseUrlTest, MysqlFull) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:secret@db.internal:3307/mileage");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->dialect, Dialect::kMysql);
  EXPECT_EQ(url->user, "app");
  EXPECT_EQ(url->password, "secret");
  EXPECT_EQ(url->host, "db.internal");
  EXPECT_EQ(url->port, 3307);
  EXPECT_EQ(url->database, "mileage");
  EXPECT_EQ(url->Redacted(), "mysql://app:***@db.internal:3307/mileage");
}

TEST(DatabaseUrlTest, MysqlDefaultPortAndNoPassword) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app@10.0.0.5/mileage_prod");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->port, 3306);
  EXPECT_EQ(url->password, "");
  EXPECT_EQ(url->host, "10.0.0.5");
  EXPECT_EQ(url->Redacted(), "mysql://app@10.0.0.5:3306/mileage_prod");
}

TEST(DatabaseUrlTest, MysqlPercentDecodesUserAndPassword) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://us%65r:p%40ss%3Aw%2Fd%25@h/d");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->user, "user");
  EXPECT_EQ(url->password, "p@ss:w/d%");
}

TEST(DatabaseUrlTest, MysqlPasswordMayContainLiteralAtColonAndSlash) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:a@b:c/d@db:3306/m");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->password, "a@b:c/d");
  EXPECT_EQ(url->host, "db");
  EXPECT_EQ(url->database, "m");
}

TEST(DatabaseUrlTest, MysqlIpv6Host) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:pw@[::1]:3310/m");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 3310);
  EXPECT_EQ(url->Redacted(), "mysql://app:***@[::1]:3310/m");
}

TEST(DatabaseUrlTest, MysqlSyncWaitOption) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:pw@db1:3306/mileage?wsrep_sync_wait=3");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->database, "mileage");
  ASSERT_TRUE(url->wsrep_sync_wait.has_value());
  EXPECT_EQ(*url->wsrep_sync_wait, 3);
  EXPECT_EQ(url->Redacted(), "mysql://app:***@db1:3306/mileage?wsrep_sync_wait=3");
  Result<DatabaseUrl> zero = ParseDatabaseUrl("mysql://app@db1/m?wsrep_sync_wait=0");
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_EQ(zero->wsrep_sync_wait, 0);
}

TEST(DatabaseUrlTest, MysqlWithoutSyncWaitLeavesItUnset) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:pw@db1/mileage");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_FALSE(url->wsrep_sync_wait.has_value());
}

TEST(DatabaseUrlTest, AQuestionMarkInThePasswordIsNotAQuery) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://app:pa?ss@db1/mileage");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->password, "pa?ss");
  EXPECT_FALSE(url->wsrep_sync_wait.has_value());
}

struct BadUrl {
  const char* name;
  const char* url;
  const char* mentions;
};

class MalformedDatabaseUrlTest : public ::testing::TestWithParam<BadUrl> {};

TEST_P(MalformedDatabaseUrlTest, IsInvalidArgumentNamingTheProblem) {
  Result<DatabaseUrl> url = ParseDatabaseUrl(GetParam().url);
  ASSERT_FALSE(url.ok()) << GetParam().url;
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(url.status().message().find(GetParam().mentions), std::string::npos)
      << url.status().message();
  EXPECT_EQ(url.status().message().find("hunter2"), std::string::npos)
      << "the password leaked: " << url.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    All, MalformedDatabaseUrlTest,
    ::testing::Values(BadUrl{"Empty", "", "empty"},
                      BadUrl{"UnknownScheme", "postgres://u:hunter2@h/d", "scheme"},
                      BadUrl{"NoScheme", "var/mileage.db", "scheme"},
                      BadUrl{"SqliteEmptyPath", "sqlite:", "path"},
                      BadUrl{"SqliteDoubleSlash", "sqlite://var/x.db", "sqlite:PATH"},
                      BadUrl{"NoUserInfo", "mysql://h:3306/d", "user"},
                      BadUrl{"EmptyUser", "mysql://:hunter2@h/d", "user"},
                      BadUrl{"NoHost", "mysql://u:hunter2@/d", "host"},
                      BadUrl{"PortWithoutHost", "mysql://u:hunter2@:3306/d", "host"},
                      BadUrl{"NoDatabase", "mysql://u:hunter2@h", "database"},
                      BadUrl{"EmptyDatabase", "mysql://u:hunter2@h/", "database"},
                      BadUrl{"EmptyPort", "mysql://u:hunter2@h:/d", "port"},
                      BadUrl{"PortZero", "mysql://u:hunter2@h:0/d", "port"},
                      BadUrl{"PortTooLarge", "mysql://u:hunter2@h:65536/d", "port"},
                      BadUrl{"PortNotNumeric", "mysql://u:hunter2@h:33x6/d", "port"},
                      BadUrl{"Query", "mysql://u:hunter2@h/d?ssl=1", "query"},
                      BadUrl{"SyncWaitAndMore", "mysql://u@h/d?wsrep_sync_wait=1&a=1", "wsrep"},
                      BadUrl{"SyncWaitEmpty", "mysql://u@h/d?wsrep_sync_wait=", "0..15"},
                      BadUrl{"SyncWaitTooLarge", "mysql://u@h/d?wsrep_sync_wait=16", "0..15"},
                      BadUrl{"SyncWaitNegative", "mysql://u@h/d?wsrep_sync_wait=-1", "0..15"},
                      BadUrl{"SyncWaitNotNumeric", "mysql://u@h/d?wsrep_sync_wait=on", "0..15"},
                      BadUrl{"Fragment", "mysql://u:hunter2@h/d#frag", "fragment"},
                      BadUrl{"DatabaseWithDash", "mysql://u:hunter2@h/my-db", "database name"},
                      BadUrl{"DatabaseWithSlash", "mysql://u:hunter2@h/a/b", "database name"},
                      BadUrl{"HostWithSpace", "mysql://u:hunter2@bad host/d", "host"},
                      BadUrl{"UnclosedIpv6", "mysql://u:hunter2@[::1/d", "'['"},
                      BadUrl{"ShortEscapeInUser", "mysql://u%4:hunter2@h/d", "user"},
                      BadUrl{"BadEscapeInPassword", "mysql://u:hunter2%zz@h/d", "password"},
                      BadUrl{"TruncatedEscapeInPassword", "mysql://u:hunter2%@h/d", "password"}),
    [](const ::testing::TestParamInfo<BadUrl>& param_info) { return param_info.param.name; });

TEST(DatabaseUrlTest, DatabaseNameLongerThan64IsRejected) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("mysql://u@h/" + std::string(65, 'a'));
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseDatabaseUrl("mysql://u@h/" + std::string(64, 'a')).ok());
}

}  // namespace
}  // namespace mileage::db
