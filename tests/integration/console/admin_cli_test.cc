// `mileage admin ...` as operators script it: bootstrap a fresh install with the real binary,
// then log in over HTTP with the account it created.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

using namespace std::chrono_literals;
using testing::Subprocess;
using testing::TempDir;

constexpr const char* kBinary = MILEAGE_BINARY;

class AdminCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing::FreeLoopbackPort();
    config_ = Write("config.json", "{\"drain_s\":0,\"listen\":\"127.0.0.1:" + std::to_string(port_) +
                                       "\",\"database\":\"sqlite:" +
                                       (dir_.path() / "var" / "mileage.db").string() + "\"}");
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_.path() / name).string();
    std::ofstream(path) << content;
    return path;
  }

  // Runs `mileage admin ARGS --config <config>`; returns the exit status.
  int Admin(std::vector<std::string> args, std::string* out = nullptr, std::string* err = nullptr) {
    std::vector<std::string> argv = {kBinary, "admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--config");
    argv.push_back(config_);
    Subprocess p(argv);
    int status = testing::Run(p);
    if (out != nullptr) *out = p.stdout_text();
    if (err != nullptr) *err = p.stderr_text();
    return status;
  }

  static std::string Testdata(const std::string& name) {
    std::ifstream in(std::string(MILEAGE_WECHAT_TESTDATA_DIR) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The id a create command printed: one line, digits only.
  std::string CreateId(std::vector<std::string> args) {
    std::string out, err;
    EXPECT_EQ(Admin(std::move(args), &out, &err), 0) << err;
    EXPECT_TRUE(!out.empty() && out.back() == '\n') << out;
    std::string id = out.substr(0, out.size() - 1);
    EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << "stdout: " << out;
    return id;
  }

  TempDir dir_;
  int port_ = 0;
  std::string config_;
};

TEST_F(AdminCliTest, HelpListsTheAdminCommands) {
  Subprocess help({kBinary, "--help"});
  EXPECT_EQ(testing::Run(help), 0);
  for (const char* command :
       {"admin create-brand", "create-region", "create-dealer", "create-store", "create-user",
        "add-app", "add-miniprogram", "add-merchant", "fetch-platform-certificates",
        "set-merchant-api-key", "reset-password", "deactivate-user", "reactivate-user",
        "deactivate-partner", "reactivate-partner", "suspend-member", "reactivate-member"}) {
    EXPECT_NE(help.stdout_text().find(command), std::string::npos) << command;
  }
  Subprocess admin_help({kBinary, "admin", "--help"});
  EXPECT_EQ(testing::Run(admin_help), 0);
  EXPECT_NE(admin_help.stdout_text().find("--platform-key SERIAL=PEM_FILE"), std::string::npos);
}

TEST_F(AdminCliTest, BootstrapThenLogInOverHttp) {
  std::string brand, err;
  ASSERT_EQ(Admin({"create-brand", "--name", "Acme 汽车"}, &brand, &err), 0) << err;
  EXPECT_EQ(brand, "1\n");
  brand.pop_back();
  EXPECT_NE(err.find("generated a new data key"), std::string::npos) << err;
  const std::string region = CreateId({"create-region", "--brand", brand, "--name", "South"});
  const std::string dealer = CreateId({"create-dealer", "--region", region, "--name", "A"});
  const std::string store = CreateId({"create-store", "--dealer", dealer, "--name", "A1"});
  const std::string password_file = Write("admin.password", "s3cret-pass-word\n");
  const std::string admin_id =
      CreateId({"create-user", "--username", "ops", "--role", "brand_admin", "--scope-type",
                "brand", "--scope-id", brand, "--password-file", password_file});

  // The password can come from standard input instead.
  Subprocess from_stdin({"/bin/sh", "-c",
                         "printf 'clerk-pass-word\\n' | \"$0\" admin create-user --username clerk "
                         "--role store_clerk --scope-type store --scope-id \"$1\" --config \"$2\"",
                         kBinary, store, config_});
  EXPECT_EQ(testing::Run(from_stdin), 0) << from_stdin.stderr_text();

  const std::string key_file = Write("apiv3.key", "0123456789abcdefghijklmnopqrstuv\n");
  const std::string certificate =
      Write("cert.pem", Testdata("go_notify_wechatpay_certificate.pem"));
  const std::string public_key = Write("pub.pem", Testdata("java_wechat_pay_public_key.pem"));
  const std::string secret_file = Write("app.secret", "mini-program-secret\n");
  const std::string app =
      CreateId({"add-app", "--brand", brand, "--appid", "wxd678efh567hg6787", "--kind",
                "miniprogram", "--name", "Acme 小程序", "--secret-file", secret_file});
  const std::string merchant = CreateId(
      {"add-merchant", "--store", store, "--mchid", "1900000109", "--appid", "wxd678efh567hg6787",
       "--apiv3-key-file", key_file, "--platform-key", "D7CE59D1F522D701=" + certificate,
       "--platform-key", "PUB_KEY_ID_0114232134912410000=" + public_key});

  // Rotation: a new key, the old ones retired, never the last.
  EXPECT_EQ(CreateId({"add-platform-key", "--merchant", "1900000109", "--platform-key",
                      "PUB_KEY_ID_0114232134912410001=" + public_key}),
            merchant);
  EXPECT_EQ(
      CreateId({"retire-platform-key", "--merchant", "1900000109", "--serial", "D7CE59D1F522D701"}),
      merchant);
  EXPECT_EQ(CreateId({"retire-platform-key", "--merchant", "1900000109", "--serial",
                      "PUB_KEY_ID_0114232134912410000"}),
            merchant);
  std::string out;
  EXPECT_EQ(Admin({"retire-platform-key", "--merchant", "1900000109", "--serial",
                   "PUB_KEY_ID_0114232134912410001"},
                  &out, &err),
            1);
  EXPECT_NE(err.find("LAST_PLATFORM_KEY"), std::string::npos) << err;
  EXPECT_EQ(CreateId({"deactivate-merchant", "--merchant", "1900000109"}), merchant);
  EXPECT_EQ(CreateId({"reactivate-merchant", "--merchant", "1900000109"}), merchant);
  EXPECT_EQ(Admin({"list-apps", "--brand", brand}, &out, &err), 0) << err;
  EXPECT_EQ(out, app + " wxd678efh567hg6787 miniprogram active Acme 小程序\n");
  EXPECT_EQ(CreateId({"deactivate-app", "--appid", "wxd678efh567hg6787"}), app);
  EXPECT_EQ(Admin({"list-apps", "--brand", brand}, &out, &err), 0) << err;
  EXPECT_NE(out.find(" inactive "), std::string::npos) << out;
  EXPECT_EQ(CreateId({"reactivate-app", "--appid", "wxd678efh567hg6787"}), app);

  // No data_key configured: one was generated beside the database, readable by the owner only.
  struct stat info {};
  ASSERT_EQ(stat((dir_.path() / "var" / "data.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  Subprocess serve({kBinary, "serve", "--config", config_});
  ASSERT_TRUE(serve.WaitForStdout("listening on", 30s)) << serve.stderr_text();
  httplib::Client client("127.0.0.1", port_);
  auto login =
      client.Post("/api/console/login", R"({"username":"ops","password":"s3cret-pass-word"})",
                  "application/json");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  rapidjson::Document doc;
  doc.Parse(login->body.c_str());
  EXPECT_EQ(std::to_string(doc["staff"]["id"].GetInt64()), admin_id);
  const httplib::Headers auth = {
      {"Authorization", std::string("Bearer ") + doc["token"].GetString()}};
  auto merchants = client.Get("/api/console/merchants", auth);
  ASSERT_TRUE(merchants);
  EXPECT_EQ(merchants->status, 200) << merchants->body;
  EXPECT_NE(merchants->body.find("\"id\":" + merchant), std::string::npos) << merchants->body;
  EXPECT_NE(merchants->body.find("PUB_KEY_ID_0114232134912410001"), std::string::npos);
  EXPECT_EQ(merchants->body.find("0123456789abcdef"), std::string::npos);
  // Every operator action is on record, as the CLI.
  auto audit = client.Get("/api/console/audit?page_size=20", auth);
  ASSERT_TRUE(audit);
  for (const char* action : {"app.create", "merchant.create", "merchant.platform_key_add",
                             "merchant.platform_key_retire", "merchant.deactivate",
                             "merchant.reactivate", "app.deactivate", "app.reactivate"}) {
    EXPECT_NE(audit->body.find(std::string("\"action\":\"") + action + "\""), std::string::npos)
        << action << " in " << audit->body;
  }
  EXPECT_EQ(audit->body.find("mini-program-secret"), std::string::npos);
  auto clerk =
      client.Post("/api/console/login", R"({"username":"clerk","password":"clerk-pass-word"})",
                  "application/json");
  ASSERT_TRUE(clerk);
  EXPECT_EQ(clerk->status, 200) << clerk->body;
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(30s), 0) << serve.stderr_text();
}

// The account tools: a password reset, deactivating and reactivating an account and a
// partner, each audited as the operator ("cli").
TEST_F(AdminCliTest, AccountToolsResetPasswordsAndSwitchAccountsAndPartners) {
  const std::string brand = CreateId({"create-brand", "--name", "B"});
  const std::string region = CreateId({"create-region", "--brand", brand, "--name", "R"});
  const std::string first_password = Write("first", "first-pass-word\n");
  const std::string admin =
      CreateId({"create-user", "--username", "ops", "--role", "brand_admin", "--scope-type",
                "brand", "--scope-id", brand, "--password-file", first_password});
  const std::string manager =
      CreateId({"create-user", "--username", "mgr", "--role", "region_manager", "--scope-type",
                "region", "--scope-id", region, "--password-file", first_password});
  const std::string new_password = Write("second", "second-pass-word\n");
  EXPECT_EQ(CreateId({"reset-password", "--staff", manager, "--password-file", new_password}),
            manager);
  // From standard input too.
  Subprocess from_stdin({"/bin/sh", "-c",
                         "printf 'third-pass-word\\n' | \"$0\" admin reset-password --staff "
                         "\"$1\" --config \"$2\"",
                         kBinary, admin, config_});
  EXPECT_EQ(testing::Run(from_stdin), 0) << from_stdin.stderr_text();
  EXPECT_EQ(from_stdin.stdout_text(), admin + "\n");
  EXPECT_EQ(CreateId({"deactivate-user", "--staff", manager}), manager);
  EXPECT_EQ(CreateId({"reactivate-user", "--staff", manager}), manager);

  // The last active brand admin stays.
  std::string out, err;
  EXPECT_EQ(Admin({"deactivate-user", "--staff", admin}, &out, &err), 1);
  EXPECT_NE(err.find("LAST_BRAND_ADMIN"), std::string::npos) << err;
  EXPECT_TRUE(out.empty()) << out;
  EXPECT_EQ(
      Admin({"reset-password", "--staff", "999", "--password-file", new_password}, &out, &err), 1);
  EXPECT_NE(err.find("staff 999 not found"), std::string::npos) << err;
  const std::string weak = Write("weak", "short\n");
  EXPECT_EQ(Admin({"reset-password", "--staff", manager, "--password-file", weak}, &out, &err), 1);
  EXPECT_NE(err.find("WEAK_PASSWORD"), std::string::npos) << err;
  EXPECT_EQ(Admin({"deactivate-partner", "--partner", "7"}, &out, &err), 1);
  EXPECT_NE(err.find("partner 7 not found"), std::string::npos) << err;

  // Over HTTP: the new passwords work, the old ones do not.
  Subprocess serve({kBinary, "serve", "--config", config_});
  ASSERT_TRUE(serve.WaitForStdout("listening on", 30s)) << serve.stderr_text();
  httplib::Client client("127.0.0.1", port_);
  auto login = [&](const std::string& username, const std::string& password) {
    auto res = client.Post("/api/console/login",
                           R"({"username":")" + username + R"(","password":")" + password + "\"}",
                           "application/json");
    return res ? res->status : 0;
  };
  EXPECT_EQ(login("mgr", "first-pass-word"), 401);
  EXPECT_EQ(login("mgr", "second-pass-word"), 200);
  EXPECT_EQ(login("ops", "third-pass-word"), 200);
  auto ops = client.Post("/api/console/login", R"({"username":"ops","password":"third-pass-word"})",
                         "application/json");
  ASSERT_TRUE(ops);
  rapidjson::Document doc;
  doc.Parse(ops->body.c_str());
  const httplib::Headers auth = {
      {"Authorization", std::string("Bearer ") + doc["token"].GetString()}};
  auto partner = client.Post("/api/console/partners", auth, R"({"name":"P","category":"toll"})",
                             "application/json");
  ASSERT_TRUE(partner);
  ASSERT_EQ(partner->status, 201) << partner->body;
  doc.Parse(partner->body.c_str());
  const std::string partner_id = std::to_string(doc["partner"]["id"].GetInt64());
  EXPECT_EQ(CreateId({"deactivate-partner", "--partner", partner_id}), partner_id);
  auto read = client.Get("/api/console/partners/" + partner_id, auth);
  ASSERT_TRUE(read);
  EXPECT_NE(read->body.find("\"active\":false"), std::string::npos) << read->body;
  EXPECT_EQ(CreateId({"reactivate-partner", "--partner", partner_id}), partner_id);
  read = client.Get("/api/console/partners/" + partner_id, auth);
  ASSERT_TRUE(read);
  EXPECT_NE(read->body.find("\"active\":true"), std::string::npos) << read->body;

  // Every tool's change is in the audit log as the operator's.
  auto audit = client.Get("/api/console/audit?page_size=50", auth);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->status, 200) << audit->body;
  doc.Parse(audit->body.c_str());
  std::multiset<std::string> by_cli;
  for (const auto& item : doc["items"].GetArray()) {
    if (item["staff_id"].IsNull()) by_cli.insert(item["action"].GetString());
  }
  for (const char* action : {"staff.password_reset", "staff.deactivate", "staff.reactivate",
                             "partner.deactivate", "partner.reactivate"}) {
    EXPECT_GE(by_cli.count(action), 1u) << action << " in " << audit->body;
  }
  EXPECT_EQ(by_cli.count("staff.password_reset"), 2u);
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(30s), 0) << serve.stderr_text();
}

