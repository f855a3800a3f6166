// The `mileage` binary as operators use it: subcommands, config errors, start-up failures and
// a graceful stop on SIGTERM. Every failure must be clear and leave nothing half-started.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

using namespace std::chrono_literals;
using testing::Subprocess;
using testing::TempDir;

constexpr const char* kBinary = MILEAGE_BINARY;

std::string WriteConfig(const TempDir& dir, const std::string& json) {
  std::string path = (dir.path() / "config.json").string();
  std::ofstream(path) << json;
  return path;
}

int FreePort() { return testing::FreeLoopbackPort(); }

bool Listening(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(0, 300000);
  return static_cast<bool>(client.Get("/ping"));
}

TEST(CliTest, HelpListsTheCommands) {
  Subprocess p({kBinary, "--help"});
  EXPECT_EQ(testing::Run(p), 0);
  for (const char* command : {"serve", "migrate", "relay", "--config"}) {
    EXPECT_NE(p.stdout_text().find(command), std::string::npos) << command;
  }
}

TEST(CliTest, UnknownCommandOrOptionIsAUsageError) {
  Subprocess unknown({kBinary, "frobnicate"});
  EXPECT_EQ(testing::Run(unknown), 2);
  EXPECT_NE(unknown.stderr_text().find("unknown command frobnicate"), std::string::npos);
  Subprocess option({kBinary, "serve", "--colour"});
  EXPECT_EQ(testing::Run(option), 2);
  EXPECT_NE(option.stderr_text().find("unknown option --colour"), std::string::npos);
  Subprocess none({kBinary});
  EXPECT_EQ(testing::Run(none), 2);
}

