// `mileage reconcile` (the real binary) against the sandbox's trade bill and a database that a
// real in-process server filled from the sandbox's notifications: some notifications reach the
// service, others are held at a closed gate (as if lost), one recorded amount is changed and
// one recorded payment has no bill row. The report must name exactly those differences;
// --apply must make the missing payments members and points as their notifications would have,
// and a notification arriving afterwards must change nothing.
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/civil_time.h"
#include "coupons/payment_rewards.h"
#include "payments/merchant_keys.h"
#include "payments/payment_recorder.h"
#include "payments/reconciliation.h"
#include "server/config_loader.h"
#include "tests/integration/payments/cli_deployment.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/support/free_port.h"
#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "wechat/sandbox/key_material.h"

namespace mileage::testing {
namespace {

constexpr const char* kMchid = "1900000001";

// A notification endpoint that answers 500 while closed (the sandbox keeps retrying) and, once
// opened, forwards each notification to the service unchanged.
class Gate {
 public:
  explicit Gate(int target_port) : target_port_(target_port) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      if (!open_.load()) {
        res.status = 500;
        res.set_content(R"({"code":"FAIL","message":"closed"})", "application/json");
        return;
      }
      httplib::Client client("127.0.0.1", target_port_);
      client.set_read_timeout(30, 0);
      httplib::Headers headers;
      for (const auto& [name, value] : req.headers) {
        if (name.rfind("Wechatpay-", 0) == 0) headers.emplace(name, value);
      }
      httplib::Result forwarded = client.Post(req.path, headers, req.body, "application/json");
      res.status = forwarded ? forwarded->status : 502;
      if (forwarded) res.set_content(forwarded->body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Gate() {
    server_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/wechatpay/v3/notify/" + kMchid;
  }
  void Open() { open_.store(true); }

 private:
  const int target_port_;
  std::atomic<bool> open_{false};
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// Today in Beijing, the sandbox's bill day of a payment made now.
std::string BeijingToday() {
  return civil::FormatRfc3339Beijing(std::chrono::system_clock::now()).substr(0, 10);
}

class ReconcileTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(GetParam());
    if (database_ == nullptr) return;
    sandbox_ = std::make_unique<RunningSandbox>([](wechat::sandbox::SandboxConfig& config) {
      config.retry_scale = 0.001;
      config.delivery_timeout_ms = 2000;
    });
    ASSERT_TRUE(sandbox_->ok());
    exported_ = sandbox_->Export(kMchid);
    cli_ = std::make_unique<CliDeployment>(database_->url(), sandbox_->url());
    key_file_ = cli_->Write("merchant_key.pem", exported_.merchant_private_key_pem);
    brand_ = cli_->Bootstrap(
        exported_,
        {exported_.certificate_serial + "=" + cli_->Write("cert.pem", exported_.certificate_pem),
         exported_.public_key_id + "=" + cli_->Write("public_key.pem", exported_.public_key_pem)});
  }

  std::string Config() const { return cli_->Config(); }
  std::string Write(const std::string& name, const std::string& text) {
    return cli_->Write(name, text);
  }

  CliDeployment::Run Reconcile(const std::string& date, std::vector<std::string> extra = {},
                               const std::string& mchid = kMchid) {
    std::vector<std::string> args = {"reconcile",
                                     "--merchant",
                                     mchid,
                                     "--date",
                                     date,
                                     "--merchant-key-file",
                                     key_file_,
                                     "--merchant-serial",
                                     exported_.merchant_serial};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli_->Mileage(std::move(args));
  }

  std::unique_ptr<TestServer> StartServer() {
    Result<mileage::Config> config = server::LoadConfigFile(Config());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    if (!config.ok()) return nullptr;
    return TestServer::Start(*config);
  }