// add-miniprogram registers a mini-program with its secret, or replaces the secret of one the
// brand has; it never takes over another brand's appid or an app of another kind.
TEST_F(AdminCliTest, MiniProgramsAreRegisteredWithTheirSecret) {
  const std::string brand = CreateId({"create-brand", "--name", "B"});
  const std::string other = CreateId({"create-brand", "--name", "Other"});
  const std::string secret = Write("mp.secret", "first-secret\n");
  const std::string app = CreateId({"add-miniprogram", "--brand", brand, "--appid",
                                    "wxmini0000000001", "--secret-file", secret});
  std::string out, err;
  ASSERT_EQ(Admin({"list-apps", "--brand", brand}, &out, &err), 0) << err;
  EXPECT_EQ(out, app + " wxmini0000000001 miniprogram active wxmini0000000001\n");
  // Again with a new secret (reset in WeChat's console): the same app.
  const std::string rotated = Write("mp2.secret", "second-secret\n");
  EXPECT_EQ(CreateId({"add-miniprogram", "--brand", brand, "--appid", "wxmini0000000001",
                      "--secret-file", rotated, "--name", "ignored"}),
            app);
  ASSERT_EQ(Admin({"list-apps", "--brand", brand}, &out, &err), 0) << err;
  EXPECT_EQ(out, app + " wxmini0000000001 miniprogram active wxmini0000000001\n");

  EXPECT_EQ(Admin({"add-miniprogram", "--brand", other, "--appid", "wxmini0000000001",
                   "--secret-file", secret},
                  &out, &err),
            1);
  EXPECT_NE(err.find("APP_EXISTS"), std::string::npos) << err;
  CreateId({"add-app", "--brand", brand, "--appid", "wxofficial000001", "--kind",
            "official_account", "--name", "OA"});
  EXPECT_EQ(Admin({"add-miniprogram", "--brand", brand, "--appid", "wxofficial000001",
                   "--secret-file", secret},
                  &out, &err),
            1);
  EXPECT_NE(err.find("APP_NOT_MINIPROGRAM"), std::string::npos) << err;
  const std::string empty = Write("empty.secret", "\n");
  EXPECT_EQ(Admin({"add-miniprogram", "--brand", brand, "--appid", "wxmini0000000002",
                   "--secret-file", empty},
                  &out, &err),
            1);
  EXPECT_NE(err.find("is empty"), std::string::npos) << err;
  EXPECT_EQ(Admin({"add-miniprogram", "--brand", brand, "--appid", "wxmini0000000002"}, &out, &err),
            2);
  EXPECT_NE(err.find("add-miniprogram needs --secret-file"), std::string::npos) << err;
  ASSERT_EQ(Admin({"list-apps", "--brand", brand}, &out, &err), 0) << err;
  EXPECT_EQ(out.find("wxmini0000000002"), std::string::npos) << "nothing registered: " << out;
  ASSERT_EQ(Admin({"list-apps", "--brand", other}, &out, &err), 0) << err;
  EXPECT_EQ(out, "");

  EXPECT_EQ(Admin({"suspend-member", "--member", "42"}, &out, &err), 1);
  EXPECT_NE(err.find("MEMBER_NOT_FOUND"), std::string::npos) << err;
  EXPECT_EQ(Admin({"reactivate-member", "--member", "x"}, &out, &err), 1);
  EXPECT_NE(err.find("--member"), std::string::npos) << err;
  EXPECT_EQ(Admin({"suspend-member"}, &out, &err), 2);
}