struct BadConfig {
  const char* json;
  const char* expected_in_message;
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, RefusedAtStartUpNamingTheProblem) {
  TempDir dir;
  std::string db_path = (dir.path() / "never.db").string();
  std::string json = GetParam().json;
  size_t at = json.find("DBPATH");
  if (at != std::string::npos) json.replace(at, 6, db_path);
  std::string config = WriteConfig(dir, json);
  Subprocess p({kBinary, "serve", "--config", config});
  EXPECT_EQ(testing::Run(p), 1);
  EXPECT_NE(p.stderr_text().find(GetParam().expected_in_message), std::string::npos)
      << p.stderr_text();
  EXPECT_EQ(p.stdout_text().find("listening"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(db_path)) << "a refused config must not touch storage";
}

INSTANTIATE_TEST_SUITE_P(
    Cli, BadConfigTest,
    ::testing::Values(
        BadConfig{R"({"database":"sqlite:DBPATH", "colour":"blue"})", "\"colour\" is not a known"},
        BadConfig{R"({"database":"sqlite:DBPATH",)", "malformed JSON"},
        BadConfig{R"(["sqlite:DBPATH"])", "must be a JSON object"},
        BadConfig{R"({"database":"sqlite:DBPATH", "listen":"127.0.0.1:70000"})", "\"listen\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "http_threads":0})", "\"http_threads\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "http_threads":"64"})", "must be an integer"},
        BadConfig{R"({"database":"postgres://x/y"})", "\"database\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "kv":"memcached://x"})", "\"kv\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "log_level":"loud"})", "\"log_level\""},
        BadConfig{R"({"database":{"env":"MILEAGE_TEST_UNSET_VARIABLE"}})",
                  "MILEAGE_TEST_UNSET_VARIABLE, which is not set"},
        BadConfig{R"({"database":{"file":"/nonexistent/secret"}})", "cannot be read"},
        BadConfig{R"({"database":"sqlite:DBPATH", "tiers":[]})", "\"tiers\""},
        BadConfig{
            R"({"database":"sqlite:DBPATH", "tiers":[{"name":"gold","min_spend_fen":5,"min_visits":0}]})",
            "\"tiers\""},
        BadConfig{
            R"({"database":"sqlite:DBPATH", "tiers":[{"name":"a","min_spend_fen":"0","min_visits":0}]})",
            "\"tiers\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "points_expiry_months":-1})",
                  "\"points_expiry_months\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "jobs_interval_s":"hourly"})",
                  "\"jobs_interval_s\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "node_id":"node a"})", "\"node_id\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "node_id":""})", "\"node_id\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "job_lease_ttl_s":2})", "\"job_lease_ttl_s\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "drain_s":-1})", "\"drain_s\""},
        BadConfig{R"({"database":"sqlite:DBPATH", "drain_s":601})", "\"drain_s\""}));

TEST(CliTest, JobsRunOnceAndSayWhatTheyDid) {
  TempDir dir;
  std::string config =
      WriteConfig(dir, R"({"database":"sqlite:)" + (dir.path() / "m.db").string() + R"("})");
  Subprocess p({kBinary, "jobs", "--config", config});
  EXPECT_EQ(testing::Run(p), 0) << p.stderr_text();
  EXPECT_NE(p.stdout_text().find("0 members downgraded, 0 points lots expired, 0 coupons expired"),
            std::string::npos)
      << p.stdout_text();
}

TEST(CliTest, MissingConfigFileIsAClearError) {
  Subprocess p({kBinary, "serve", "--config", "/nonexistent/mileage.json"});
  EXPECT_EQ(testing::Run(p), 1);
  EXPECT_NE(p.stderr_text().find("cannot read config file /nonexistent/mileage.json"),
            std::string::npos);
}

TEST(CliTest, UnreachableDatabaseStopsStartUpBeforeListening) {
  TempDir dir;
  int port = FreePort();
  int dead_db_port = FreePort();  // nothing listens there
  std::string config = WriteConfig(
      dir, "{\"listen\":\"127.0.0.1:" + std::to_string(port) +
               "\",\"database\":\"mysql://u:secretpw@127.0.0.1:" + std::to_string(dead_db_port) +
               "/mileage\",\"database_timeout_ms\":2000,\"data_key\":\"" + std::string(64, 'a') +
               "\"}");
  Subprocess p({kBinary, "serve", "--config", config});
  EXPECT_EQ(testing::Run(p), 1);
  EXPECT_NE(p.stderr_text().find(std::to_string(dead_db_port)), std::string::npos)
      << p.stderr_text();
  EXPECT_EQ(p.stderr_text().find("secretpw"), std::string::npos) << "password leaked";
  EXPECT_FALSE(Listening(port));
}

TEST(CliTest, UnreachableKvStopsStartUp) {
  TempDir dir;
  int port = FreePort();
  int dead_kv_port = FreePort();
  std::string config = WriteConfig(
      dir, "{\"listen\":\"127.0.0.1:" + std::to_string(port) +
               "\",\"database\":\"sqlite:" + (dir.path() / "m.db").string() +
               "\",\"kv\":\"redis://127.0.0.1:" + std::to_string(dead_kv_port) + "/0\"}");
  Subprocess p({kBinary, "serve", "--config", config});
  EXPECT_EQ(testing::Run(p), 1);
  EXPECT_NE(p.stderr_text().find(std::to_string(dead_kv_port)), std::string::npos)
      << p.stderr_text();
  EXPECT_FALSE(Listening(port));
}

TEST(CliTest, MigrateAppliesAndIsIdempotent) {
  TempDir dir;
  std::string config =
      WriteConfig(dir, "{\"database\":\"sqlite:" + (dir.path() / "m.db").string() + "\"}");
  Subprocess first({kBinary, "migrate", "--config", config});
  EXPECT_EQ(testing::Run(first), 0) << first.stderr_text();
  EXPECT_NE(first.stdout_text().find("up to date"), std::string::npos);
  Subprocess second({kBinary, "migrate", "--config", config});
  EXPECT_EQ(testing::Run(second), 0) << second.stderr_text();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "m.db"));
}