  // Pays a new order in the sandbox, notified to `notify_url`; returns the sandbox's answer.
  struct Paid {
    std::string transaction_id;
    std::string out_trade_no;
    int64_t amount = 0;
    int64_t delivery_id = 0;
  };
  Paid Pay(int64_t amount, const std::string& openid, const std::string& notify_url) {
    rapidjson::Document paid = sandbox_->PostJson(
        "/sandbox/payments", R"({"amount":)" + std::to_string(amount) + R"(,"openid":")" + openid +
                                 R"(","notify_url":")" + notify_url + R"("})");
    EXPECT_TRUE(paid.IsObject() && paid.HasMember("transaction_id"));
    if (!paid.IsObject() || !paid.HasMember("transaction_id")) return {};
    return Paid{paid["transaction_id"].GetString(), paid["out_trade_no"].GetString(), amount,
                paid["delivery_id"].GetInt64()};
  }

  int64_t Scalar(const std::string& sql) { return database_->Scalar(sql); }
  void Exec(const std::string& sql) {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    Result<db::ExecResult> done = (*conn)->Exec(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
  }
  int64_t Balance(const std::string& openid) { return BalanceOfOpenid(*database_, openid); }
  std::string Written() { return WrittenState(*database_); }

  static std::set<std::string> Ids(const rapidjson::Value& list, const char* key) {
    std::set<std::string> ids;
    for (const auto& item : list.GetArray()) ids.insert(item[key].GetString());
    return ids;
  }

  std::unique_ptr<CliDeployment> cli_;
  OsRandom random_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<RunningSandbox> sandbox_;
  MerchantExport exported_;
  std::string key_file_;
  int64_t brand_ = 0;
};

TEST_P(ReconcileTest, ReportsTheDifferencesAppliesTheMissingAndThenAgrees) {
  if (database_ == nullptr) return;
  std::unique_ptr<TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  Gate gate(server->port());
  const std::string date = BeijingToday();
  const std::string served =
      "http://127.0.0.1:" + std::to_string(server->port()) + "/wechatpay/v3/notify/" + kMchid;

  // Delivered: three payments by two payers.
  Paid p1 = Pay(12300, "recon-alice", served);
  Paid p2 = Pay(4500, "recon-bob", served);
  Paid p3 = Pay(20000, "recon-bob", served);
  for (const Paid& p : {p1, p2, p3}) {
    EXPECT_EQ(sandbox_->AwaitFinal(p.delivery_id).state, "delivered");
  }
  // Lost: a new payer and a second payment of alice, held at the closed gate.
  Paid u1 = Pay(8800, "recon-carol", gate.url());
  Paid u2 = Pay(1000, "recon-alice", gate.url());
  // A refund of p3 whose notification is held at the gate too.
  rapidjson::Document refund = sandbox_->PostJson(
      "/sandbox/refunds", R"({"out_trade_no":")" + p3.out_trade_no +
                              R"(","amount":5000,"notify_url":")" + gate.url() + R"("})");
  ASSERT_TRUE(refund.IsObject() && refund.HasMember("refund_id"));
  const std::string refund_id = refund["refund_id"].GetString();
  // A recorded amount that differs from the bill, and a recorded payment with no bill row.
  Exec("UPDATE payment_transactions SET amount_fen = 4600 WHERE transaction_id = '" +
       p2.transaction_id + "'");
  Exec(
      "INSERT INTO payment_transactions (transaction_id, merchant_id, mchid, brand_id, "
      "region_id, dealer_id, store_id, appid, out_trade_no, payer_openid, amount_fen, "
      "payer_total_fen, paid_at, member_id, points_earned, rule_version, refunded_fen, "
      "points_reversed, state, created_at) SELECT 'RECON-NOT-IN-BILL', merchant_id, mchid, "
      "brand_id, region_id, dealer_id, store_id, appid, 'OUT-NOT-IN-BILL', payer_openid, 777, "
      "777, paid_at, member_id, 0, rule_version, 0, 0, state, created_at FROM "
      "payment_transactions WHERE transaction_id = '" +
      p1.transaction_id + "'");
  if (BeijingToday() != date) GTEST_SKIP() << "Beijing midnight passed during the test";

  const std::string before = Written();
  EXPECT_EQ(Balance("recon-alice"), 123);
  EXPECT_EQ(Balance("recon-bob"), 45 + 200);

  // Report only: exactly those differences, exit 1, nothing written.
  CliDeployment::Run report = Reconcile(date, {"--json"});
  ASSERT_EQ(report.code, 1) << report.err << report.out;
  rapidjson::Document json;
  json.Parse(report.out.c_str());
  ASSERT_TRUE(json.IsObject()) << report.out;
  EXPECT_EQ(std::string(json["mchid"].GetString()), kMchid);
  EXPECT_EQ(std::string(json["date"].GetString()), date);
  EXPECT_FALSE(json["clean"].GetBool());
  EXPECT_EQ(json["billed"]["count"].GetInt64(), 5);
  EXPECT_EQ(json["billed"]["total_fen"].GetInt64(), 12300 + 4500 + 20000 + 8800 + 1000);
  EXPECT_EQ(json["billed"]["refund_count"].GetInt64(), 1);
  EXPECT_EQ(json["billed"]["refund_total_fen"].GetInt64(), 5000);
  EXPECT_EQ(json["recorded"]["count"].GetInt64(), 4);
  EXPECT_EQ(json["recorded"]["total_fen"].GetInt64(), 12300 + 4600 + 20000 + 777);
  EXPECT_EQ(json["matched"].GetInt64(), 2);
  EXPECT_EQ(Ids(json["missing_in_mileage"], "transaction_id"),
            (std::set<std::string>{u1.transaction_id, u2.transaction_id}));
  EXPECT_EQ(Ids(json["missing_in_bill"], "transaction_id"),
            (std::set<std::string>{"RECON-NOT-IN-BILL"}));
  ASSERT_EQ(json["amount_mismatches"].Size(), 1u);
  EXPECT_EQ(std::string(json["amount_mismatches"][0]["transaction_id"].GetString()),
            p2.transaction_id);
  EXPECT_EQ(json["amount_mismatches"][0]["billed_fen"].GetInt64(), 4500);
  EXPECT_EQ(json["amount_mismatches"][0]["recorded_fen"].GetInt64(), 4600);
  EXPECT_EQ(Ids(json["refunds_missing_in_mileage"], "refund_id"),
            (std::set<std::string>{refund_id}));
  EXPECT_EQ(json["refund_amount_mismatches"].Size(), 0u);
  EXPECT_FALSE(json.HasMember("applied"));
  EXPECT_EQ(Written(), before);

  // The text report says the same.
  CliDeployment::Run text = Reconcile(date);
  EXPECT_EQ(text.code, 1) << text.err;
  EXPECT_NE(text.out.find("missing in Mileage: 2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("missing in bill: 1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("amount mismatches: 1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("refunds missing in Mileage: 1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Differences found."), std::string::npos) << text.out;

  // --apply: the lost payments become what their notifications would have made.
  CliDeployment::Run applied = Reconcile(date, {"--json", "--apply"});
  ASSERT_EQ(applied.code, 1) << applied.err << applied.out;
  json.Parse(applied.out.c_str());
  ASSERT_TRUE(json.IsObject()) << applied.out;
  ASSERT_EQ(json["applied"].Size(), 3u);
  for (const auto& item : json["applied"].GetArray()) {
    EXPECT_EQ(std::string(item["outcome"].GetString()), "applied") << item["id"].GetString();
  }
  EXPECT_EQ(Balance("recon-carol"), 88);
  EXPECT_EQ(Balance("recon-alice"), 123 + 10);
  // The refund of 5000 fen of p3 (20000 fen, 200 points) takes back floor(200 x 5000 / 20000).
  EXPECT_EQ(Balance("recon-bob"), 45 + 200 - 50);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions WHERE transaction_id = '" +
                   p3.transaction_id + "'"),
            50);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), 6);  // 3 + 2 lost + 1 not billed
  // Five payments earned (the row not in the bill was written by hand, without points), one
  // refund reversed: the members hold 88 + 133 + 195 and the brand owes as much.
  ExpectLedger(*database_, brand_, 5, 123 + 45 + 200 + 88 + 10, 1, 50);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_notifications WHERE id = 'bill:" +
                   u1.transaction_id + "'"),
            1);
  EXPECT_EQ(Scalar("SELECT points_earned FROM payment_transactions WHERE transaction_id = '" +
                   u1.transaction_id + "'"),
            88);
  EXPECT_EQ(Scalar("SELECT refunded_fen FROM payment_transactions WHERE transaction_id = '" +
                   p3.transaction_id + "'"),
            5000);

  // The lost notifications arrive after all: duplicates, nothing changes.
  const std::string after_apply = Written();
  gate.Open();
  for (const Paid& u : {u1, u2}) {
    rapidjson::Document again = sandbox_->PostJson(
        "/sandbox/deliveries/" + std::to_string(u.delivery_id) + "/duplicate", "");
    ASSERT_TRUE(again.IsObject() && again.HasMember("delivery_id"));
    EXPECT_EQ(sandbox_->AwaitFinal(again["delivery_id"].GetInt64()).state, "delivered");
    EXPECT_EQ(sandbox_->AwaitFinal(u.delivery_id).state, "delivered");
  }
  // Each notification is recorded in the inbox only when it applied something: nothing here.
  EXPECT_EQ(Written(), after_apply);
  EXPECT_EQ(Balance("recon-carol"), 88);
  EXPECT_EQ(Balance("recon-alice"), 133);

  // Nothing is missing any more; the mismatch and the extra record remain until fixed.
  CliDeployment::Run second = Reconcile(date, {"--json"});
  ASSERT_EQ(second.code, 1) << second.err << second.out;
  json.Parse(second.out.c_str());
  ASSERT_TRUE(json.IsObject()) << second.out;
  EXPECT_EQ(json["missing_in_mileage"].Size(), 0u);
  EXPECT_EQ(json["refunds_missing_in_mileage"].Size(), 0u);
  EXPECT_EQ(json["amount_mismatches"].Size(), 1u);
  EXPECT_EQ(json["missing_in_bill"].Size(), 1u);
  EXPECT_EQ(json["recorded"]["count"].GetInt64(), 6);

  Exec("UPDATE payment_transactions SET amount_fen = 4500 WHERE transaction_id = '" +
       p2.transaction_id + "'");
  Exec("DELETE FROM payment_transactions WHERE transaction_id = 'RECON-NOT-IN-BILL'");
  CliDeployment::Run agreed = Reconcile(date);
  EXPECT_EQ(agreed.code, 0) << agreed.err << agreed.out;
  EXPECT_NE(agreed.out.find("The bill and Mileage agree."), std::string::npos) << agreed.out;
  EXPECT_NE(agreed.out.find("matched: 5"), std::string::npos) << agreed.out;
  CliDeployment::Run agreed_apply = Reconcile(date, {"--apply", "--json"});
  EXPECT_EQ(agreed_apply.code, 0) << agreed_apply.err;
  EXPECT_NE(agreed_apply.out.find(R"("applied":[])"), std::string::npos) << agreed_apply.out;
}

