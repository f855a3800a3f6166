#pragma once

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/payments/payments_checks.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_server.h"

namespace mileage::testing {

// A deployment driven through the real `mileage` binary, as an operator would: a config file in
// a temporary directory (the test's database, an in-process Kv, the sandbox as WeChat Pay) and
// an org made with `mileage admin` down to one store, whose brand has the sandbox's app and
// whose merchant is the sandbox's, registered with `platform_keys` (SERIAL=PEM_FILE, written
// with Write). Owned by one test.
class CliDeployment {
 public:
  // What a command printed and its exit status.
  struct Run {
    int code = -1;
    std::string out;
    std::string err;
  };

  CliDeployment(const std::string& database_url, const std::string& sandbox_url) {
    std::ofstream(dir_.path() / "config.json")
        << R"({"database":")" << database_url
        << R"(","kv":"memory","log_level":"warn","data_key":")"
        << "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        << R"(","wechat_pay_base_url":")" << sandbox_url << R"("})";
  }

  // Returns the brand's id.
  int64_t Bootstrap(const MerchantExport& merchant, const std::vector<std::string>& platform_keys) {
    const std::string brand = Admin({"create-brand", "--name", "Brand"});
    const std::string region = Admin({"create-region", "--brand", brand, "--name", "Region"});
    const std::string dealer = Admin({"create-dealer", "--region", region, "--name", "Dealer"});
    const std::string store = Admin({"create-store", "--dealer", dealer, "--name", "Store"});
    Admin({"add-app", "--brand", brand, "--appid", merchant.appid, "--kind", "miniprogram",
           "--name", "Mini"});
    std::vector<std::string> args = {
        "add-merchant", "--store",          store,
        "--mchid",      merchant.mchid,     "--appid",
        merchant.appid, "--apiv3-key-file", Write("apiv3.key", merchant.apiv3_key)};
    for (const std::string& key : platform_keys) {
      args.push_back("--platform-key");
      args.push_back(key);
    }
    Admin(std::move(args));
    return std::stoll(brand);
  }

  std::string Config() const { return (dir_.path() / "config.json").string(); }
  const TempDir& dir() const { return dir_; }

  // Writes a file into the directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.path() / name) << text;
    return (dir_.path() / name).string();
  }

  // `mileage admin ARGS --config CONFIG`, which must succeed; its output without the newline.
  std::string Admin(std::vector<std::string> args) {
    return RunAdmin(MILEAGE_BINARY, Config(), std::move(args));
  }

  // `mileage ARGS` (with --config CONFIG appended after the command word).
  Run Mileage(std::vector<std::string> args) {
    std::vector<std::string> argv = {MILEAGE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.begin() + (args.empty() || args[0] != "admin" ? 2 : 3),
                {"--config", Config()});
    Subprocess process(argv);
    Run run;
    run.code = process.Wait(std::chrono::seconds(60));
    run.out = process.stdout_text();
    run.err = process.stderr_text();
    return run;
  }

 private:
  TempDir dir_;
};

}  // namespace mileage::testing
