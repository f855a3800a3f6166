// `mileage sandbox` as a developer uses it: serve, answer, pay, export, stop on SIGTERM; and
// its usage and config errors.

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>

#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

using namespace std::chrono_literals;
using testing::Subprocess;
using testing::TempDir;

constexpr const char* kBinary = MILEAGE_BINARY;

TEST(SandboxCliTest, ServesPaysExportsAndStopsOnSigterm) {
  TempDir dir;
  std::string state = (dir.path() / "state").string();
  int port = testing::FreeLoopbackPort();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  Subprocess sandbox(
      {kBinary, "sandbox", "--listen", "127.0.0.1:" + std::to_string(port), "--state-dir", state});
  ASSERT_TRUE(sandbox.WaitForStdout("listening on " + url, 60s))
      << sandbox.stdout_text() << sandbox.stderr_text();
  EXPECT_NE(sandbox.stdout_text().find("merchant 1900000001"), std::string::npos);

  httplib::Client http("127.0.0.1", port);
  httplib::Result health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  httplib::Result overview = http.Get("/sandbox");
  ASSERT_TRUE(overview);
  EXPECT_NE(overview->body.find("\"mchid\":\"1900000001\""), std::string::npos);
  httplib::Result session = http.Get(
      "/sns/jscode2session?appid=wx8888888888888888&secret=sandbox-secret&js_code=user-42"
      "&grant_type=authorization_code");
  ASSERT_TRUE(session);
  EXPECT_NE(session->body.find("\"openid\":\"o"), std::string::npos);

  // Nobody listens at the notify_url: the payment still happens, the delivery keeps retrying.
  Subprocess pay({kBinary, "sandbox", "pay", "--sandbox", url, "--amount", "1234", "--openid-code",
                  "user-1", "--notify-url",
                  "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()) + "/notify",
                  "--wait-seconds", "10"});
  EXPECT_EQ(testing::Run(pay), 0) << pay.stderr_text();
  EXPECT_NE(pay.stdout_text().find("\"transaction_id\":\"4200000"), std::string::npos)
      << pay.stdout_text();
  EXPECT_NE(pay.stdout_text().find("delivery 1: pending"), std::string::npos) << pay.stdout_text();

  Subprocess exported(
      {kBinary, "sandbox", "export", "--state-dir", state, "--mchid", "1900000001"});
  EXPECT_EQ(testing::Run(exported), 0) << exported.stderr_text();
  EXPECT_NE(exported.stdout_text().find("\"apiv3_key\":\""), std::string::npos);
  EXPECT_NE(exported.stdout_text().find("PUB_KEY_ID_"), std::string::npos);
  EXPECT_NE(exported.stdout_text().find("BEGIN CERTIFICATE"), std::string::npos);

  std::string out = (dir.path() / "export").string();
  Subprocess files(
      {kBinary, "sandbox", "export", "--state-dir", state, "--mchid", "1900000001", "--out", out});
  EXPECT_EQ(testing::Run(files), 0) << files.stderr_text();
  EXPECT_NE(files.stdout_text().find("mileage admin add-merchant"), std::string::npos);
  for (const char* name : {"apiv3.key", "platform_certificate.pem", "wechatpay_public_key.pem",
                           "merchant_private_key.pem"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / name)) << name;
  }

  sandbox.Signal(SIGTERM);
  EXPECT_EQ(sandbox.Wait(60s), 0) << sandbox.stderr_text();
}

TEST(SandboxCliTest, UsesAConfigFile) {
  TempDir dir;
  int port = testing::FreeLoopbackPort();
  std::string config = (dir.path() / "sandbox.json").string();
  std::ofstream(config) << R"({"listen": "127.0.0.1:)" << port << R"(", "state_dir": ")"
                        << (dir.path() / "state").string() << R"(", "key_mode": "certificate",
    "merchants": [{"mchid": "1230000109", "appid": "wx1111111111111111"}],
    "mini_programs": [{"appid": "wx1111111111111111", "secret": "s"}]})";
  Subprocess sandbox({kBinary, "sandbox", "--config", config});
  ASSERT_TRUE(sandbox.WaitForStdout("listening on", 60s)) << sandbox.stderr_text();
  EXPECT_NE(sandbox.stdout_text().find("key mode certificate"), std::string::npos);
  EXPECT_NE(sandbox.stdout_text().find("merchant 1230000109"), std::string::npos);
  sandbox.Signal(SIGINT);
  EXPECT_EQ(sandbox.Wait(60s), 0);
}

TEST(SandboxCliTest, UsageAndConfigErrors) {
  Subprocess help({kBinary, "--help"});
  EXPECT_EQ(testing::Run(help), 0);
  EXPECT_NE(help.stdout_text().find("sandbox"), std::string::npos);
  Subprocess sandbox_help({kBinary, "sandbox", "--help"});
  EXPECT_EQ(testing::Run(sandbox_help), 0);
  EXPECT_NE(sandbox_help.stdout_text().find("mileage sandbox pay"), std::string::npos);

  Subprocess unknown({kBinary, "sandbox", "--colour", "blue"});
  EXPECT_EQ(testing::Run(unknown), 2);
  EXPECT_NE(unknown.stderr_text().find("unknown option --colour"), std::string::npos);
  Subprocess no_amount({kBinary, "sandbox", "pay", "--openid-code", "user-1"});
  EXPECT_EQ(testing::Run(no_amount), 2);
  Subprocess no_mchid({kBinary, "sandbox", "export"});
  EXPECT_EQ(testing::Run(no_mchid), 2);

  TempDir dir;
  std::string config = (dir.path() / "bad.json").string();
  std::ofstream(config) << R"({"key_mode": "rsa"})";
  Subprocess bad({kBinary, "sandbox", "--config", config});
  EXPECT_EQ(testing::Run(bad), 1);
  EXPECT_NE(bad.stderr_text().find("\"key_mode\""), std::string::npos) << bad.stderr_text();

  Subprocess missing({kBinary, "sandbox", "export", "--state-dir", (dir.path() / "none").string(),
                      "--mchid", "1900000001"});
  EXPECT_EQ(testing::Run(missing), 1);
  EXPECT_NE(missing.stderr_text().find("no sandbox state"), std::string::npos);

  Subprocess unreachable({kBinary, "sandbox", "pay", "--sandbox",
                          "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()),
                          "--amount", "1", "--openid-code", "user-1"});
  EXPECT_EQ(testing::Run(unreachable), 1);
  EXPECT_NE(unreachable.stderr_text().find("cannot reach the sandbox"), std::string::npos);
}

}  // namespace
}  // namespace mileage