TEST_F(AdminCliTest, UsageErrorsExitWithTwo) {
  std::string err;
  EXPECT_EQ(Admin({"create-brand"}, nullptr, &err), 2);
  EXPECT_NE(err.find("create-brand needs --name"), std::string::npos) << err;
  EXPECT_EQ(Admin({"create-user", "--username", "u", "--password", "pw"}, nullptr, &err), 2);
  EXPECT_NE(err.find("unknown option --password"), std::string::npos) << err;
  EXPECT_EQ(Admin({"launch-rockets"}, nullptr, &err), 2);
  EXPECT_EQ(Admin({"add-merchant", "--store", "1", "--mchid", "1", "--appid", "a",
                   "--apiv3-key-file", "k"},
                  nullptr, &err),
            2);
  EXPECT_NE(err.find("--platform-key"), std::string::npos) << err;
  EXPECT_EQ(Admin({"add-platform-key", "--merchant", "1"}, nullptr, &err), 2);
  EXPECT_NE(err.find("--platform-key"), std::string::npos) << err;
  EXPECT_EQ(Admin({"fetch-platform-certificates", "--merchant", "1"}, nullptr, &err), 2);
  EXPECT_NE(err.find("needs --merchant-key-file"), std::string::npos) << err;
  EXPECT_EQ(Admin({"add-app", "--brand", "1", "--appid", "wx1", "--kind", "app"}, nullptr, &err),
            2);
  EXPECT_NE(err.find("add-app needs --name"), std::string::npos) << err;
  EXPECT_EQ(Admin({"reset-password"}, nullptr, &err), 2);
  EXPECT_NE(err.find("reset-password needs --staff"), std::string::npos) << err;
  EXPECT_EQ(Admin({"reactivate-user", "--staff", "1", "--username", "x"}, nullptr, &err), 2);
  EXPECT_NE(err.find("unknown option --username"), std::string::npos) << err;
  EXPECT_EQ(Admin({"deactivate-partner"}, nullptr, &err), 2);
  EXPECT_NE(err.find("deactivate-partner needs --partner"), std::string::npos) << err;
}