// A notification that arrives between the report and the apply makes the apply a no-op.
TEST_P(ReconcileTest, ANotificationArrivingBeforeTheApplyMakesItADuplicate) {
  if (database_ == nullptr) return;
  std::unique_ptr<TestServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  Gate gate(server->port());
  const std::string date = BeijingToday();
  Paid lost = Pay(5600, "recon-dave", gate.url());

  SystemClock clock;
  payments::MerchantKeyCache keys(server->app().org().merchants(), clock);
  Result<std::shared_ptr<const payments::MerchantKeys>> merchant = keys.Get(kMchid);
  ASSERT_TRUE(merchant.ok()) << merchant.status().ToString();
  std::unique_ptr<wechat::client::PayClient> pay = sandbox_->PayClientFor(exported_);
  Result<wechat::client::TradeBill> trade_bill = pay->DownloadTradeBill(date);
  ASSERT_TRUE(trade_bill.ok()) << trade_bill.status().ToString();
  if (BeijingToday() != date) GTEST_SKIP() << "Beijing midnight passed during the test";
  payments::Bill bill;
  for (const wechat::client::TradeBillRow& row : trade_bill->rows) {
    Result<int64_t> at = payments::ParseChinaTime(row.trade_time);
    ASSERT_TRUE(at.ok());
    bill.payments.push_back({row.transaction_id, row.out_trade_no, row.appid, row.openid,
                             row.order_amount, row.order_amount, *at, row.trade_state});
  }
  const payments::PaymentPolicy policy;
  coupons::PaymentRewards rewards(random_, policy.tiers);
  coupons::PackageFulfilment packages(random_);
  payments::PaymentRecorder recorder(random_, policy, rewards, packages);
  payments::Reconciler reconciler(database_->db(), recorder, clock);
  Result<payments::ChinaDay> day = payments::ChinaDayOf(date);
  ASSERT_TRUE(day.ok());
  Result<payments::ReconciliationReport> report =
      reconciler.Compare((*merchant)->merchant, *day, bill);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->missing_in_mileage.size(), 1u);
  EXPECT_EQ(report->missing_in_mileage[0].transaction_id, lost.transaction_id);

  gate.Open();  // the retry gets through before the operator applies
  ASSERT_TRUE(Eventually([&] { return Balance("recon-dave") == 56; }));
  const std::string state = Written();
  std::vector<payments::AppliedItem> applied;
  ASSERT_TRUE(reconciler.ApplyMissing(**merchant, *report, &applied).ok());
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].outcome, payments::Outcome::kDuplicate);
  EXPECT_EQ(Written(), state);
  EXPECT_EQ(Balance("recon-dave"), 56);
}