TEST(CliTest, ServeAnswersThenStopsGracefullyOnSigterm) {
  TempDir dir;
  int port = FreePort();
  std::string config =
      WriteConfig(dir, "{\"listen\":\"127.0.0.1:" + std::to_string(port) +
                           "\",\"log_level\":\"debug\",\"drain_s\":0,\"database\":\"sqlite:" +
                           (dir.path() / "m.db").string() + "\"}");
  Subprocess p({kBinary, "serve", "--config", config});
  ASSERT_TRUE(p.WaitForStdout("listening on http://127.0.0.1:" + std::to_string(port), 30s))
      << p.stderr_text();
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(30s), 0) << p.stderr_text();
  // The request's log line carries the id the client got back.
  EXPECT_NE(p.stderr_text().find("req=" + health->get_header_value("X-Request-Id")),
            std::string::npos)
      << p.stderr_text();
  EXPECT_NE(p.stderr_text().find("finishing in-flight requests"), std::string::npos);
  EXPECT_FALSE(Listening(port));
}

// SIGTERM drains: /healthz answers 503 DRAINING at once while the other routes are served,
// for drain_s; then the process exits 0 and stops listening.
TEST(CliTest, ServeDrainsOnSigtermThenExitsZero) {
  TempDir dir;
  int port = FreePort();
  std::string config =
      WriteConfig(dir, "{\"listen\":\"127.0.0.1:" + std::to_string(port) +
                           "\",\"drain_s\":3,\"node_id\":\"node-a\",\"job_lease_ttl_s\":30,"
                           "\"database\":\"sqlite:" +
                           (dir.path() / "m.db").string() + "\"}");
  Subprocess p({kBinary, "serve", "--config", config});
  ASSERT_TRUE(p.WaitForStdout("listening on", 30s)) << p.stderr_text();
  p.Signal(SIGTERM);
  bool draining = false;
  for (int i = 0; i < 200 && !draining; ++i) {
    httplib::Client client("127.0.0.1", port);
    auto health = client.Get("/healthz");
    draining =
        health && health->status == 503 && health->body.find("\"DRAINING\"") != std::string::npos;
    if (draining) {
      auto ping = client.Get("/ping");
      ASSERT_TRUE(ping) << "not served during the drain";
      EXPECT_EQ(ping->status, 200);
    } else {
      std::this_thread::sleep_for(10ms);
    }
  }
  EXPECT_TRUE(draining) << p.stderr_text();
  EXPECT_EQ(p.Wait(30s), 0) << p.stderr_text();
  EXPECT_NE(p.stderr_text().find("draining"), std::string::npos) << p.stderr_text();
  EXPECT_FALSE(Listening(port));
}

TEST(CliTest, SigintStopsToo) {
  TempDir dir;
  int port = FreePort();
  std::string config =
      WriteConfig(dir, "{\"listen\":\"127.0.0.1:" + std::to_string(port) +
                           "\",\"database\":\"sqlite:" + (dir.path() / "m.db").string() + "\"}");
  Subprocess p({kBinary, "serve", "--config", config});
  ASSERT_TRUE(p.WaitForStdout("listening on", 30s)) << p.stderr_text();
  p.Signal(SIGINT);
  EXPECT_EQ(p.Wait(30s), 0) << p.stderr_text();
}

TEST(CliTest, RelayRunsUntilSigtermAndRefusesAConfigWithoutIt) {
  TempDir dir;
  const std::string database = "sqlite:" + (dir.path() / "m.db").string();
  std::string config = WriteConfig(dir, R"({"database":")" + database + R"("})");
  Subprocess p({kBinary, "relay", "--config", config});
  ASSERT_TRUE(p.WaitForStdout("relaying the outbox", 30s)) << p.stderr_text();
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(30s), 0) << p.stderr_text();

  config = WriteConfig(dir, R"({"database":")" + database + R"(","relay_poll_ms":0})");
  Subprocess off({kBinary, "relay", "--config", config});
  EXPECT_EQ(testing::Run(off), 1);
  EXPECT_NE(off.stderr_text().find("relay_poll_ms is 0"), std::string::npos) << off.stderr_text();
}

}  // namespace
}  // namespace mileage