// Keys that could never verify, appids the brand did not register: exit 1 with the code, and
// nothing registered (the same merchant registers afterwards).
TEST_F(AdminCliTest, MerchantsNeedParsableKeysAndAnAppOfTheirBrand) {
  const std::string brand = CreateId({"create-brand", "--name", "B"});
  const std::string region = CreateId({"create-region", "--brand", brand, "--name", "R"});
  const std::string dealer = CreateId({"create-dealer", "--region", region, "--name", "D"});
  const std::string store = CreateId({"create-store", "--dealer", dealer, "--name", "S"});
  const std::string key_file = Write("apiv3.key", "0123456789abcdefghijklmnopqrstuv");
  const std::string public_key = Write("pub.pem", Testdata("java_wechat_pay_public_key.pem"));
  const std::string junk =
      Write("junk.pem", "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----\n");
  const std::string expired = Write("old.pem", Testdata("java_wechat_pay_certificate.pem"));
  const auto add = [&](const std::string& appid, const std::string& key) {
    std::string err;
    const int status = Admin({"add-merchant", "--store", store, "--mchid", "1900000109", "--appid",
                              appid, "--apiv3-key-file", key_file, "--platform-key", key},
                             nullptr, &err);
    return std::make_pair(status, err);
  };
  auto unregistered = add("wxd678efh567hg6787", "PUB_KEY_ID_0114232134912410000=" + public_key);
  EXPECT_EQ(unregistered.first, 1);
  EXPECT_NE(unregistered.second.find("APPID_NOT_REGISTERED"), std::string::npos)
      << unregistered.second;
  CreateId({"add-app", "--brand", brand, "--appid", "wxd678efh567hg6787", "--kind", "app", "--name",
            "App"});
  auto unparsable = add("wxd678efh567hg6787", "PUB_KEY_ID_0114232134912410000=" + junk);
  EXPECT_EQ(unparsable.first, 1);
  EXPECT_NE(unparsable.second.find("INVALID_PLATFORM_KEY"), std::string::npos) << unparsable.second;
  auto old = add("wxd678efh567hg6787", "440024045C4A427599D09BB4E3DE0279F2E813FD=" + expired);
  EXPECT_EQ(old.first, 1);
  EXPECT_NE(old.second.find("PLATFORM_KEY_EXPIRED"), std::string::npos) << old.second;
  auto good = add("wxd678efh567hg6787", "PUB_KEY_ID_0114232134912410000=" + public_key);
  EXPECT_EQ(good.first, 0) << good.second;
  std::string err;
  EXPECT_EQ(Admin({"add-app", "--brand", brand, "--appid", "wxd678efh567hg6787", "--kind", "app",
                   "--name", "Again"},
                  nullptr, &err),
            1);
  EXPECT_NE(err.find("APP_EXISTS"), std::string::npos) << err;
}

// The merchant's API private key comes from a file; a bad key or an unknown merchant exits 1
// and registers nothing; running the command again replaces the key. The console shows the
// serial, never the key.
TEST_F(AdminCliTest, MerchantApiKeysAreReadFromFilesAndShownBySerialOnly) {
  const std::string brand = CreateId({"create-brand", "--name", "B"});
  const std::string region = CreateId({"create-region", "--brand", brand, "--name", "R"});
  const std::string dealer = CreateId({"create-dealer", "--region", region, "--name", "D"});
  const std::string store = CreateId({"create-store", "--dealer", dealer, "--name", "S"});
  CreateId({"add-app", "--brand", brand, "--appid", "wxd678efh567hg6787", "--kind", "app", "--name",
            "App"});
  const std::string merchant = CreateId(
      {"add-merchant", "--store", store, "--mchid", "1900000109", "--appid", "wxd678efh567hg6787",
       "--apiv3-key-file", Write("apiv3.key", "0123456789abcdefghijklmnopqrstuv"), "--platform-key",
       "PUB_KEY_ID_0114232134912410000=" +
           Write("pub.pem", Testdata("java_wechat_pay_public_key.pem"))});
  CreateId({"create-user", "--username", "ops", "--role", "brand_admin", "--scope-type", "brand",
            "--scope-id", brand, "--password-file", Write("ops.password", "s3cret-pass-word\n")});
  const std::string java_key = Testdata("java_merchant_private_key.pem");
  const std::string go_key = Testdata("go_test_private_key.pem");
  const std::string java_file = Write("java.pem", java_key);
  const std::string go_file = Write("go.pem", go_key);
  const auto set = [&](const std::string& mchid, const std::string& file, const std::string& serial,
                       std::string* out, std::string* err) {
    return Admin({"set-merchant-api-key", "--merchant", mchid, "--merchant-key-file", file,
                  "--merchant-serial", serial},
                 out, err);
  };
  std::string out, err;
  EXPECT_EQ(set("1900000109", Write("cert.pem", Testdata("java_merchant_certificate.pem")),
                "5F1C72E2A8931B72A2E13AF8DEE92471EB397115", &out, &err),
            1);
  EXPECT_NE(err.find("INVALID_MERCHANT_KEY"), std::string::npos) << err;
  EXPECT_TRUE(out.empty()) << out;
  EXPECT_EQ(set("1900000109", java_file, "not-hex", &out, &err), 1);
  EXPECT_NE(err.find("INVALID_FIELD"), std::string::npos) << err;
  EXPECT_EQ(set("1900000999", java_file, "5F1C72E2A8931B72A2E13AF8DEE92471EB397115", &out, &err),
            1);
  EXPECT_NE(err.find("MERCHANT_UNKNOWN"), std::string::npos) << err;
  EXPECT_EQ(set("1900000109", (dir_.path() / "missing.pem").string(), "5F1C", &out, &err), 1);
  EXPECT_NE(err.find("cannot read"), std::string::npos) << err;
  EXPECT_EQ(
      Admin({"set-merchant-api-key", "--merchant", "1900000109", "--merchant-key-file", java_file},
            nullptr, &err),
      2);
  EXPECT_NE(err.find("needs --merchant-serial"), std::string::npos) << err;

  EXPECT_EQ(set("1900000109", java_file, "5F1C72E2A8931B72A2E13AF8DEE92471EB397115", &out, &err), 0)
      << err;
  EXPECT_EQ(out, merchant + "\n");
  EXPECT_EQ(set("1900000109", go_file, "0A1B2C3D", &out, &err), 0) << err;
  EXPECT_EQ(out, merchant + "\n");

  Subprocess serve({kBinary, "serve", "--config", config_});
  ASSERT_TRUE(serve.WaitForStdout("listening on", 30s)) << serve.stderr_text();
  httplib::Client client("127.0.0.1", port_);
  auto login =
      client.Post("/api/console/login", R"({"username":"ops","password":"s3cret-pass-word"})",
                  "application/json");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  rapidjson::Document doc;
  doc.Parse(login->body.c_str());
  const httplib::Headers auth = {
      {"Authorization", std::string("Bearer ") + doc["token"].GetString()}};
  auto read = client.Get("/api/console/merchants/" + merchant, auth);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  doc.Parse(read->body.c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("api_key_serial")) << read->body;
  EXPECT_STREQ(doc["api_key_serial"].GetString(), "0A1B2C3D");
  auto audit = client.Get("/api/console/audit?page_size=20", auth);
  ASSERT_TRUE(audit);
  size_t sets = 0;
  for (size_t at = 0; (at = audit->body.find("\"merchant.api_key_set\"", at)) != std::string::npos;
       ++at) {
    ++sets;
  }
  EXPECT_EQ(sets, 2u) << audit->body;  // the refusals above never reached the merchant
  for (const std::string& key : {java_key, go_key}) {
    const std::string body_part = key.substr(200, 40);
    EXPECT_EQ(read->body.find(body_part), std::string::npos);
    EXPECT_EQ(audit->body.find(body_part), std::string::npos);
  }
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(30s), 0) << serve.stderr_text();
}

TEST_F(AdminCliTest, FailuresExitWithOneAndSayWhy) {
  std::string out, err;
  EXPECT_EQ(Admin({"create-region", "--brand", "42", "--name", "x"}, &out, &err), 1);
  EXPECT_TRUE(out.empty()) << out;
  EXPECT_NE(err.find("brand 42 not found"), std::string::npos) << err;
  EXPECT_EQ(Admin({"create-region", "--brand", "x1", "--name", "x"}, &out, &err), 1);
  EXPECT_NE(err.find("INVALID_ID"), std::string::npos) << err;
  const std::string brand = CreateId({"create-brand", "--name", "B"});
  EXPECT_EQ(Admin({"create-brand", "--name", std::string(101, 'n')}, &out, &err), 1);
  EXPECT_NE(err.find("INVALID_FIELD"), std::string::npos) << err;
  const std::string weak = Write("weak", "short\n");
  EXPECT_EQ(Admin({"create-user", "--username", "user1", "--role", "brand_admin", "--scope-type",
                   "brand", "--scope-id", brand, "--password-file", weak},
                  &out, &err),
            1);
  EXPECT_NE(err.find("WEAK_PASSWORD"), std::string::npos) << err;
  const std::string strong = Write("strong", "strong-pass-word\n");
  EXPECT_EQ(Admin({"create-user", "--username", "user1", "--role", "brand_admin", "--scope-type",
                   "region", "--scope-id", brand, "--password-file", strong},
                  &out, &err),
            1);
  EXPECT_NE(err.find("INVALID_SCOPE"), std::string::npos) << err;
}

TEST_F(AdminCliTest, AMysqlDatabaseNeedsAConfiguredDataKey) {
  config_ =
      Write("mysql.json", R"({"database":"mysql://u:p@127.0.0.1:1/m","database_timeout_ms":500})");
  std::string err;
  EXPECT_EQ(Admin({"create-brand", "--name", "B"}, nullptr, &err), 1);
  EXPECT_NE(err.find("\"data_key\" is required with a MySQL database"), std::string::npos) << err;
  config_ = Write("bad-key.json", R"({"data_key":"abc"})");
  EXPECT_EQ(Admin({"create-brand", "--name", "B"}, nullptr, &err), 1);
  EXPECT_NE(err.find("\"data_key\" must be 64 hex digits"), std::string::npos) << err;
  EXPECT_EQ(err.find("abc"), std::string::npos) << "the key must not be echoed";
}

}  // namespace
}  // namespace mileage