TEST_P(ReconcileTest, BadInputIsRefusedWithItsReasonAndWritesNothing) {
  if (database_ == nullptr) return;
  const std::string date = BeijingToday();
  Pay(1500, "recon-erin", "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/closed");
  const std::string before = Written();

  CliDeployment::Run unknown = Reconcile(date, {"--apply"}, "1900009999");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown merchant 1900009999"), std::string::npos) << unknown.err;

  for (const char* bad : {"2026-02-30", "23/11/2026", "tomorrow"}) {
    CliDeployment::Run run = Reconcile(bad, {"--apply"});
    EXPECT_EQ(run.code, 2) << bad;
    EXPECT_NE(run.err.find("bad --date"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(bad), std::string::npos) << run.err;
  }

  const std::string real_key = key_file_;
  key_file_ = (cli_->dir().path() / "no-such-key.pem").string();
  CliDeployment::Run missing = Reconcile(date, {"--apply"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot read the merchant key file " + key_file_), std::string::npos)
      << missing.err;
  key_file_ =
      Write("not-a-key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  CliDeployment::Run garbage = Reconcile(date, {"--apply"});
  EXPECT_EQ(garbage.code, 2);
  EXPECT_NE(garbage.err.find("holds no unencrypted RSA private key"), std::string::npos)
      << garbage.err;

  // A key WeChat does not know for the merchant: the download fails with WeChat's code.
  Result<wechat::sandbox::GeneratedKey> other = wechat::sandbox::GenerateRsaKey();
  ASSERT_TRUE(other.ok());
  key_file_ = Write("other-key.pem", other->private_key_pem);
  CliDeployment::Run refused = Reconcile(date, {"--apply"});
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("downloading the trade bill of " + date), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("WECHATPAY_API_SIGN_ERROR"), std::string::npos) << refused.err;
  key_file_ = real_key;

  CliDeployment::Run usage = Reconcile(date, {"--frobnicate"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_NE(usage.err.find("unknown option --frobnicate"), std::string::npos) << usage.err;

  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), 0);
}

// A day without any payment: WeChat has no bill and Mileage has nothing; that agrees.
TEST_P(ReconcileTest, ADayWithoutPaymentsAgrees) {
  if (database_ == nullptr) return;
  CliDeployment::Run run = Reconcile("2020-01-01", {"--json"});
  EXPECT_EQ(run.code, 0) << run.err << run.out;
  EXPECT_NE(run.out.find(R"("clean":true)"), std::string::npos) << run.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReconcileTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing
